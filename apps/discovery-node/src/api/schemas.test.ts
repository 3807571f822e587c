// The route schemas as fastify and the OpenAPI document get them from the protocol's models:
// plain JSON, nested models by reference, nullable keys as type lists, and the envelope written
// by fastify's serializer in the same bytes as before the models moved.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '@coliving/server-kit';
import {
  dataOf,
  hashId,
  playlistSchema,
  registerModelSchemas,
  repostList,
  trackList,
  trackSchema,
  userSchema,
} from './schemas.js';

/** Every `anyOf` and symbol key left anywhere in `schema`, by path. */
function leftovers(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const found = Object.getOwnPropertySymbols(schema).map((s) => `${path} ${String(s)}`);
  const nullable = (schema as { anyOf?: { type?: unknown }[] }).anyOf?.some(
    (b) => b.type === 'null',
  );
  if (nullable) found.push(`${path} anyOf with null`);
  for (const [key, value] of Object.entries(schema))
    found.push(...leftovers(value, `${path}/${key}`));
  return found;
}

describe('the API v1 route schemas', () => {
  it('are plain JSON: nested models by $ref, nullable keys as type lists', () => {
    for (const schema of [userSchema, trackSchema, playlistSchema, trackList, repostList])
      assert.deepEqual(leftovers(schema), []);
    assert.deepEqual(trackSchema.properties.user, { $ref: 'User#' });
    assert.deepEqual(playlistSchema.properties.tracks, {
      type: 'array',
      items: { $ref: 'Track#' },
    });
    assert.deepEqual(trackList, { type: 'array', items: { $ref: 'Track#' } });
    assert.deepEqual(userSchema.properties.bio, { type: ['string', 'null'] });
    assert.deepEqual(userSchema.properties.profile_picture!.type, ['object', 'null']);
    assert.deepEqual(userSchema.properties.profile_picture!.required, ['mirrors']);
    assert.equal(trackSchema.$id, 'Track');
    assert.equal(trackSchema.additionalProperties, true);
    assert.ok(trackSchema.required.includes('stream'));
    assert.ok(!trackSchema.required.includes('description'));
  });

  it('write the envelope as fastify always has, keys in the same order', async () => {
    const app = createApp({ logger: false });
    registerModelSchemas(app);
    const envelope = {
      timestamp: '2030-01-01T00:00:00.000Z',
      data: 'x7Ddn',
      latest_indexed_slot_plays: 0,
      latest_chain_slot_plays: 0,
      latest_indexed_block: 11,
      version: { version: '1.2.3', service: 'discovery-node' },
      latest_chain_block: 12,
      internal: 'never sent',
    };
    app.get('/id', { schema: { response: { 200: dataOf(hashId) } } }, () => envelope);
    const answer = await app.inject({ method: 'GET', url: '/id' });
    await app.close();
    assert.equal(
      answer.body,
      '{"data":"x7Ddn","latest_chain_block":12,"latest_indexed_block":11,' +
        '"version":{"service":"discovery-node","version":"1.2.3"},' +
        '"latest_chain_slot_plays":0,"latest_indexed_slot_plays":0,' +
        '"timestamp":"2030-01-01T00:00:00.000Z"}',
    );
  });
});
