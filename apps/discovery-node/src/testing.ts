// Test helpers: a fresh database on each engine, the test skipped (or, under CI, failed) when
// the PostgreSQL server is not there.
import { randomBytes, randomUUID } from 'node:crypto';
import { type AddressInfo, createServer } from 'node:net';
import type { TestContext } from 'node:test';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { type Address, type Hex, type LocalAccount, parseEther } from 'viem';
import { createChainWallet, fundAccounts, registerNode } from '@coliving/chain';
import type { TestNetwork } from '@coliving/chain/testing';
import { entityManagerAbi } from '@coliving/contracts';
import {
  type UploadReceipt,
  cidFromBytes,
  encodeEntityMetadata,
  entityManagerDomain,
  manageEntityTypes,
  randomNonce,
  signUploadReceipt,
} from '@coliving/protocol';
import { type ReceiptVerifier, createReceiptVerifier } from './core/uploadReceipts.js';
import { type Database, type DatabaseEngine, openDatabase } from './db/database.js';
import type { DB } from './db/schema.js';
import { indexBlocks } from './indexer/sources/entityManager.js';

/** The PostgreSQL server tests use: COLIVING_TEST_DATABASE_URL, or the local one. */
export const TEST_POSTGRES_URL =
  process.env.COLIVING_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const ENGINES: readonly DatabaseEngine[] = ['pglite', 'postgres'];

let postgresReachable: Promise<string | undefined> | undefined;

/** Undefined when the test PostgreSQL server answers; otherwise why it does not. */
export function postgresUnavailable(): Promise<string | undefined> {
  postgresReachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return undefined;
    } catch (error) {
      return `PostgreSQL at ${TEST_POSTGRES_URL} is not reachable (${(error as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return postgresReachable;
}

/**
 * Skips the test when `engine` is PostgreSQL and no server answers, printing why; under
 * CI=true a missing server fails the test instead. Returns true when the test should go on.
 */
export async function requireEngine(t: TestContext, engine: DatabaseEngine): Promise<boolean> {
  if (engine === 'pglite') return true;
  const why = await postgresUnavailable();
  if (!why) return true;
  if (process.env.CI === 'true') throw new Error(`${why}; CI must have it`);
  console.log(`# skipped: ${why}`);
  t.skip(why);
  return false;
}

/**
 * A fresh, migrated database on `engine`: PGlite in memory, or a new database on the test
 * PostgreSQL server that is dropped again on close.
 */
export async function openTestDatabase(engine: DatabaseEngine): Promise<Database> {
  if (engine === 'pglite') return openDatabase();
  const name = `coliving_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), maxConnections: 4 });
  return {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/** One action for `submitActions`: signed by `account` exactly as given (invalid ones too). */
export type ChainAction = {
  account: LocalAccount;
  userId: number | bigint;
  entityType: string;
  entityId: number | bigint;
  action: string;
  /** A metadata object is wrapped as `{"cid":"","data":…}`; a string goes as it is. */
  metadata?: string | Record<string, unknown>;
  nonce?: Hex;
};

/** Signs `action` for the data chain's EntityManager, skipping every client-side check. */
export async function signChainAction(
  network: TestNetwork,
  action: ChainAction,
): Promise<{
  userId: bigint;
  entityType: string;
  entityId: bigint;
  action: string;
  metadata: string;
  nonce: Hex;
  signature: Hex;
}> {
  const message = {
    userId: BigInt(action.userId),
    entityType: action.entityType,
    entityId: BigInt(action.entityId),
    action: action.action,
    metadata:
      typeof action.metadata === 'string'
        ? action.metadata
        : action.metadata
          ? encodeEntityMetadata(action.metadata)
          : '',
    nonce: action.nonce ?? randomNonce(),
  };
  const signature = await action.account.signTypedData({
    domain: entityManagerDomain(
      network.manifest.chains.data.chainId,
      network.manifest.contracts.data.EntityManager,
    ),
    types: manageEntityTypes,
    primaryType: 'ManageEntity',
    message,
  });
  return { ...message, signature };
}

/**
 * Signs every action and submits them in one `manageEntities` transaction (so one block), from
 * a gas account; returns that block.
 */
export async function submitActions(
  network: TestNetwork,
  actions: ChainAction[],
  gas: LocalAccount = network.accounts[19]!,
): Promise<number> {
  const signed = await Promise.all(actions.map((a) => signChainAction(network, a)));
  const wallet = createChainWallet('data', network.manifest.chains.data, gas);
  const hash = await wallet.writeContract({
    address: network.manifest.contracts.data.EntityManager,
    abi: entityManagerAbi,
    functionName: 'manageEntities',
    args: [signed],
  });
  const receipt = await network.dataPublic.waitForTransactionReceipt({ hash });
  if (receipt.status !== 'success') throw new Error(`manageEntities reverted (${hash})`);
  return Number(receipt.blockNumber);
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The verifier of upload receipts a discovery node on `network` uses. */
export function testReceiptVerifier(network: TestNetwork): ReceiptVerifier {
  return createReceiptVerifier({
    client: network.ethPublic,
    nodeRegistry: network.manifest.contracts.eth.NodeRegistry,
    confirmations: 0,
  });
}

/** Signs upload receipts as content node `nodeId` (registered with `delegate`) does. */
export type ReceiptSigner = {
  nodeId: bigint;
  /**
   * `track` with the receipt of its audio, as if `uploader` had uploaded it: the receipt
   * vouches for the track's own CIDs (made up where it names none) and duration.
   */
  withReceipt(
    uploader: Address,
    track: Record<string, unknown>,
  ): Promise<Record<string, unknown> & { upload_receipt: UploadReceipt }>;
};

/** A receipt signer for a content node already registered with `delegate` as its wallet. */
export async function receiptSigner(
  network: TestNetwork,
  delegate: LocalAccount,
  nodeId: bigint,
): Promise<ReceiptSigner> {
  const { hash } = await network.ethPublic.getBlock();
  let uploads = 0;
  const madeUp = (name: string) => cidFromBytes(new TextEncoder().encode(`${name}-${uploads}`));
  return {
    nodeId,
    async withReceipt(uploader, track) {
      uploads += 1;
      const upload_receipt = await signUploadReceipt({
        account: delegate,
        data: {
          v: 1,
          uploadId: randomUUID(),
          uploader,
          cid: String(track.track_cid),
          previewCid: (track.preview_cid as string | undefined) ?? (await madeUp('preview')),
          origCid: (track.orig_file_cid as string | undefined) ?? (await madeUp('original')),
          ...(typeof track.waveform_cid === 'string' ? { waveformCid: track.waveform_cid } : {}),
          durationSeconds: Number(track.duration),
          nodeId: nodeId.toString(),
          ethBlockHash: hash,
          signedAt: Date.now(),
        },
      });
      return { ...track, upload_receipt };
    },
  };
}

/**
 * Registers a content node on `network` (owned by dev account 1, signing with `delegate`,
 * dev account 18 unless given) and returns its receipt signer.
 */
export async function registerReceiptSigner(
  network: TestNetwork,
  delegate: LocalAccount = network.accounts[18]!,
): Promise<ReceiptSigner> {
  const owner = network.accounts[1]!;
  await fundAccounts({
    manifest: network.manifest,
    from: network.deployer,
    recipients: [owner.address],
    dgco: parseEther('200000'),
  });
  const { nodeId } = await registerNode({
    manifest: network.manifest,
    owner,
    serviceType: 'contentNode',
    endpoint: `http://receipts-${delegate.address.slice(2, 10).toLowerCase()}.test`,
    stake: parseEther('200000'),
    delegateWallet: delegate.address,
  });
  return receiptSigner(network, delegate, nodeId);
}

/** Indexes the data chain's EntityManager into `db` until it has every block of `network`. */
export async function indexEntityManager(db: Kysely<DB>, network: TestNetwork): Promise<void> {
  const receipts = testReceiptVerifier(network);
  for (;;) {
    const pass = await indexBlocks({
      db,
      client: network.dataPublic,
      entityManager: network.manifest.contracts.data.EntityManager,
      deployBlock: network.manifest.deployBlocks.data.EntityManager,
      confirmations: 0,
      blocksPerRead: 50,
      eventsPerTransaction: 100,
      receipts,
    });
    if (pass.indexedBlock === pass.headBlock) return;
  }
}
