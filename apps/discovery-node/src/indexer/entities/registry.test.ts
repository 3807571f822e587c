import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS_BY_ENTITY_TYPE, type EntityType } from '@coliving/protocol';
import { WRITE_STAGES } from '../batchTables.js';
import { ENTITY_HANDLERS, ENTITY_TABLES } from './registry.js';

describe('the entity registry', () => {
  it('handles exactly the entity types and actions the protocol allows', () => {
    assert.deepEqual(
      Object.keys(ENTITY_HANDLERS).sort(),
      Object.keys(ACTIONS_BY_ENTITY_TYPE).sort(),
    );
    for (const [type, actions] of Object.entries(ACTIONS_BY_ENTITY_TYPE)) {
      const handled = Object.keys(ENTITY_HANDLERS[type as EntityType].actions);
      assert.deepEqual(handled.sort(), [...actions].sort(), type);
    }
  });

  it('declares every table once, each in a write stage', () => {
    const names = ENTITY_TABLES.map((table) => table.name);
    assert.equal(new Set(names).size, names.length);
    for (const table of ENTITY_TABLES) assert.ok(WRITE_STAGES.includes(table.stage), table.name);
  });
});
