import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countingStream, multipartBody } from './upload.js';

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

describe('multipart upload body', () => {
  it('streams the fields then the file, counting every byte', async () => {
    const audio = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251);
    const body = multipartBody(
      [
        ['template', 'audio'],
        ['previewStartSeconds', '12.5'],
      ],
      { field: 'files', name: 'my "song".wav', type: 'audio/wav', data: new Blob([audio]) },
    );
    const counts: number[] = [];
    const bytes = await collect(countingStream(body.parts, (sent) => counts.push(sent)));
    assert.equal(bytes.length, body.total);
    assert.ok(counts.length >= 4, 'progress in several steps');
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
    );
    assert.equal(counts.at(-1), body.total);

    // A real multipart parser reads back exactly what was given, in order.
    const form = await new Response(bytes, {
      headers: { 'content-type': body.contentType },
    }).formData();
    assert.deepEqual([...form.keys()], ['template', 'previewStartSeconds', 'files']);
    assert.equal(form.get('template'), 'audio');
    assert.equal(form.get('previewStartSeconds'), '12.5');
    const file = form.get('files') as File;
    // Quotes go as %22, as browsers send them, and parsers read them back.
    assert.equal(file.name, 'my "song".wav');
    assert.equal(file.type, 'audio/wav');
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), audio);
  });

  it('reads a Uint8Array file the same way as a Blob', async () => {
    const data = new TextEncoder().encode('hello');
    const fromBytes = multipartBody([], { field: 'files', name: 'a', type: 'x/y', data }, 'b');
    const fromBlob = multipartBody(
      [],
      { field: 'files', name: 'a', type: 'x/y', data: new Blob([data]) },
      'b',
    );
    assert.deepEqual(
      await collect(countingStream(fromBytes.parts, () => {})),
      await collect(countingStream(fromBlob.parts, () => {})),
    );
  });
});
