// The shape of one `coliving` command, apart from the parser (cli.ts) that lists them, so the
// command modules and the parser import it without importing each other.
import type { ParseArgsConfig } from 'node:util';
import type { CliIo } from './context.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One command: its words (`account create`), options, positional names and what it does. */
export type Command = {
  words: string[];
  summary: string;
  usage: string;
  /** Lines `--help` prints under the usage: what each argument and option takes. */
  details?: string[];
  options?: Options;
  /** How many positionals it takes (exactly, unless `minPositionals`). */
  positionals?: number;
  /** Resolves with the exit code when it is not 0 (a status that found something down). */
  run: (args: CommandArgs, io: CliIo) => Promise<void | number>;
};

export type CommandArgs = {
  /** Option values; an option declared `multiple` gives an array. */
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  json: boolean;
  discovery?: string;
};
