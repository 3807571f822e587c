// The consent page's URL parameters (docs/design.md §12), checked before anything is shown: a
// request this page cannot answer safely gets a sentence, never a redirect.

export type OAuthScope = 'read' | 'write';

export type ConsentRequest = {
  /** The app's API key, lower case. */
  clientId: string;
  redirectUri: string;
  scope: OAuthScope;
  state: string;
  codeChallenge: string;
  /** 'popup': answer the opener with postMessage; 'page': redirect this window. */
  display: 'popup' | 'page';
};

export type ConsentRequestCheck =
  { ok: true; request: ConsentRequest } | { ok: false; problem: string };

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** S256 of a verifier: 32 bytes in base64url without padding (RFC 7636 §4.2). */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE = 500;

/** Reads and checks the parameters; `problem` says what is wrong in words. */
export function readConsentRequest(query: URLSearchParams): ConsentRequestCheck {
  const fail = (problem: string): ConsentRequestCheck => ({ ok: false, problem });
  const get = (name: string) => query.get(name) ?? '';
  const missing = [
    'response_type',
    'client_id',
    'redirect_uri',
    'scope',
    'state',
    'code_challenge',
    'code_challenge_method',
  ].filter((name) => get(name) === '');
  if (missing.length > 0)
    return fail(`The app’s login link is incomplete: it has no ${missing.join(', ')}.`);
  if (get('response_type') !== 'code')
    return fail(
      'The app asked for a kind of login Coliving does not offer (response_type must be code).',
    );
  if (get('code_challenge_method') !== 'S256')
    return fail('The app’s login link must protect the code with S256 (code_challenge_method).');
  if (!CHALLENGE.test(get('code_challenge')))
    return fail('The app’s login link carries a malformed code challenge.');
  const scope = get('scope');
  if (scope !== 'read' && scope !== 'write')
    return fail(
      `The app asked for “${scope}”, which is not a permission Coliving knows (read or write).`,
    );
  if (!ADDRESS.test(get('client_id')))
    return fail('The app’s login link names no valid app (client_id must be an app’s API key).');
  const redirectUri = get('redirect_uri');
  let parsed: URL;
  try {
    parsed = new URL(redirectUri);
  } catch {
    return fail('The app’s login link has a return address that is not a web address.');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return fail('The app’s login link has a return address that is not a web address.');
  const state = get('state');
  if (state.length > MAX_STATE) return fail('The app’s login link carries an overlong state.');
  const display = query.get('display') ?? 'page';
  if (display !== 'popup' && display !== 'page')
    return fail('The app’s login link asks for a display this page does not have (popup or page).');
  return {
    ok: true,
    request: {
      clientId: get('client_id').toLowerCase(),
      redirectUri,
      scope,
      state,
      codeChallenge: get('code_challenge'),
      display,
    },
  };
}

/** Where a redirect answer goes: the registered URI with `code` or `error`, and `state`. */
export function answerUrl(
  redirectUri: string,
  answer: { code: string } | { error: 'access_denied' },
  state: string,
): string {
  const url = new URL(redirectUri);
  if ('code' in answer) url.searchParams.set('code', answer.code);
  else url.searchParams.set('error', answer.error);
  url.searchParams.set('state', state);
  return url.toString();
}
