import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  LOG_TAIL_LINES,
  NODE_START_DEADLINE_MS,
  NODE_STOP_DEADLINE_MS,
  POLL_INTERVAL_MS,
  PROBE_TIMEOUT_MS,
} from './constants.js';
import { NodeStartError } from './errors.js';

export type SpawnNodeProcessParameters = {
  /** e.g. `content-node-1`: names the node in errors. */
  name: string;
  /** The TypeScript entry point, run with `node --import tsx`. */
  main: string;
  /** The working directory (the repository root, where tsx and the workspaces resolve). */
  cwd: string;
  /** The whole environment of the child (nothing else is inherited). */
  env: Record<string, string>;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Where the node answers, e.g. `http://127.0.0.1:4001`. */
  endpoint: string;
};

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/** A node process that exited without being asked to (a crash, a kill from outside). */
export type NodeExit = ExitStatus & {
  name: string;
  endpoint: string;
  pid: number;
  logFile: string;
};

/** One node running in its own child process. */
export type NodeProcess = {
  name: string;
  endpoint: string;
  pid: number;
  logFile: string;
  /** Settles when the process has exited (or could not be spawned). */
  exited: Promise<ExitStatus>;
  /** How it exited, once it has. */
  exitStatus(): ExitStatus | undefined;
  /** SIGTERM by PID, SIGKILL past the stop deadline; resolves once it has exited. */
  stop(): Promise<void>;
  /**
   * Calls `listener` once if the process exits without stop() having been called first (it
   * crashed, or someone killed it); an exit stop() asked for is not reported.
   */
  onUnexpectedExit(listener: (exit: NodeExit) => void): void;
};

/** Starts a node as `process.execPath --import tsx <main>`, its output appended to `logFile`. */
export function spawnNodeProcess({
  name,
  main,
  cwd,
  env,
  logFile,
  endpoint,
}: SpawnNodeProcessParameters): NodeProcess {
  // The child writes to the file itself, so its log outlives this process and needs no pipe.
  const fd = openSync(logFile, 'a');
  let child;
  try {
    child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd,
      env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  let status: ExitStatus | undefined;
  let stopAsked = false;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve((status = { code, signal })));
    child.once('error', () => resolve((status ??= { code: null, signal: null })));
  });
  const pid = child.pid;
  if (pid === undefined) throw new NodeStartError(`${name} could not be spawned`);

  const signalIt = (signal: NodeJS.Signals) => {
    try {
      process.kill(pid, signal);
    } catch (error) {
      // Gone between the check and the signal: that is what was asked.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  return {
    name,
    endpoint,
    pid,
    logFile,
    exited,
    exitStatus: () => status,
    async stop() {
      stopAsked = true;
      if (status) return;
      signalIt('SIGTERM');
      const late = sleep(NODE_STOP_DEADLINE_MS, 'late' as const, { ref: false });
      if ((await Promise.race([exited, late])) === 'late') {
        signalIt('SIGKILL');
        await exited;
      }
    },
    onUnexpectedExit(listener) {
      void exited.then((exit) => {
        if (!stopAsked) listener({ name, endpoint, pid, logFile, ...exit });
      });
    },
  };
}

/**
 * What `npm start` prints when one of its nodes exits unasked: which node, how it exited, where
 * its log is (relative to `cwd` when inside it) and how to bring it back.
 */
export function nodeExitWords(exit: NodeExit, cwd = process.cwd()): string {
  const node = exit.name.replace(/-(\d+)$/, ' $1').replace(/-/g, ' ');
  const how = exit.signal
    ? `was stopped by signal ${exit.signal}`
    : `exited with code ${exit.code ?? 'unknown'}`;
  const rel = relative(cwd, exit.logFile);
  const log = rel && !rel.startsWith(`..${sep}`) && rel !== '..' ? rel : exit.logFile;
  return (
    `${node} (${exit.endpoint}, pid ${exit.pid}) ${how}; the rest of the devnet runs on ` +
    `without it. Its log: ${log}. To bring it back, stop the devnet (Ctrl-C) and run ` +
    '`npm start` again: it resumes where it was.'
  );
}

/** The last `lines` lines of a log file (its last 64 KiB at most), or a note that there is none. */
export async function readLogTail(logFile: string, lines = LOG_TAIL_LINES): Promise<string> {
  let handle;
  try {
    handle = await open(logFile, 'r');
  } catch {
    return '(no log)';
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    await handle.close();
  }
}

export type WaitForHealthParameters = {
  /** What the health report must show besides a 200 (e.g. every content node listed). */
  accept?: (data: Record<string, unknown>) => boolean;
  /** Says what was awaited, in the error at the deadline. */
  what?: string;
  deadlineMs?: number;
  signal?: AbortSignal;
};

/**
 * Polls the node's `/health_check` until it answers 200 with a report `accept` takes. Fails
 * with the node's last log lines when the process exits or the deadline passes first.
 */
export async function waitForHealth(
  node: NodeProcess,
  {
    accept = () => true,
    what = 'a healthy /health_check',
    deadlineMs = NODE_START_DEADLINE_MS,
    signal,
  }: WaitForHealthParameters = {},
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + deadlineMs;
  let last = 'no answer yet';
  for (;;) {
    signal?.throwIfAborted();
    const status = node.exitStatus();
    if (status) {
      const how = status.signal ? `signal ${status.signal}` : `code ${status.code}`;
      throw new NodeStartError(
        `${node.name} (${node.endpoint}) exited with ${how} while starting`,
        {
          details: `last lines of ${node.logFile}:\n${await readLogTail(node.logFile)}`,
        },
      );
    }
    try {
      const res = await fetch(`${node.endpoint}/health_check`, {
        signal: signal
          ? AbortSignal.any([signal, AbortSignal.timeout(PROBE_TIMEOUT_MS)])
          : AbortSignal.timeout(PROBE_TIMEOUT_MS),
      });
      const body = (await res.json().catch(() => undefined)) as
        { data?: Record<string, unknown> } | undefined;
      if (res.status === 200 && body?.data && accept(body.data)) return body.data;
      last = `${res.status} ${JSON.stringify(body?.data ?? body).slice(0, 500)}`;
    } catch (error) {
      signal?.throwIfAborted();
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      throw new NodeStartError(
        `${node.name} (${node.endpoint}) did not show ${what} within ${deadlineMs / 1000} s`,
        {
          details: `last answer: ${last}\nlast lines of ${node.logFile}:\n${await readLogTail(node.logFile)}`,
        },
      );
    }
    await sleep(POLL_INTERVAL_MS, undefined, signal ? { signal } : {});
  }
}
