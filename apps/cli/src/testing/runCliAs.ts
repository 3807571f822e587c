// For the command tests: runs `coliving <argv>` in this process as a logged-in user, against one
// discovery node, with each user's home (session) under one folder.
import { join } from 'node:path';
import { encodeHashId } from '@coliving/sdk';
import { privateKeyToAccount } from 'viem/accounts';
import { runCli } from '../cli.js';
import { type CliIo, saveSession } from '../context.js';

export type RunCliAsParameters = {
  /** The folder holding each user's COLIVING_HOME (`<dir>/<handle>`). */
  dir: string;
  /** The discovery node the session and the command use. */
  endpoint: string;
  /** The user's signing key, id and handle. */
  key: `0x${string}`;
  userId: number;
  handle: string;
};

export type RunCliAsReturnType = { code: number; stdout: string; stderr: string };

/** Runs `coliving <argv> --discovery <endpoint>` as the user: its exit code and what it printed. */
export async function runCliAs(
  argv: string[],
  { dir, endpoint, key, userId, handle }: RunCliAsParameters,
): Promise<RunCliAsReturnType> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: { COLIVING_HOME: join(dir, handle) },
    cwd: dir,
    isTty: false,
  };
  await saveSession(io, {
    email: `${handle}@example.org`,
    wallet: privateKeyToAccount(key).address,
    privateKey: key,
    userId: encodeHashId(userId),
    handle,
    discovery: [endpoint],
  });
  const code = await runCli([...argv, '--discovery', endpoint], io);
  return { code, stdout, stderr };
}
