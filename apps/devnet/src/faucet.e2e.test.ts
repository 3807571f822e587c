// `coliving faucet` on a real devnet: the command run as a user runs it (its own COLIVING_HOME,
// the devnet's `.coliving/devnet.json` in the working directory), sending DGCO from the devnet's
// treasury to the logged-in wallet, and refusing, with exit 2 and a message, everywhere it is not
// the devnet's: no devnet.json, a session on another network, no login, a bad amount.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Address, parseEther } from 'viem';
import { FAUCET_DGCO } from './constants.js';
import { dgcoBalance } from './payFromTreasury.js';
import { type StartNetworkReturnType, startNetwork } from './startNetwork.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../cli/bin/coliving.mjs', import.meta.url));

type Json = Record<string, unknown>;

let dir: string;
/** The "repository": its `.coliving/devnet.json` names the devnet. */
let repo: string;
/** Somewhere with no devnet above it. */
let elsewhere: string;
let network: StartNetworkReturnType;
let wallet: Address;

/** `coliving <args> --json` in `cwd` as the user whose login is in `home`. */
async function cli(
  cwd: string,
  home: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: Json; stderr: string }> {
  const base: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env))
    if (value !== undefined && !key.startsWith('COLIVING_') && key !== 'NODE_TEST_CONTEXT')
      base[key] = value;
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args, '--json'], {
      cwd,
      env: { ...base, COLIVING_HOME: join(dir, home), ...env },
    });
    return { code: 0, out: JSON.parse(stdout) as Json, stderr };
  } catch (failure) {
    const { code, stdout, stderr } = failure as { code: number; stdout: string; stderr: string };
    if (typeof code !== 'number') throw failure;
    return { code, out: stdout ? (JSON.parse(stdout) as Json) : {}, stderr };
  }
}

/** Asserts a refusal with exit 2 whose message says `words`. */
function assertRefused(answer: { code: number; out: Json; stderr: string }, words: RegExp) {
  assert.equal(answer.code, 2, JSON.stringify(answer));
  const message = (answer.out.error as { message?: string } | undefined)?.message ?? answer.stderr;
  assert.match(message, words);
}

const balance = () =>
  dgcoBalance({ eth: network.chains.eth, token: network.contracts.eth.DgcoToken, wallet });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coliving-faucet-'));
  repo = join(dir, 'repo');
  elsewhere = join(dir, 'elsewhere');
  await mkdir(join(repo, '.coliving'), { recursive: true });
  await mkdir(elsewhere);
  network = await startNetwork({ dir: join(dir, 'devnet'), contentNodes: 1, discoveryNodes: 1 });
  // What `coliving devnet up` writes, as far as the CLI reads it.
  await writeFile(
    join(repo, '.coliving', 'devnet.json'),
    JSON.stringify({
      chains: network.chains,
      contracts: network.contracts,
      discoveryNodes: network.discoveryNodes.map((n) => ({ endpoint: n.endpoint })),
      contentNodes: network.contentNodes.map((n) => ({ endpoint: n.endpoint })),
    }),
  );
  const created = await cli(repo, 'resident', [
    'account',
    'create',
    '--email',
    'freya@example.org',
    '--password',
    'freya password',
    '--handle',
    'freya_waves',
    '--name',
    'Freya',
  ]);
  assert.equal(created.code, 0, JSON.stringify(created));
  wallet = created.out.wallet as Address;
});

after(async () => {
  await network?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('coliving faucet', { timeout: 300_000 }, () => {
  it('sends the logged-in wallet DGCO from the devnet treasury: 100 by default, or --amount', async () => {
    assert.equal(await balance(), 0n);
    const first = await cli(repo, 'resident', ['faucet']);
    assert.equal(first.code, 0, JSON.stringify(first));
    assert.equal(first.out.wallet, wallet);
    assert.deepEqual(first.out.amount, { dgco: '100', wei: FAUCET_DGCO.toString() });
    assert.deepEqual(first.out.balance, { dgco: '100', wei: FAUCET_DGCO.toString() });
    assert.match(String(first.out.txHash), /^0x[0-9a-f]{64}$/);

    const more = await cli(repo, 'resident', ['faucet', '--amount', '2.5']);
    assert.equal(more.code, 0, JSON.stringify(more));
    const expected = FAUCET_DGCO + parseEther('2.5');
    assert.deepEqual(more.out.balance, { dgco: '102.5', wei: expected.toString() });
    assert.equal(await balance(), expected, 'the chain agrees');
  });

  it('refuses anywhere but the devnet, without a login, and a bad amount; nothing moves', async () => {
    const before = await balance();
    // No devnet.json here or above: a network named by URL is not the devnet.
    assertRefused(
      await cli(elsewhere, 'resident', ['faucet'], {
        COLIVING_DISCOVERY_URL: network.discoveryNodes[0]!.endpoint,
      }),
      /only on the local devnet/,
    );
    // In the repository, but the session is pointed at another network.
    assertRefused(
      await cli(repo, 'resident', ['faucet', '--discovery', 'http://127.0.0.1:9']),
      /not one of the devnet's discovery nodes/,
    );
    assertRefused(await cli(repo, 'nobody', ['faucet']), /Not logged in/);
    for (const amount of ['0', '-5', 'lots', '1.0000000000000000001', '10001'])
      assertRefused(await cli(repo, 'resident', ['faucet', '--amount', amount]), /--amount/);
    assert.equal(await balance(), before);
  });
});
