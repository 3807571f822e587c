// The `coliving` command: parses the command line, runs one command, and turns every failure into
// a message on stderr and an exit code (2: the command was called wrong; 1: it failed).
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ColivingSdkError } from '@coliving/sdk';
import { accountCommands } from './commands/account.js';
import { appCommands } from './commands/apps.js';
import { catalogCommands } from './commands/catalog.js';
import { devnetCommands } from './commands/devnet.js';
import { downloadCommand } from './commands/download.js';
import { editCommands } from './commands/edit.js';
import { faucetCommand } from './commands/faucet.js';
import { moneyCommands } from './commands/money.js';
import { nodeCommands } from './commands/node.js';
import { playsCommands } from './commands/plays.js';
import { socialCommands } from './commands/social.js';
import { streamCommand } from './commands/stream.js';
import { uploadCommand } from './commands/upload.js';
import type { Command, CommandArgs } from './command.js';
import type { CliIo } from './context.js';
import { CommandFailure, UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const GLOBAL_OPTIONS: Options = {
  json: { type: 'boolean' },
  discovery: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const COMMANDS: Command[] = [
  ...accountCommands,
  uploadCommand,
  ...editCommands,
  ...catalogCommands,
  ...socialCommands,
  ...appCommands,
  ...moneyCommands,
  streamCommand,
  downloadCommand,
  ...playsCommands,
  ...nodeCommands,
  ...devnetCommands,
  faucetCommand,
];

function helpText(): string {
  return [
    'coliving: the Coliving command line',
    '',
    'Usage: coliving <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`),
    '',
    'Every command takes --json (machine-readable output) and --discovery <url> (another',
    'network; also COLIVING_DISCOVERY_URL). Without them, the local devnet (.coliving/devnet.json)',
    'is used. Your login is kept in $COLIVING_HOME (default ~/.coliving), readable by you only.',
  ].join('\n');
}

const NEGATIVE_NUMBER = /^-\.?\d/;

/**
 * `rest` with each negative number (`-1`, `-2.5`) made something parseArgs takes as a value
 * rather than an unknown option: after a string option it joins it (`--price=-1`), elsewhere it
 * becomes a stand-in positional, mapped back by `negatives`. So `tip @bob -1` reaches the command,
 * which says what is wrong with the amount, instead of "Unknown option '-1'".
 */
function withNegativeNumbers(
  rest: string[],
  options: Options,
): { args: string[]; negatives: Map<string, string> } {
  const args: string[] = [];
  const negatives = new Map<string, string>();
  for (const arg of rest) {
    if (arg === '--') break;
    if (!NEGATIVE_NUMBER.test(arg)) {
      args.push(arg);
      continue;
    }
    const previous = args.at(-1);
    const name = previous?.startsWith('--') && !previous.includes('=') ? previous.slice(2) : '';
    if (options[name]?.type === 'string') {
      args[args.length - 1] = `${previous}=${arg}`;
    } else {
      const standIn = `\u0000${negatives.size}:${arg}`;
      negatives.set(standIn, arg);
      args.push(standIn);
    }
  }
  const end = rest.indexOf('--');
  return { args: end === -1 ? args : [...args, ...rest.slice(end)], negatives };
}

/** The command the words start with (longest match), and the rest of the arguments. */
function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  let best: Command | undefined;
  for (const command of COMMANDS) {
    if (command.words.every((w, i) => argv[i] === w)) {
      if (!best || command.words.length > best.words.length) best = command;
    }
  }
  return best ? { command: best, rest: argv.slice(best.words.length) } : undefined;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    io.stdout(`${helpText()}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  const found = findCommand(argv);
  if (!found) {
    // A group's first word (`coliving track --help`, `coliving node`): its commands.
    const group = COMMANDS.filter((c) => c.words.length > 1 && c.words[0] === argv[0]);
    const asked = argv.includes('--help') || argv.includes('-h');
    if (group.length > 0 && (argv[1] === undefined || argv[1].startsWith('-'))) {
      const text = [
        `coliving ${argv[0]}: ${group.length} commands`,
        '',
        ...group.map((c) => `  ${c.usage}\n      ${c.summary}`),
        '',
        `Run coliving ${argv[0]} <command> --help for one command's options.`,
      ].join('\n');
      if (asked) io.stdout(`${text}\n`);
      else io.stderr(`${text}\n`);
      return asked ? 0 : 2;
    }
    io.stderr(`coliving: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${helpText()}\n`);
    return 2;
  }
  const { command, rest } = found;
  let json = rest.includes('--json');
  try {
    const options = { ...GLOBAL_OPTIONS, ...command.options };
    const { args, negatives } = withNegativeNumbers(rest, options);
    let parsed;
    try {
      parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (cause) {
      throw new UsageError(`${(cause as Error).message}\nUsage: coliving ${command.usage}`);
    }
    parsed.positionals = parsed.positionals.map((p) => negatives.get(p) ?? p);
    const values = parsed.values as CommandArgs['values'];
    json = values.json === true;
    if (values.help) {
      const details = command.details ? `\n${command.details.join('\n')}\n` : '';
      io.stdout(`Usage: coliving ${command.usage}\n${command.summary}\n${details}`);
      return 0;
    }
    const expected = command.positionals ?? 0;
    if (parsed.positionals.length !== expected) {
      throw new UsageError(
        `expected ${expected} argument${expected === 1 ? '' : 's'}, got ${parsed.positionals.length}\nUsage: coliving ${command.usage}`,
      );
    }
    const code = await command.run(
      {
        values,
        positionals: parsed.positionals,
        json,
        ...(typeof values.discovery === 'string' ? { discovery: values.discovery } : {}),
      },
      io,
    );
    return code ?? 0;
  } catch (error) {
    return report(error, io, json);
  }
}

/** Prints a failure (as `{"error": …}` with --json) and returns its exit code. */
function report(error: unknown, io: CliIo, json: boolean): number {
  const usage = error instanceof UsageError;
  const sdk = error instanceof ColivingSdkError ? error : undefined;
  const failure = error instanceof CommandFailure ? error : undefined;
  const code = sdk?.code ?? failure?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (json) {
    io.stdout(
      `${JSON.stringify({ error: { type: usage ? 'usage' : (sdk?.type ?? 'failed'), ...(code ? { code } : {}), message } }, null, 2)}\n`,
    );
  } else {
    io.stderr(`coliving: ${message}\n`);
  }
  if (!usage && !sdk && !failure && io.env.COLIVING_DEBUG)
    io.stderr(`${(error as Error).stack ?? ''}\n`);
  return usage ? 2 : 1;
}
