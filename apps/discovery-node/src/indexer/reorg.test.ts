import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type TestNetwork, startTestNetwork } from '@coliving/chain/testing';
import { computeStateDigest } from '../db/stateDigest.js';
import { openTestDatabase, submitActions, testReceiptVerifier } from '../testing.js';
import { ReorgError } from './checkpoints.js';
import { indexBlocks } from './sources/entityManager.js';

let network: TestNetwork;
before(async () => {
  network = await startTestNetwork();
});
after(async () => {
  await network?.stop();
});

const createUser = (index: number, id: number, handle: string) => ({
  account: network.accounts[index]!,
  userId: id,
  entityType: 'User',
  entityId: id,
  action: 'Create',
  metadata: { handle, name: handle },
});

function pass(db: Parameters<typeof indexBlocks>[0]['db'], confirmations: number) {
  return indexBlocks({
    db,
    client: network.dataPublic,
    entityManager: network.manifest.contracts.data.EntityManager,
    deployBlock: network.manifest.deployBlocks.data.EntityManager,
    confirmations,
    blocksPerRead: 100,
    eventsPerTransaction: 100,
    receipts: testReceiptVerifier(network),
  });
}

describe('reorgs', () => {
  it('never indexes a block with fewer confirmations than asked, so a shallow reorg leaves no trace', async () => {
    const database = await openTestDatabase('pglite');
    const fresh = await openTestDatabase('pglite');
    const revert = await network.snapshot();
    try {
      const orphan = await submitActions(network, [createUser(1, 11, 'alice')]);
      const first = await pass(database.db, 2);
      assert.ok((first.indexedBlock ?? 0) < orphan, 'the unconfirmed block waits');
      // The chain drops that block and grows another way.
      await revert();
      const kept = await submitActions(network, [createUser(3, 13, 'carol')]);
      assert.equal(kept, orphan, 'the new block takes the orphan’s height');
      await network.mine(2, network.dataChain);
      const second = await pass(database.db, 2);
      assert.equal(second.indexedBlock, kept);
      const users = await database.db.selectFrom('users').select('handle').execute();
      assert.deepEqual(users, [{ handle: 'carol' }]);
      // The same state as a node that only ever saw the new chain.
      await pass(fresh.db, 2);
      assert.deepEqual(await computeStateDigest(database.db), await computeStateDigest(fresh.db));
    } finally {
      await database.close();
      await fresh.close();
    }
  });

  it('halts on a reorg deeper than its confirmations instead of keeping a disowned state', async () => {
    const database = await openTestDatabase('pglite');
    const revert = await network.snapshot();
    try {
      await submitActions(network, [createUser(5, 15, 'eve')]);
      const indexed = await pass(database.db, 0);
      await revert();
      await submitActions(network, [createUser(6, 16, 'frank')]);
      await assert.rejects(pass(database.db, 0), (error: unknown) => {
        assert.ok(error instanceof ReorgError);
        assert.equal(error.code, 'reorg_beyond_confirmations');
        return true;
      });
      const checkpoint = await database.db
        .selectFrom('indexing_checkpoints')
        .select('block_number')
        .executeTakeFirstOrThrow();
      assert.equal(checkpoint.block_number, indexed.indexedBlock);
    } finally {
      await database.close();
    }
  });
});
