import { BaseError as ProtocolError, ValidationError } from '@coliving/protocol';

/** What went wrong, in terms an app can act on. */
export type ColivingSdkErrorType =
  /** A node could not be reached (connection refused, reset, DNS). */
  | 'network'
  /** A node did not answer in time, or a wait (indexing, transcoding) ran out. */
  | 'timeout'
  /** The caller's AbortSignal fired. */
  | 'aborted'
  /** The user, track, playlist, upload or login record does not exist (404). */
  | 'not_found'
  /** The input was refused before or by the node (400, 413, 422, or local validation). */
  | 'invalid_input'
  /** No account is set, or a signature was missing or invalid (401). */
  | 'unauthorized'
  /** The account may not do this: not the owner, another wallet's record (403). */
  | 'forbidden'
  /** The thing exists already: a handle, a login, a used nonce (409). */
  | 'conflict'
  /** Too many requests; `retryAfterSeconds` says when to come back (429). */
  | 'rate_limited'
  /** A node failed (5xx) and no other node could answer instead. */
  | 'server'
  /** No discovery or content node is healthy and close enough to the chain head. */
  | 'no_healthy_node'
  /** The content node could not transcode the upload; no track was created. */
  | 'transcode_failed'
  /** The email and password do not open any login record. */
  | 'wrong_credentials'
  /** The chain took the action but the indexer skipped it (it was invalid when applied). */
  | 'rejected'
  /** Anything else (a bug): `cause` has the original error. */
  | 'unknown';

export type ColivingSdkErrorParameters = {
  /** The HTTP status, when a node answered. */
  status?: number;
  /** The node's stable error code (`track_not_found`, `handle_taken`, …) or one of ours. */
  code?: string;
  /** The URL of the request that failed, without its query string. */
  url?: string;
  /** With `rate_limited`: seconds until a retry may succeed. */
  retryAfterSeconds?: number;
  cause?: unknown;
};

/** The one error type the SDK throws; `type` says what happened, `code` the node's reason. */
export class ColivingSdkError extends Error {
  override name = 'ColivingSdkError' as const;
  readonly type: ColivingSdkErrorType;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly url: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(
    type: ColivingSdkErrorType,
    message: string,
    parameters: ColivingSdkErrorParameters = {},
  ) {
    super(message, parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.type = type;
    this.status = parameters.status;
    this.code = parameters.code;
    this.url = parameters.url;
    this.retryAfterSeconds = parameters.retryAfterSeconds;
  }
}

/** True when `error` is a ColivingSdkError (of the given type, when one is named). */
export function isColivingSdkError(
  error: unknown,
  type?: ColivingSdkErrorType,
): error is ColivingSdkError {
  return error instanceof ColivingSdkError && (type === undefined || error.type === type);
}

/** The error type a node's HTTP status means. */
export function errorTypeOfStatus(status: number): ColivingSdkErrorType {
  switch (status) {
    // 402: a payment the payer cannot make (insufficient_balance, insufficient_allowance).
    case 400:
    case 402:
    case 413:
    case 415:
    case 416:
    case 422:
      return 'invalid_input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
    case 410:
      return 'not_found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate_limited';
    default:
      return status >= 500 ? 'server' : 'unknown';
  }
}

/** A URL without its query (API keys and signatures stay out of messages and logs). */
export function redactUrl(url: string): string {
  return url.split(/[?#]/)[0]!;
}

/**
 * The error a failed HTTP answer stands for. `body` is the parsed JSON body, when there is one:
 * nodes answer `{"error": {"code", "message"}}` (STYLE.md).
 */
export function errorFromResponse(
  status: number,
  body: unknown,
  url: string,
  retryAfter?: string | null,
): ColivingSdkError {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message =
    typeof error?.message === 'string' ? error.message : `The node answered HTTP ${status}`;
  const seconds = retryAfter ? Number(retryAfter) : Number.NaN;
  return new ColivingSdkError(errorTypeOfStatus(status), message, {
    status,
    ...(code !== undefined ? { code } : {}),
    url: redactUrl(url),
    ...(status === 429 ? { retryAfterSeconds: Number.isFinite(seconds) ? seconds : 1 } : {}),
  });
}

function isAbortLike(error: unknown): error is { name: string } {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/**
 * Any thrown value as a ColivingSdkError: fetch's TypeError is `network`, an abort `aborted`
 * (or `timeout` when a timeout signal fired), a protocol ValidationError `invalid_input`.
 */
export function toColivingSdkError(error: unknown, url?: string): ColivingSdkError {
  if (error instanceof ColivingSdkError) return error;
  const where = url === undefined ? {} : { url: redactUrl(url) };
  if (isAbortLike(error)) {
    return error.name === 'TimeoutError'
      ? new ColivingSdkError(
          'timeout',
          `No answer in time${url ? ` from ${redactUrl(url)}` : ''}`,
          {
            ...where,
            cause: error,
          },
        )
      : new ColivingSdkError('aborted', 'The operation was aborted', { ...where, cause: error });
  }
  if (error instanceof ValidationError) {
    return new ColivingSdkError('invalid_input', error.shortMessage, {
      code: error.code,
      cause: error,
    });
  }
  if (error instanceof ProtocolError) {
    return new ColivingSdkError('unknown', error.shortMessage, { code: error.code, cause: error });
  }
  if (error instanceof TypeError && url !== undefined) {
    // fetch rejects with a TypeError for every network failure; its cause says which.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    const detail = typeof cause?.code === 'string' ? ` (${cause.code})` : '';
    return new ColivingSdkError('network', `Could not reach ${redactUrl(url)}${detail}`, {
      ...where,
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ColivingSdkError('unknown', message, { ...where, cause: error });
}

/** True when another node might succeed where this one failed: unreachable, slow or 5xx. */
export function isFailoverError(error: unknown): boolean {
  return (
    error instanceof ColivingSdkError &&
    (error.type === 'network' || error.type === 'timeout' || error.type === 'server')
  );
}

/**
 * What a person is told for each refusal a discovery node's relay answers before it spends gas:
 * the indexer's skip codes (docs/design.md §6) and the relay's limits. Node messages name ids
 * and wallets; these name what happened and what to do.
 */
const REFUSALS: Readonly<Record<string, string>> = {
  unknown_user: 'Your account is not on the network yet. Wait a moment and try again.',
  wrong_signer: 'This was not signed by your account. Log out, log in again and retry.',
  user_deactivated: 'This account is deactivated. Reactivate it in settings first.',
  id_mismatch: 'The new account was not set up correctly. Try again.',
  id_taken: 'Something else just took the same id. Try again.',
  wallet_has_user: 'This login already has an account. Log in instead.',
  handle_reserved: 'That handle is reserved. Choose another one.',
  handle_taken: 'That handle is taken. Choose another one.',
  not_owner: 'Only its owner can change or delete this.',
  self_follow: 'You cannot follow yourself.',
  unknown_target: 'That no longer exists, or is not on this node yet.',
  unknown_track: 'A track it names no longer exists, or is not on this node yet.',
  unknown_playlist: 'That playlist no longer exists, or is not on this node yet.',
  deleted: 'That has been deleted.',
  target_deleted: 'That has been deleted.',
  no_op: 'That is done already.',
  // An album holds only its owner's tracks (docs/design.md §6).
  album_foreign_track:
    "An album holds only its owner's tracks. Remove other landlords' tracks first, or keep it a playlist.",
  album_needs_tracks: 'The album was not saved with its track list. Try again.',
  // A track's audio must be an upload of its owner's (docs/design.md §7).
  no_upload_receipt:
    'This audio was not uploaded through a content node of the network. Upload the file again.',
  invalid_upload_receipt: 'The upload receipt of this audio is damaged. Upload the file again.',
  receipt_signer_not_a_node:
    'The content node that took this audio is not registered on the network. Upload the file again.',
  unknown_eth_block: 'The upload receipt of this audio is not recognised. Upload the file again.',
  receipt_not_owner:
    'This audio was uploaded by another account. Only its uploader can publish it.',
  receipt_mismatch: 'The track does not match the audio that was uploaded. Upload the file again.',
  // Apps and grants (docs/design.md §12).
  no_grant: 'This app has not been allowed to act for that account. Log in with Coliving first.',
  grant_revoked:
    'That account took back its permission for this app. Ask them to log in with Coliving again.',
  grant_not_approved: 'That account has not accepted you as a manager yet.',
  grantee_forbidden: 'Only the account itself can manage its apps and permissions.',
  app_deleted: 'This app was deleted, so it can no longer act for anyone.',
  invalid_app_signature: 'The app could not prove it holds its key. Create it again.',
  app_exists: 'An app with this key was registered already. Create a new app.',
  unknown_app: 'That app does not exist, or is not on this node yet.',
  self_grant: 'You cannot give your own account permission over itself.',
  unknown_grantee: 'That is neither an app nor an account on the network.',
  unknown_grant: 'There is no such permission to take back.',
  // Content nodes take uploads only from users, within quotas.
  not_a_user:
    'Only a signed-in account that exists on the network can upload. Wait a moment after signing up and try again.',
  discovery_unavailable: 'The content node cannot check accounts right now. Try again in a minute.',
  // Moving a track's preview (POST /previews on a content node).
  not_uploader: 'Only the account that uploaded this audio can change its preview.',
  preview_start_past_end: 'The preview must start before the end of the track.',
  invalid_preview_start: 'Enter the preview start as a number of seconds, 0 or more.',
  upload_not_found:
    "The content nodes no longer have this track's upload, so its preview cannot be cut again.",
  upload_not_done: 'This audio is still being processed. Try again in a minute.',
  stream_unavailable: "The track's audio cannot be reached right now. Try again in a minute.",
  // Payments (POST /relay/payment): refused before any money moves.
  invalid_payment: 'The payment was not made correctly. Try again.',
  authorization_expired: 'The payment waited too long and expired. Try again.',
  invalid_signature: 'The payment was not signed by your account. Log in again and retry.',
  nonce_used: 'This payment was already made.',
  insufficient_balance: 'Your wallet does not hold enough DGCO for this.',
  insufficient_allowance: 'The payment was not allowed to spend your DGCO. Try again.',
  own_content: 'You cannot buy your own track or album.',
  already_owned: 'You already own this.',
  not_for_sale: 'This is not for sale.',
  wrong_amount: 'The price changed. Reload and try again.',
  wrong_splits: 'How the price is shared changed. Reload and try again.',
  unknown_content: 'That no longer exists, or is not on this node yet.',
  deleted_content: 'That has been deleted.',
  tip_too_small: 'A tip must be at least 0.1 DGCO.',
  self_tip: 'You cannot tip yourself.',
  wrong_recipient: 'The tip does not go to the user it names. Try again.',
  unknown_ref: 'The payment does not say what it is for.',
  invalid_amount: 'Enter an amount of DGCO above zero, such as 2.5.',
  relay_disabled: 'This node does not relay payments. Try again later.',
};

/** A wait in words: "a few seconds", "about 2 minutes", "about an hour". */
function waitInWords(seconds: number | undefined): string {
  if (seconds === undefined || seconds < 45) return 'a few seconds';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? 'about a minute' : `about ${minutes} minutes`;
  return 'about an hour';
}

/**
 * A sentence for a person about a refusal, from its code (and, when rate limited, how long to
 * wait); undefined for a code this SDK does not know, so the caller falls back to its own words.
 */
export function describeRefusal(error: {
  code?: string | undefined;
  retryAfterSeconds?: number | undefined;
}): string | undefined {
  const wait = waitInWords(error.retryAfterSeconds);
  switch (error.code) {
    case 'ip_signups_limited':
      return `Too many accounts were created from your network recently. Try again in ${wait}.`;
    case 'wallet_signups_limited':
      return `This account is still being created. Wait ${wait}, then log in.`;
    case 'rate_limited':
      return `You are doing that too often. Try again in ${wait}.`;
    case 'user_upload_quota':
      return `You have uploaded as much as an account may in a day. Try again in ${wait}.`;
    case 'ip_upload_quota':
    case 'ip_upload_rate':
      return `Too much has been uploaded from your network recently. Try again in ${wait}.`;
    default:
      return error.code === undefined ? undefined : REFUSALS[error.code];
  }
}
