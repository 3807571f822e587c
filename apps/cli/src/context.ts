// What every command shares: where the network is (flag, env or the local devnet's manifest),
// the saved session (the logged-in key), the SDK built from both, and how results are printed.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type ColivingSdk, createColivingSdk } from '@coliving/sdk';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { UsageError } from './errors.js';

/** Where a command writes and what it reads from its environment. */
export type CliIo = {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Whether stderr is a terminal (progress bars redraw in place). */
  isTty: boolean;
};

/** The local devnet's manifest (`.coliving/devnet.json`), as far as the CLI reads it. */
export type DevnetManifest = {
  chains?: {
    eth?: { rpcUrl: string; chainId: number };
    data?: { rpcUrl: string; chainId: number };
  };
  contracts?: { eth?: Record<string, string>; data?: Record<string, string> };
  discoveryNodes?: { endpoint: string }[];
  contentNodes?: { endpoint: string }[];
};

/** The logged-in account, saved with mode 0600 under COLIVING_HOME (default ~/.coliving). */
export type Session = {
  email: string;
  wallet: string;
  privateKey: Hex;
  userId?: string;
  handle?: string;
  /** The discovery node the session was made against. */
  discovery: string[];
};

/** The devnet manifest found from `cwd` upward, with its path, or undefined. */
export async function findDevnetManifest(
  cwd: string,
): Promise<{ path: string; manifest: DevnetManifest } | undefined> {
  let dir = resolve(cwd);
  for (;;) {
    const path = join(dir, '.coliving', 'devnet.json');
    if (existsSync(path)) {
      try {
        return { path, manifest: JSON.parse(await readFile(path, 'utf8')) as DevnetManifest };
      } catch (cause) {
        throw new UsageError(`${path} is not valid JSON`, { cause });
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The discovery nodes to use: `--discovery`, else COLIVING_DISCOVERY_URL (comma-separated),
 * else the local devnet's. A clear error when there is none.
 */
export async function discoveryEndpoints(io: CliIo, flag: string | undefined): Promise<string[]> {
  const listed = flag ?? io.env.COLIVING_DISCOVERY_URL;
  if (listed) {
    const urls = listed
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    for (const url of urls) {
      if (!/^https?:\/\/[^/\s]+/.test(url))
        throw new UsageError(`"${url}" is not a discovery node URL (http://host:port)`);
    }
    return urls.map((u) => u.replace(/\/+$/, ''));
  }
  const found = await findDevnetManifest(io.cwd);
  const endpoints = found?.manifest.discoveryNodes?.map((n) => n.endpoint) ?? [];
  if (endpoints.length === 0) {
    throw new UsageError(
      'No network to talk to: start the local devnet with `npm start`, or pass --discovery <url> (or set COLIVING_DISCOVERY_URL)',
    );
  }
  return endpoints;
}

function homeOf(io: CliIo): string {
  return io.env.COLIVING_HOME ?? join(homedir(), '.coliving');
}

function sessionPath(io: CliIo): string {
  return join(homeOf(io), 'session.json');
}

export async function loadSession(io: CliIo): Promise<Session | undefined> {
  let text: string;
  try {
    text = await readFile(sessionPath(io), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as Session;
  } catch (cause) {
    throw new UsageError(`${sessionPath(io)} is damaged: log in again (coliving account login)`, {
      cause,
    });
  }
}

/** Saves the session readable by its owner only (the directory 0700, the file 0600). */
export async function saveSession(io: CliIo, session: Session): Promise<string> {
  const path = sessionPath(io);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  const { rename } = await import('node:fs/promises');
  await rename(tmp, path);
  return path;
}

export async function removeSession(io: CliIo): Promise<boolean> {
  const path = sessionPath(io);
  const had = existsSync(path);
  await rm(path, { force: true });
  return had;
}

/** The SDK on the chosen network, signing with the session's key when there is one. */
export async function sdkFor(
  io: CliIo,
  flags: { discovery?: string },
  session?: Session,
): Promise<ColivingSdk> {
  const discoveryNodes = await discoveryEndpoints(io, flags.discovery);
  return createColivingSdk({
    discoveryNodes,
    ...(session ? { account: privateKeyToAccount(session.privateKey) } : {}),
  });
}

/** The session, or a clear error telling the user to log in. */
export async function requireSession(io: CliIo): Promise<Session> {
  const session = await loadSession(io);
  if (!session) {
    throw new UsageError(
      'Not logged in: run `coliving account login --email <e> --password <p>` (or `account create`)',
    );
  }
  if (!session.userId) {
    throw new UsageError(
      'This account has no profile yet: run `coliving account create` with a --handle and --name',
    );
  }
  return session;
}

/** Prints `value` as JSON when `--json` is set, else the human `text`. */
export function output(io: CliIo, json: boolean, value: unknown, text: () => string): void {
  io.stdout(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}
