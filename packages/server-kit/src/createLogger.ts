import { type DestinationStream, type Logger, type LevelWithSilent, pino } from 'pino';

export type CreateLoggerParameters = {
  /** The service name, on every line (`content-node`, `discovery-node`). */
  name: string;
  level?: LevelWithSilent;
  /** Where lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
};

/** Keys whose values are credentials, wherever they appear in a log object (to depth 3). */
const SECRET_KEYS = [
  'privateKey',
  'delegatePrivateKey',
  'password',
  'secret',
  'mnemonic',
  'cipherText',
];
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-coliving-signature"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

/** Query parameters that are bearer credentials (stream signatures are valid for 48 h). */
const SECRET_QUERY = /([?&](?:signature|user_signature|user_data|api_key)=)[^&#]*/gi;

/** A request URL fit for logs: credential query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

type LoggedRequest = { method?: string; url?: string; id?: string; ip?: string };

/** A JSON-lines pino logger with credentials redacted. */
export function createLogger({
  name,
  level = 'info',
  destination,
}: CreateLoggerParameters): Logger {
  const options = {
    name,
    level,
    redact: { paths: REDACT, censor: '[redacted]' },
    serializers: {
      req: (req: LoggedRequest) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url ?? ''),
        ip: req.ip,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
