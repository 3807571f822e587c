// `coliving devnet up | down | status`: a whole local Coliving network in one command (what
// `npm start` runs). State lives in `.coliving/`: a second `up` resumes it without reseeding,
// `--reset` starts fresh. `.coliving/devnet.json` is the manifest other tools read.
import { existsSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEMO_HISTORY_DAYS,
  type DemoAccount,
  type StartNetworkReturnType,
  type WebServer,
  advanceChainClock,
  allocatePorts,
  buildWeb,
  nodeExitWords,
  seedDemoCatalog,
  serveWeb,
  startNetwork,
} from '@coliving/devnet';
import type { Command } from '../command.js';
import { type CliIo, output } from '../context.js';
import { UsageError } from '../errors.js';

const DAY_MS = 86_400_000;

/** What `.coliving/devnet.json` holds: the shape tools and tests read (issue: npm start). */
export type DevnetManifestFile = {
  chains: { eth: { rpcUrl: string; chainId: number }; data: { rpcUrl: string; chainId: number } };
  contracts: { eth: Record<string, string>; data: Record<string, string> };
  discoveryNodes: { endpoint: string; delegateWallet: string; spId: number }[];
  contentNodes: { endpoint: string; delegateWallet: string; spId: number }[];
  web: { url: string | null };
  accounts: DemoAccount[];
  /** Whether the demo catalog was seeded (a start that stopped midway seeds on the next). */
  seeded: boolean;
};

/** Content nodes of `npm start`: the replication factor, so every blob has its 3 replicas. */
const CONTENT_NODES = 3;
/** Discovery nodes of `npm start`: two, so clients have one to fail over to. */
const DISCOVERY_NODES = 2;
/** Ports from here up unless COLIVING_PORT_BASE says otherwise (`auto`: any free ports). */
const DEFAULT_PORT_BASE = 4300;

/** How long after a node exits `up` waits before saying so (a Ctrl-C may be stopping it all). */
const NODE_EXIT_GRACE_MS = 1000;

/** The web player listens this far above the port base (4380 by default), clear of the nodes. */
const WEB_PORT_OFFSET = 80;
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** The catalog of `--catalog small`: enough to see every kind of thing, quick to seed (tests). */
const SMALL_CATALOG = { landlords: 2, tracksPerLandlord: 2, residents: 2 };

function countOption(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new UsageError(`--${name} must be a whole number from 1 to 10`);
  return n;
}

function optionalCount(
  value: unknown,
  name: string,
  key: 'contentNodes' | 'discoveryNodes',
): Partial<Record<'contentNodes' | 'discoveryNodes', number>> {
  return value === undefined ? {} : { [key]: countOption(value, 0, name) };
}

function withPortBase(portBase: number | undefined): { portBase?: number } {
  return portBase === undefined ? {} : { portBase };
}

function stateDir(io: CliIo, values: Record<string, unknown>): string {
  return resolve(io.cwd, typeof values.dir === 'string' ? values.dir : '.coliving');
}

function portBaseOf(io: CliIo): number | undefined {
  const raw = io.env.COLIVING_PORT_BASE;
  if (raw === undefined || raw === '') return DEFAULT_PORT_BASE;
  if (raw === 'auto') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 65_000)
    throw new UsageError(
      `COLIVING_PORT_BASE must be a port from 1024 to 65000 (or auto), got "${raw}"`,
    );
  return n;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The launcher's PID while a devnet runs, or undefined. */
async function runningPid(dir: string): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(join(dir, 'devnet.pid'), 'utf8')).trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

function manifestOf(
  network: StartNetworkReturnType,
  web: WebServer | undefined,
  accounts: DemoAccount[],
  seeded: boolean,
): DevnetManifestFile {
  const node = (n: { endpoint: string; delegateWallet: string; spId: number }) => ({
    endpoint: n.endpoint,
    delegateWallet: n.delegateWallet,
    spId: n.spId,
  });
  return {
    chains: network.chains,
    contracts: network.contracts,
    discoveryNodes: network.discoveryNodes.map(node),
    contentNodes: network.contentNodes.map(node),
    web: { url: web?.url ?? null },
    accounts,
    seeded,
  };
}

/** How long `up` waits for every discovery node's trending to list the seeded tracks. */
const TRENDING_DEADLINE_MS = 60_000;

/** Resolves once each node's all-time trending has tracks; a node still empty at the deadline fails. */
async function waitForTrending(endpoints: string[]): Promise<void> {
  const deadline = Date.now() + TRENDING_DEADLINE_MS;
  for (const endpoint of endpoints) {
    for (;;) {
      const res = await fetch(`${endpoint}/v1/tracks/trending?time=allTime&limit=1`, {
        signal: AbortSignal.timeout(5_000),
      }).catch(() => undefined);
      const body = res?.ok ? ((await res.json()) as { data?: unknown[] }) : undefined;
      if ((body?.data?.length ?? 0) > 0) break;
      if (Date.now() > deadline) {
        throw new Error(
          `${endpoint} has no trending tracks ${TRENDING_DEADLINE_MS / 1000} s after seeding`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')).join('\n');
}

async function probe(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json().catch(() => ({}))) as {
      data?: { healthy?: boolean; block_difference?: number };
    };
    const healthy = res.ok && body.data?.healthy !== false;
    const lag = body.data?.block_difference;
    return { ok: healthy, detail: lag === undefined ? `${res.status}` : `${lag} blocks behind` };
  } catch (error) {
    return { ok: false, detail: (error as Error).name === 'TimeoutError' ? 'timeout' : 'down' };
  }
}

async function chainHead(rpcUrl: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_blockNumber', params: [] }),
      signal: AbortSignal.timeout(3000),
    });
    const { result } = (await res.json()) as { result?: string };
    return result
      ? { ok: true, detail: `block ${Number(result)}` }
      : { ok: false, detail: 'error' };
  } catch {
    return { ok: false, detail: 'down' };
  }
}

export const devnetCommands: Command[] = [
  {
    words: ['devnet', 'up'],
    usage:
      'devnet up [--reset] [--dir <.coliving>] [--content-nodes <n>] [--discovery-nodes <n>] [--catalog full|small]',
    summary: 'Run a whole local network with a demo catalog (npm start); Ctrl-C stops it',
    options: {
      reset: { type: 'boolean' },
      dir: { type: 'string' },
      'content-nodes': { type: 'string' },
      'discovery-nodes': { type: 'string' },
      catalog: { type: 'string' },
    },
    async run({ values, json }, io) {
      const dir = stateDir(io, values);
      const pid = await runningPid(dir);
      if (pid !== undefined)
        throw new UsageError(
          `A devnet is already running from ${dir} (pid ${pid}); stop it with \`coliving devnet down\``,
        );
      const manifestPath = join(dir, 'devnet.json');
      let previous: DevnetManifestFile | undefined;
      if (!values.reset && existsSync(manifestPath) && existsSync(join(dir, 'network.json'))) {
        previous = JSON.parse(await readFile(manifestPath, 'utf8')) as DevnetManifestFile;
      }
      const resume = previous !== undefined;
      if (values.reset) await rm(manifestPath, { force: true });
      const started = performance.now();
      const say = (text: string) => {
        if (!json) io.stderr(`${text}\n`);
      };
      say(resume ? `Resuming the devnet in ${dir} ...` : `Starting a fresh devnet in ${dir} ...`);
      const catalog = values.catalog ?? 'full';
      if (catalog !== 'full' && catalog !== 'small')
        throw new UsageError('--catalog must be full or small');
      // A resumed devnet keeps its own ports and nodes (they are registered on its chain); a
      // different count or port base asked for explicitly is refused with a clear error.
      const explicitBase = io.env.COLIVING_PORT_BASE ? portBaseOf(io) : undefined;
      // The player builds (only if its sources changed) while the chains and nodes start.
      const webBuild = buildWeb({ root: ROOT, logFile: join(dir, 'logs', 'web-build.log') });
      webBuild.catch(() => undefined); // awaited below; this only keeps it from going unhandled
      const stopping = { done: false };
      const network = await startNetwork({
        dir,
        // A node that dies while the devnet runs is said in this terminal, the one people watch.
        // Ctrl-C reaches the nodes too (one process group): a moment's wait lets stop() start, so
        // a node ending because everything is stopping is not reported.
        onNodeExit: (exit) => {
          setTimeout(() => {
            if (!stopping.done) io.stderr(`\n${nodeExitWords(exit, io.cwd)}\n`);
          }, NODE_EXIT_GRACE_MS).unref();
        },
        ...(resume
          ? {
              resume: true,
              ...(explicitBase !== undefined ? { portBase: explicitBase } : {}),
              ...optionalCount(values['content-nodes'], 'content-nodes', 'contentNodes'),
              ...optionalCount(values['discovery-nodes'], 'discovery-nodes', 'discoveryNodes'),
            }
          : {
              contentNodes: countOption(values['content-nodes'], CONTENT_NODES, 'content-nodes'),
              discoveryNodes: countOption(
                values['discovery-nodes'],
                DISCOVERY_NODES,
                'discovery-nodes',
              ),
              ...withPortBase(portBaseOf(io)),
              // The demo catalog gets a past: the data chain starts a day before its first era.
              dataChainGenesis: new Date(Date.now() - (DEMO_HISTORY_DAYS[0] + 1) * DAY_MS),
            }),
      });
      let web: WebServer | undefined;
      const stop = async () => {
        if (stopping.done) return;
        stopping.done = true;
        say('Stopping every process of the devnet ...');
        await web?.close();
        await network.stop();
        await rm(join(dir, 'devnet.pid'), { force: true });
        say('Stopped; nothing is left listening.');
      };
      await writeFile(join(dir, 'devnet.pid'), `${process.pid}\n`);
      let accounts = previous?.accounts ?? [];
      let seeded = previous?.seeded ?? false;
      try {
        const { outDir } = await webBuild;
        const previousWebPort = previous?.web.url ? Number(new URL(previous.web.url).port) : 0;
        const ethPort = Number(new URL(network.chains.eth.rpcUrl).port);
        const base = resume ? explicitBase : portBaseOf(io);
        const webPort =
          previousWebPort || (base !== undefined || resume ? ethPort + WEB_PORT_OFFSET : 0);
        if (webPort !== 0) await allocatePorts({ uses: ['the web player'], portBase: webPort });
        web = await serveWeb({
          distDir: outDir,
          port: webPort,
          config: { discoveryNodes: network.discoveryNodes.map((n) => n.endpoint) },
        });
        await writeJson(manifestPath, manifestOf(network, web, accounts, seeded));
        if (!seeded) {
          say('Seeding the demo catalog through the SDK ...');
          const seededCatalog = await seedDemoCatalog({
            discoveryNodes: network.discoveryNodes.map((n) => n.endpoint),
            cacheDir: join(dir, 'cache'),
            ...(catalog === 'small' ? { scale: SMALL_CATALOG } : {}),
            onProgress: (message) => say(`  ${message}`),
            history: { advanceTo: (at) => advanceChainClock(network.chains.data.rpcUrl, at) },
            treasury: { eth: network.chains.eth, token: network.contracts.eth.DgcoToken },
          });
          accounts = seededCatalog.accounts;
          seeded = true;
          await writeJson(manifestPath, manifestOf(network, web, accounts, seeded));
          // Trending is recomputed every few seconds: ready means the player's first page
          // already shows the catalog.
          say('Waiting for trending to include the catalog ...');
          await waitForTrending(network.discoveryNodes.map((n) => n.endpoint));
        }
        // However the seeding went (or if it ran before), the data chain's clock is the present:
        // a content node's plays count only within 10 minutes after their block's time.
        await advanceChainClock(network.chains.data.rpcUrl, new Date());
      } catch (error) {
        await stop();
        throw error;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const manifest = manifestOf(network, web, accounts, seeded);
      output(io, json, { ready: true, seconds: Number(seconds), manifest: manifestPath }, () =>
        [
          '',
          `Coliving devnet ready in ${seconds} s (${resume ? 'resumed' : 'fresh'}; state in ${dir})`,
          '',
          table([
            ['what', 'url'],
            ['web player', manifest.web.url ?? '(not served)'],
            ['eth chain', `${manifest.chains.eth.rpcUrl} (chain ${manifest.chains.eth.chainId})`],
            [
              'data chain',
              `${manifest.chains.data.rpcUrl} (chain ${manifest.chains.data.chainId})`,
            ],
            ...manifest.discoveryNodes.map((n, i) => [
              `discovery node ${i + 1}`,
              `${n.endpoint}  (API docs: ${n.endpoint}/docs)`,
            ]),
            ...manifest.contentNodes.map((n, i) => [`content node ${i + 1}`, n.endpoint]),
          ]),
          '',
          'Demo logins (coliving account login --email <e> --password <p>):',
          table([
            ['handle', 'role', 'email', 'password'],
            ...accounts.map((a) => [`@${a.handle}`, a.role, a.email, a.password]),
          ]),
          '',
          `Manifest: ${manifestPath}. Logs: ${join(dir, 'logs')}.`,
          'Stop with Ctrl-C (or `npx coliving devnet down`); `npm start -- --reset` starts fresh.',
        ].join('\n'),
      );
      await new Promise<void>((done) => {
        const onSignal = () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          void stop().then(done, done);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      });
    },
  },
  {
    words: ['devnet', 'down'],
    usage: 'devnet down [--dir <.coliving>]',
    summary: 'Stop the running devnet and every process it started',
    options: { dir: { type: 'string' } },
    async run({ values, json }, io) {
      const dir = stateDir(io, values);
      const pid = await runningPid(dir);
      if (pid === undefined) {
        output(io, json, { stopped: false }, () => 'No devnet is running.');
        return;
      }
      process.kill(pid, 'SIGTERM');
      // Done once the launcher itself has exited (it removes its PID file just before it does).
      const deadline = Date.now() + 60_000;
      while (isAlive(pid)) {
        if (Date.now() > deadline) throw new Error(`The devnet (pid ${pid}) did not stop in 60 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
      output(io, json, { stopped: true, pid }, () => `Stopped the devnet (pid ${pid}).`);
    },
  },
  {
    words: ['devnet', 'status'],
    usage: 'devnet status [--dir <.coliving>]',
    summary: "Each devnet process's health",
    options: { dir: { type: 'string' } },
    async run({ values, json }, io) {
      const dir = stateDir(io, values);
      const manifestPath = join(dir, 'devnet.json');
      if (!existsSync(manifestPath))
        throw new UsageError(`No devnet in ${dir}: start one with \`npm start\``);
      const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as DevnetManifestFile;
      const pid = await runningPid(dir);
      const rows = await Promise.all([
        ...(manifest.web.url
          ? [
              probe(`${manifest.web.url}/config.json`).then((s) => ({
                name: 'web player',
                url: manifest.web.url!,
                ...s,
              })),
            ]
          : []),
        chainHead(manifest.chains.eth.rpcUrl).then((s) => ({
          name: 'eth chain',
          url: manifest.chains.eth.rpcUrl,
          ...s,
        })),
        chainHead(manifest.chains.data.rpcUrl).then((s) => ({
          name: 'data chain',
          url: manifest.chains.data.rpcUrl,
          ...s,
        })),
        ...manifest.discoveryNodes.map((n, i) =>
          probe(`${n.endpoint}/health_check`).then((s) => ({
            name: `discovery node ${i + 1}`,
            url: n.endpoint,
            ...s,
          })),
        ),
        ...manifest.contentNodes.map((n, i) =>
          probe(`${n.endpoint}/health_check`).then((s) => ({
            name: `content node ${i + 1}`,
            url: n.endpoint,
            ...s,
          })),
        ),
      ]);
      output(io, json, { running: pid !== undefined, pid: pid ?? null, processes: rows }, () =>
        [
          pid !== undefined ? `devnet running (pid ${pid})` : 'devnet not running',
          table([
            ['process', 'url', 'health', 'detail'],
            ...rows.map((r) => [r.name, r.url, r.ok ? 'healthy' : 'DOWN', r.detail]),
          ]),
        ].join('\n'),
      );
      return rows.some((r) => !r.ok) ? 1 : 0;
    },
  },
];
