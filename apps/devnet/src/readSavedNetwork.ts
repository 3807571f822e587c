// Resuming a devnet: the network saved in `<dir>/network.json` read back, checked against what is
// asked, and its nodes planned to start again as they were registered.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DevnetResumeError } from './errors.js';
import type {
  DevnetNode,
  NodeKind,
  PlannedNode,
  SavedNetwork,
  StartNetworkParameters,
} from './networkTypes.js';

/** Each chain's transaction journal, from which it resumes. */
export function journalOf(dir: string, chain: 'eth' | 'data'): string {
  return join(dir, 'chains', `${chain}.journal`);
}

/** Reads the devnet saved in `dir` and checks that it can be resumed as `init` asks. */
export async function readSavedNetwork(
  dir: string,
  init: StartNetworkParameters,
): Promise<SavedNetwork> {
  const file = join(dir, 'network.json');
  let saved: SavedNetwork;
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as SavedNetwork;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DevnetResumeError(
      missing
        ? `There is no devnet to resume in ${dir} (no network.json): start one without resume`
        : `${file} cannot be read, so the devnet in ${dir} cannot be resumed`,
      { cause: error },
    );
  }
  const refuse = (why: string) =>
    new DevnetResumeError(`The devnet in ${dir} cannot be resumed: ${why}`);
  for (const chain of ['eth', 'data'] as const) {
    if (!existsSync(journalOf(dir, chain)))
      throw refuse(`its ${chain} chain has no journal (${journalOf(dir, chain)})`);
  }
  if (saved.discoveryNodes.some((n) => !n.relayerPrivateKey))
    throw refuse(`${file} has no relayer keys (written by an older devnet)`);
  const counts = [
    ['contentNodes', init.contentNodes, saved.contentNodes.length],
    ['discoveryNodes', init.discoveryNodes, saved.discoveryNodes.length],
  ] as const;
  for (const [what, asked, has] of counts) {
    if (asked !== undefined && asked !== has)
      throw refuse(`it has ${has} ${what}, not ${asked}; start a new one to change that`);
  }
  if (init.portBase !== undefined && portOf(saved.chains.eth.rpcUrl) !== init.portBase)
    throw refuse(
      `it runs on ports from ${portOf(saved.chains.eth.rpcUrl)}, not portBase ${init.portBase}`,
    );
  return saved;
}

/** The port of a URL such as a chain's `http://127.0.0.1:4300`. */
export const portOf = (url: string) => Number(new URL(url).port);

/** The saved nodes, to start again as they were registered. */
export function plannedFrom(saved: SavedNetwork, dir: string): PlannedNode[] {
  const plan = (kind: NodeKind, n: DevnetNode): PlannedNode => ({
    kind,
    name: n.name,
    port: n.port,
    endpoint: n.endpoint,
    // From `dir` as it is now, so a devnet dir that was moved still resumes.
    dataDir: join(dir, n.name),
    logFile: join(dir, 'logs', `${n.name}.log`),
    operator: n.operator,
    delegate: { address: n.delegateWallet, privateKey: n.delegatePrivateKey },
  });
  return [
    ...saved.contentNodes.map((n) => plan('contentNode', n)),
    ...saved.discoveryNodes.map((n) => ({
      ...plan('discoveryNode', n),
      relayer: { address: n.relayerWallet, privateKey: n.relayerPrivateKey },
    })),
  ];
}
