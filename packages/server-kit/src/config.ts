import { BaseError } from '@coliving/protocol';
import { ENV_PREFIX } from './constants.js';

/** One problem with one environment variable. */
export type ConfigProblem = { variable: string; message: string };

/** Thrown once at start-up, listing every bad or missing variable so an operator fixes all at once. */
export class ConfigError extends BaseError {
  static override readonly defaultCode = 'invalid_config';
  override name = 'ConfigError' as const;
  readonly problems: readonly ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

type Fallback<T> = { kind: 'required' } | { kind: 'default'; value: T } | { kind: 'optional' };

/**
 * One typed environment variable: how to parse it and what happens when it is unset.
 * Build with `env.*`, then chain `.default(v)`, `.optional()` or `.secret()`.
 */
export class EnvField<T> {
  constructor(
    /** Shown in errors: what a valid value looks like. */
    readonly expected: string,
    private readonly parseRaw: (raw: string) => T,
    readonly fallback: Fallback<T> = { kind: 'required' },
    /** Secrets are never echoed back in error messages. */
    readonly isSecret = false,
    /** How a bad value is shown in errors (URLs lose their credentials). */
    readonly show: (raw: string) => string = (raw) => raw,
  ) {}

  /** Use `value` when the variable is unset or empty. */
  default(value: T): EnvField<T> {
    return new EnvField(
      this.expected,
      this.parseRaw,
      { kind: 'default', value },
      this.isSecret,
      this.show,
    );
  }

  /** Leave the value undefined when the variable is unset or empty. */
  optional(): EnvField<T | undefined> {
    return new EnvField<T | undefined>(
      this.expected,
      this.parseRaw,
      { kind: 'optional' },
      this.isSecret,
      this.show,
    );
  }

  /** Never echo the raw value in errors. */
  secret(): EnvField<T> {
    return new EnvField(this.expected, this.parseRaw, this.fallback, true, this.show);
  }

  /** Parses a raw value; throws an Error whose message says what was expected. */
  parse(raw: string): T {
    return this.parseRaw(raw);
  }
}

/** A URL as it may appear in an error: without user name, password or query (API keys). */
function hideUrlCredentials(raw: string): string {
  try {
    const url = new URL(raw.trim());
    if (url.username || url.password) {
      url.username = '';
      url.password = '';
    }
    url.search = url.search ? '?[redacted]' : '';
    return url.toString();
  } catch {
    // Not a URL at all: it may still hold a secret (`user:pass@host`), so show only its shape.
    return raw.replace(/[^@/:]+@/, '[redacted]@');
  }
}

function fail(expected: string): never {
  throw new Error(`must be ${expected}`);
}

function integer(raw: string, min: number, max: number, expected: string): number {
  if (!/^-?[0-9]+$/.test(raw.trim())) fail(expected);
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || value < min || value > max) fail(expected);
  return value;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Builders for typed environment variables. */
export const env = {
  string(options: { pattern?: RegExp; expected?: string } = {}): EnvField<string> {
    const expected =
      options.expected ??
      (options.pattern ? `a string matching ${String(options.pattern)}` : 'a string');
    return new EnvField(expected, (raw) => {
      if (options.pattern && !options.pattern.test(raw)) fail(expected);
      return raw;
    });
  },

  int({ min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = {}): EnvField<number> {
    const expected = `an integer from ${min} to ${max}`;
    return new EnvField(expected, (raw) => integer(raw, min, max, expected));
  },

  port(): EnvField<number> {
    const expected = 'a TCP port from 0 to 65535';
    return new EnvField(expected, (raw) => integer(raw, 0, 65535, expected));
  },

  bool(): EnvField<boolean> {
    const expected = 'true, false, 1 or 0';
    return new EnvField(expected, (raw) => {
      const v = raw.trim().toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      return fail(expected);
    });
  },

  url({ protocols = ['http:', 'https:'] }: { protocols?: string[] } = {}): EnvField<string> {
    const expected = `a URL (${protocols.join(' or ')})`;
    return new EnvField(
      expected,
      (raw) => {
        let url: URL;
        try {
          url = new URL(raw.trim());
        } catch {
          return fail(expected);
        }
        if (!protocols.includes(url.protocol)) fail(expected);
        return raw.trim();
      },
      { kind: 'required' },
      false,
      hideUrlCredentials,
    );
  },

  oneOf<const V extends string>(values: readonly V[]): EnvField<V> {
    const expected = `one of ${values.join(', ')}`;
    return new EnvField(expected, (raw) => {
      const v = raw.trim();
      if (!(values as readonly string[]).includes(v)) fail(expected);
      return v as V;
    });
  },

  /** A comma-separated list; each item is checked by `item` when given. */
  list<T = string>(item?: EnvField<T>): EnvField<T[]> {
    const expected = `a comma-separated list${item ? ` of ${item.expected}` : ''}`;
    const parse = (raw: string) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
        .map((s) => (item ? item.parse(s) : (s as T)));
    // A list of secrets is secret; a list of URLs hides each URL's credentials.
    const show = (raw: string) =>
      item
        ? raw
            .split(',')
            .map((s) => item.show(s.trim()))
            .join(',')
        : raw;
    return new EnvField(expected, parse, { kind: 'required' }, item?.isSecret ?? false, show);
  },

  /** A 32-byte hex private key (0x-prefixed); always secret. */
  privateKey(): EnvField<`0x${string}`> {
    const expected = 'a 0x-prefixed 32-byte hex private key';
    return new EnvField<`0x${string}`>(
      expected,
      (raw) => {
        const v = raw.trim();
        if (!/^0x[0-9a-fA-F]{64}$/.test(v)) fail(expected);
        return v as `0x${string}`;
      },
      { kind: 'required' },
      true,
    );
  },

  /** A byte size: `1048576`, `512KiB`, `10MB`, `2GiB`. */
  bytes(): EnvField<number> {
    const expected = 'a byte size such as 1048576, 512KiB, 10MB or 2GiB';
    return new EnvField(expected, (raw) => {
      const m = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(raw.trim());
      const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
      if (!m || unit === undefined) return fail(expected);
      const value = Math.round(Number(m[1]) * unit);
      if (!Number.isSafeInteger(value)) fail(expected);
      return value;
    });
  },

  /** A duration in milliseconds: `250ms`, `30s`, `5m`, `1h`, `2d`, or a bare number of ms. */
  duration(): EnvField<number> {
    const expected = 'a duration such as 250ms, 30s, 5m, 1h or 2d';
    return new EnvField(expected, (raw) => {
      const m = /^([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
      if (!m) return fail(expected);
      const value = Math.round(Number(m[1]) * (DURATION_UNITS[m[2] ?? 'ms'] ?? 1));
      if (!Number.isSafeInteger(value)) fail(expected);
      return value;
    });
  },
};

export type ConfigSpec = Record<string, EnvField<unknown>>;
export type ConfigOf<S extends ConfigSpec> = {
  [K in keyof S]: S[K] extends EnvField<infer T> ? T : never;
};

/** `databaseUrl` -> `COLIVING_DATABASE_URL`. */
export function envName(key: string, prefix = ENV_PREFIX): string {
  return prefix + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

export type LoadConfigOptions = { env?: Record<string, string | undefined>; prefix?: string };

/**
 * Reads a typed config from the environment, once. Keys are camelCase and map to `COLIVING_`
 * UPPER_SNAKE variables. Every problem is collected and thrown together as one ConfigError.
 */
export function loadConfig<S extends ConfigSpec>(
  spec: S,
  options: LoadConfigOptions = {},
): ConfigOf<S> {
  const source = options.env ?? process.env;
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const variable = envName(key, options.prefix);
    const raw = source[variable];
    if (raw === undefined || raw.trim() === '') {
      if (field.fallback.kind === 'default') config[key] = field.fallback.value;
      else if (field.fallback.kind === 'optional') config[key] = undefined;
      else problems.push({ variable, message: `required (${field.expected})` });
      continue;
    }
    try {
      config[key] = field.parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const visible = field.show(raw);
      const shown = field.isSecret
        ? ''
        : `, got ${JSON.stringify(visible.length > 100 ? `${visible.slice(0, 100)}…` : visible)}`;
      problems.push({ variable, message: `${reason}${shown}` });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}
