// The SDK's one way to call a node: fetch with a timeout and the caller's signal, JSON in and
// out, and every failure turned into a ColivingSdkError (never a raw TypeError).
import { REQUEST_TIMEOUT_MS } from './constants.js';
import { ColivingSdkError, errorFromResponse, redactUrl, toColivingSdkError } from './errors.js';

export type FetchFn = typeof fetch;

export type QueryValue = string | number | boolean | undefined | null | readonly string[];
export type Query = Record<string, QueryValue>;

/** `base` + `path` + the query; arrays become repeated keys, undefined values are left out. */
export function buildUrl(base: string, path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value as string[]) params.append(key, item);
    else params.append(key, String(value));
  }
  const search = params.toString();
  return `${base}${path}${search ? `?${search}` : ''}`;
}

/** Endpoints are compared as strings (placement hashes them): one spelling, no trailing slash. */
export function canonicalEndpoint(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, '');
}

/**
 * A signal that fires when any of `signals` does (AbortSignal.any where the platform has it).
 * Its reason is that of the signal that fired.
 */
export function anySignal(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return present[0]!;
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(present);
  const controller = new AbortController();
  for (const signal of present) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Rejects with `aborted` when the caller's signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new ColivingSdkError('aborted', 'The operation was aborted', { cause: signal.reason });
  }
}

/** Waits `ms`, or rejects with `aborted` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    throwIfAborted(signal);
    const onAbort = () => {
      clearTimeout(timer);
      reject(
        new ColivingSdkError('aborted', 'The operation was aborted', { cause: signal?.reason }),
      );
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `call` for each of `targets` in order, the next one as soon as the one before has failed
 * or has not answered within `hedgeAfterMs` (a frozen node takes the connection and never
 * answers); the first success wins and the calls still running are aborted through their
 * signal. Rejects with the last failure when every call failed.
 */
export function firstAnswer<T>(
  targets: readonly string[],
  call: (target: string, signal: AbortSignal) => Promise<T>,
  options: { hedgeAfterMs: number; signal?: AbortSignal | undefined },
): Promise<T> {
  throwIfAborted(options.signal);
  const race = new AbortController();
  const signal = anySignal([options.signal, race.signal]);
  return new Promise<T>((resolve, reject) => {
    let next = 0;
    let running = 0;
    let done = false;
    let lastError: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      race.abort();
      settle();
    };
    const launch = () => {
      clearTimeout(timer);
      if (done) return;
      const target = targets[next];
      if (target === undefined) {
        if (running === 0) finish(() => reject(toColivingSdkError(lastError)));
        return;
      }
      next++;
      running++;
      timer = setTimeout(launch, options.hedgeAfterMs);
      void call(target, signal).then(
        (value) => finish(() => resolve(value)),
        (error: unknown) => {
          running--;
          lastError = error;
          if (options.signal?.aborted) {
            const reason: unknown = options.signal.reason;
            finish(() =>
              reject(
                new ColivingSdkError('aborted', 'The operation was aborted', { cause: reason }),
              ),
            );
          } else {
            launch();
          }
        },
      );
    };
    launch();
  });
}

export type RequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  /** A JSON value (sent as application/json) or a ready body. */
  json?: unknown;
  body?: RequestInit['body'];
  signal?: AbortSignal | undefined;
  /** 0 for none (uploads, which take as long as the bytes take). */
  timeoutMs?: number;
  /** Statuses other than 2xx whose body is returned rather than thrown (health checks: 503). */
  accept?: (status: number) => boolean;
  /** `duplex: 'half'` for a streamed body. */
  duplex?: 'half';
};

export type HttpResponse<T> = { status: number; body: T; url: string; headers: Headers };

/** Calls `url` and parses its JSON answer; a non-2xx answer is thrown as a ColivingSdkError. */
export async function requestJson<T>(
  fetchFn: FetchFn,
  url: string,
  options: RequestOptions = {},
): Promise<HttpResponse<T>> {
  const { signal, timeoutMs = REQUEST_TIMEOUT_MS } = options;
  throwIfAborted(signal);
  const requestSignal = anySignal([
    signal,
    timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
  ]);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, {
      method: options.method ?? 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
      ...(options.duplex ? { duplex: options.duplex } : {}),
      signal: requestSignal,
    });
    text = await response.text();
  } catch (error) {
    // The caller's own abort wins over whatever error fetch reports for it.
    throwIfAborted(signal);
    throw toColivingSdkError(error, url);
  }
  let parsed: unknown;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      if (response.ok || options.accept?.(response.status)) {
        throw new ColivingSdkError('server', `${redactUrl(url)} answered with invalid JSON`, {
          status: response.status,
          url: redactUrl(url),
          cause,
        });
      }
    }
  }
  if (!response.ok && !options.accept?.(response.status)) {
    throw errorFromResponse(response.status, parsed, url, response.headers.get('retry-after'));
  }
  return {
    status: response.status,
    body: parsed as T,
    url: response.url || url,
    headers: response.headers,
  };
}
