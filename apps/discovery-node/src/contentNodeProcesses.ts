// Test helpers: real content nodes in child processes (a fixed network of peers that trust one
// discovery signer), blobs pushed to them as a peer would, and stopping them by PID.
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hex, LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { cidFromBytes, contentSha256OfCid, signRequest } from '@coliving/protocol';
import { freePort } from './testing.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');
const CONTENT_NODE_MAIN = join(ROOT, 'apps/content-node/src/main.ts');
/**
 * Generous: a content node under tsx starts in 1–3 s, but a minute or more on a loaded two-core
 * machine where test files run side by side, each starting nodes and a chain.
 */
const START_DEADLINE_MS = 180_000;
/** SIGTERM lets a node close its server and database; past this it is killed. */
const STOP_DEADLINE_MS = 10_000;
const POLL_MS = 50;

/** Who a content node is and where it listens, before it is started. */
export type ContentNodeSpec = {
  privateKey: Hex;
  account: LocalAccount;
  port: number;
  endpoint: string;
  dataDir: string;
};

/** One content node in a child process. */
export type ContentNodeProcess = ContentNodeSpec & {
  child: ChildProcess;
  /** What it printed, for the failure message when it does not start. */
  output: string[];
  exited: Promise<number | null>;
};

/**
 * Variables set over the defaults below; one set to undefined is removed (e.g. `COLIVING_PEERS`,
 * for a node that reads its network from the chain).
 */
export type ContentNodeEnv = Record<string, string | undefined>;

/** Starts one content node on `spec`'s port and data dir; it trusts `discoverySigner`. */
export function spawnContentNode(
  spec: ContentNodeSpec,
  peers: string,
  discoverySigner: string,
  extraEnv: ContentNodeEnv = {},
): ContentNodeProcess {
  const env: ContentNodeEnv = {
    ...process.env,
    COLIVING_PUBLIC_URL: spec.endpoint,
    COLIVING_PORT: String(spec.port),
    COLIVING_DATA_DIR: spec.dataDir,
    COLIVING_DELEGATE_PRIVATE_KEY: spec.privateKey,
    COLIVING_PEERS: peers,
    COLIVING_DISCOVERY_SIGNERS: discoverySigner,
    COLIVING_LOG_LEVEL: 'warn',
    // Repair would move blobs while a test watches placement; it is not what is tested here.
    COLIVING_REPAIR_INTERVAL: '1h',
    ...extraEnv,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', CONTENT_NODE_MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    if (output.length < 200) output.push(chunk.toString());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { ...spec, child, output, exited };
}

export type StartContentNodesReturnType = {
  nodes: ContentNodeProcess[];
  /** `COLIVING_PEERS` of the network: `wallet@endpoint`, comma-separated. */
  peers: string;
};

/**
 * Starts `count` content nodes on free ports, each with a data dir under `dir`, peers of each
 * other and trusting `discoverySigner`; resolves once every one answers its health check.
 */
export async function startContentNodes(
  count: number,
  dir: string,
  discoverySigner: string,
  env: ContentNodeEnv = {},
): Promise<StartContentNodesReturnType> {
  const specs = await contentNodeSpecs(count, dir);
  const peers = specs.map((s) => `${s.account.address}@${s.endpoint}`).join(',');
  return { nodes: await spawnContentNodes(specs, peers, discoverySigner, env), peers };
}

/** Who `count` content nodes will be: free ports, fresh keys, data dirs under `dir`. */
export async function contentNodeSpecs(count: number, dir: string): Promise<ContentNodeSpec[]> {
  const specs: ContentNodeSpec[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const privateKey = generatePrivateKey();
    specs.push({
      privateKey,
      account: privateKeyToAccount(privateKey),
      port,
      endpoint: `http://127.0.0.1:${port}`,
      dataDir: join(dir, `node-${i}`),
    });
  }
  return specs;
}

/** Starts a content node per spec; resolves once every one answers its health check. */
export async function spawnContentNodes(
  specs: readonly ContentNodeSpec[],
  peers: string,
  discoverySigner: string,
  env: ContentNodeEnv = {},
): Promise<ContentNodeProcess[]> {
  const nodes = specs.map((spec) => spawnContentNode(spec, peers, discoverySigner, env));
  try {
    await Promise.all(nodes.map(waitUntilHealthy));
  } catch (error) {
    await Promise.all(nodes.map(stopContentNode));
    throw error;
  }
  return nodes;
}

/** Polls the node's health check until it answers 200; fails at the deadline or if it exits. */
export async function waitUntilHealthy(node: ContentNodeProcess): Promise<void> {
  const deadline = Date.now() + START_DEADLINE_MS;
  let exitCode: number | null | undefined;
  void node.exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) {
      throw new Error(
        `content node ${node.endpoint} exited (${exitCode}):\n${node.output.join('')}`,
      );
    }
    try {
      const res = await fetch(`${node.endpoint}/health_check`, {
        signal: AbortSignal.timeout(2_000),
      });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `content node ${node.endpoint} not healthy in time:\n${node.output.join('')}`,
      );
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

/** Stops a node by its PID (SIGTERM, then SIGKILL past a deadline) and waits for it to exit. */
export async function stopContentNode(node: ContentNodeProcess): Promise<void> {
  if (node.child.exitCode !== null || node.child.signalCode !== null) return;
  process.kill(node.child.pid!, 'SIGTERM');
  const deadline = new Promise<'late'>((done) =>
    setTimeout(() => done('late'), STOP_DEADLINE_MS).unref(),
  );
  if ((await Promise.race([node.exited, deadline])) === 'late') {
    process.kill(node.child.pid!, 'SIGKILL');
    await node.exited;
  }
}

/**
 * Stores `bytes` on every node in `nodes`, pushed as a peer would (signed by `signer`, a node of
 * the network), so each node verifies it; returns its CID.
 */
export async function pushBlob(
  nodes: readonly ContentNodeProcess[],
  bytes: Uint8Array,
  signer: LocalAccount = nodes[0]!.account,
): Promise<string> {
  const cid = await cidFromBytes(bytes);
  const path = `/internal/blobs/${cid}`;
  for (const node of nodes) {
    const res = await fetch(`${node.endpoint}${path}`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        ...(await signRequest({
          account: signer,
          method: 'PUT',
          path,
          content: contentSha256OfCid(cid),
        })),
      },
      body: bytes,
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 204) {
      throw new Error(`pushing ${cid} to ${node.endpoint}: ${res.status} ${await res.text()}`);
    }
  }
  return cid;
}

/** Calls `probe` until it returns what `done` accepts, or fails at the deadline. */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  deadlineMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: still ${JSON.stringify(value)} at the deadline`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
