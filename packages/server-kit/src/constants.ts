/** Default JSON body limit: metadata is at most 10 KiB, so 1 MiB leaves room and stops abuse. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** A health check that has not answered in this long counts as unhealthy. */
export const HEALTH_CHECK_TIMEOUT_MS = 5_000;
/** Seconds buckets for request durations: from a cached read (ms) to a slow upload (s). */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Prefix of every environment variable Coliving reads (STYLE.md). */
export const ENV_PREFIX = 'COLIVING_';
/** A whole request (headers and body) must arrive within this; uploads of hundreds of MB fit. */
export const REQUEST_TIMEOUT_MS = 10 * 60 * 1000;
/** A socket with no traffic for this long is closed, so idle or trickling clients cannot pile up. */
export const CONNECTION_TIMEOUT_MS = 60 * 1000;
/** Client-supplied request ids are echoed in logs; only short, plain ones are kept. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
/** Browsers may reuse a preflight answer this long (Chromium caps it at 2 h anyway). */
export const CORS_MAX_AGE_SECONDS = 7_200;
