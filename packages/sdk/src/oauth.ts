// Log in with Coliving (docs/design.md §12), the SDK's half. An app: `login` sends the user to the
// web player's consent page with a PKCE challenge (the verifier stays in sessionStorage),
// `handleRedirect` checks `state` and redeems the code at a discovery node (POST /v1/oauth/token),
// `verifyToken` answers the token's user. The consent page: `authorize` signs the code with the
// logged-in user's wallet.
import {
  type OAuthScope,
  OAUTH_SCOPES,
  createAuthorizationCode,
  decodeHashId,
  newPkceVerifier,
  pkceChallenge,
} from '@coliving/protocol';
import { type SdkContext, getData, requireAccount } from './context.js';
import { createDeveloperAppsApi, toAppAddress } from './developerApps.js';
import { ColivingSdkError } from './errors.js';
import { buildUrl, requestJson } from './http.js';
import { createUsersApi } from './users.js';

/** What verify_token answers (Audius's fields). */
export type OAuthProfile = {
  userId: string;
  /** Always null: Coliving holds no e-mail addresses. */
  email: string | null;
  name: string;
  handle: string;
  verified: boolean;
  profilePicture: Record<string, string> | null;
  /** The user's numeric id (the token's `sub`). */
  sub: string;
  iat: string;
  exp: string;
  apiKey: string;
  scope: OAuthScope;
};

export type OAuthToken = {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  scope: OAuthScope;
};

/** The part of the Web Storage API the SDK uses (sessionStorage in browsers). */
export type OAuthStorage = {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
};

/** The browser window bits `login` and `handleRedirect` use (the SDK builds without the DOM lib). */
type PopupWindow = { closed: boolean; close(): void };
type MessageLike = { origin: string; source: unknown; data: unknown };
type BrowserWindow = {
  location: { href: string; assign(url: string): void };
  open(url: string, target: string, features: string): PopupWindow | null;
  addEventListener(type: 'message', listener: (event: MessageLike) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageLike) => void): void;
};

export type OAuthInit = {
  /** The app's API key (client_id). */
  apiKey?: string | undefined;
  /** The web player whose /oauth/auth is the consent page (default https://coliving.app). */
  webUrl?: string | undefined;
  /** Where the PKCE verifier and state wait for the redirect (sessionStorage by default). */
  storage?: OAuthStorage | undefined;
};

export type LoginParameters = {
  scope: OAuthScope;
  /** Registered for the app; where the consent page sends the code. */
  redirectUri: string;
  /** 'redirect' (default) navigates this window; 'popup' opens one and waits for its answer. */
  display?: 'popup' | 'redirect';
  /** Sent back with the code; a random one when not given. */
  state?: string;
};

export type OAuthApi = {
  /** The consent page's URL for a new login (stores the verifier and state first). */
  loginUrl(p: LoginParameters): Promise<string>;
  /**
   * Sends the user to the consent page. 'redirect': navigates and never resolves; 'popup':
   * resolves with the token and profile once the user allowed in the popup.
   */
  login(p: LoginParameters): Promise<{ token: OAuthToken; profile: OAuthProfile } | undefined>;
  /** On the redirect page: checks state, redeems the code, answers the token and the profile. */
  handleRedirect(
    url?: string,
  ): Promise<{ token: OAuthToken; profile: OAuthProfile; state: string }>;
  /** Redeems a code (what handleRedirect does after its checks). */
  redeem(p: { code: string; codeVerifier: string; redirectUri: string }): Promise<OAuthToken>;
  /** The token's user, as any discovery node verifies it. */
  verifyToken(token: string): Promise<OAuthProfile>;
  /**
   * Signs an authorization code with the account (the consent page, after Allow). Refuses an
   * unknown or deleted app (`not_found`) and a redirect URI the app did not register
   * (`redirect_uri_not_registered`).
   */
  authorize(p: {
    apiKey: string;
    redirectUri: string;
    scope: OAuthScope;
    codeChallenge: string;
    /** The logged-in user (looked up by the account's wallet when not given). */
    userId?: string;
  }): Promise<string>;
};

const STORAGE_KEY = 'coliving-oauth';

/** Where a popup's consent page posts its answer (window.opener.postMessage). */
export type OAuthPopupMessage = {
  type: 'coliving-oauth';
  state: string;
  code?: string;
  error?: string;
};

type Pending = { state: string; verifier: string; redirectUri: string };

function invalid(message: string, code: string): ColivingSdkError {
  return new ColivingSdkError('invalid_input', message, { code });
}

export function createOAuthApi(ctx: SdkContext, init: OAuthInit = {}): OAuthApi {
  const webUrl = (init.webUrl ?? 'https://coliving.app').replace(/\/+$/, '');
  const storage = (): OAuthStorage => {
    const s = init.storage ?? (globalThis as { sessionStorage?: OAuthStorage }).sessionStorage;
    if (!s)
      throw invalid(
        'No sessionStorage here: pass oauth storage to createColivingSdk',
        'no_storage',
      );
    return s;
  };
  const apiKey = (): string => {
    if (!init.apiKey)
      throw invalid('Log in with Coliving needs the app’s apiKey', 'api_key_required');
    return toAppAddress(init.apiKey);
  };

  async function loginUrl(p: LoginParameters): Promise<string> {
    if (!OAUTH_SCOPES.includes(p.scope))
      throw invalid('scope must be read or write', 'invalid_scope');
    const clientId = apiKey();
    const verifier = newPkceVerifier();
    const state = p.state ?? newPkceVerifier();
    const pending: Pending = { state, verifier, redirectUri: p.redirectUri };
    storage().setItem(STORAGE_KEY, JSON.stringify(pending));
    const url = new URL(`${webUrl}/oauth/auth`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: p.redirectUri,
      scope: p.scope,
      state,
      code_challenge: await pkceChallenge(verifier),
      code_challenge_method: 'S256',
      ...(p.display === 'popup' ? { display: 'popup' } : {}),
    }).toString();
    return url.toString();
  }

  function takePending(state: string | null): Pending {
    const raw = storage().getItem(STORAGE_KEY);
    const pending = raw ? (JSON.parse(raw) as Pending) : undefined;
    if (!pending || state === null || pending.state !== state) {
      throw invalid('The login’s state does not match the one this page sent', 'state_mismatch');
    }
    storage().removeItem(STORAGE_KEY);
    return pending;
  }

  async function redeem(p: {
    code: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<OAuthToken> {
    const endpoint = await ctx.discovery.current();
    const { status, body } = await requestJson<Record<string, unknown>>(
      ctx.fetch,
      buildUrl(endpoint, '/v1/oauth/token'),
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: p.code,
          code_verifier: p.codeVerifier,
          redirect_uri: p.redirectUri,
          client_id: apiKey(),
        }).toString(),
        accept: (s) => s === 400 || s === 401,
      },
    );
    if (status !== 200) {
      const description =
        typeof body.error_description === 'string' ? body.error_description : 'refused';
      throw new ColivingSdkError(
        status === 401 ? 'unauthorized' : 'invalid_input',
        `The code was refused: ${description}`,
        {
          status,
          code: typeof body.code === 'string' ? body.code : String(body.error),
        },
      );
    }
    return {
      accessToken: body.access_token as string,
      tokenType: 'Bearer',
      expiresIn: body.expires_in as number,
      scope: body.scope as OAuthScope,
    };
  }

  const verifyToken = (token: string) =>
    getData<OAuthProfile>(ctx, '/v1/users/verify_token', {
      token,
      api_key: init.apiKey ? apiKey() : undefined,
    });

  async function finish(code: string | null, error: string | null, pending: Pending) {
    if (error)
      throw new ColivingSdkError('forbidden', `The login was refused: ${error}`, { code: error });
    if (!code) throw invalid('The redirect carries no code', 'missing_code');
    const token = await redeem({
      code,
      codeVerifier: pending.verifier,
      redirectUri: pending.redirectUri,
    });
    return { token, profile: await verifyToken(token.accessToken) };
  }

  return {
    loginUrl,
    async login(p) {
      const url = await loginUrl(p);
      const w = globalThis as unknown as BrowserWindow;
      if (p.display !== 'popup') {
        w.location.assign(url);
        return undefined;
      }
      const popup = w.open(url, 'coliving-oauth', 'width=480,height=720');
      if (!popup) throw invalid('The browser blocked the login popup', 'popup_blocked');
      const origin = new URL(webUrl).origin;
      const message = await new Promise<OAuthPopupMessage>((resolve, reject) => {
        const timer = setInterval(() => {
          if (popup.closed) {
            cleanup();
            reject(
              new ColivingSdkError('aborted', 'The login popup was closed', {
                code: 'popup_closed',
              }),
            );
          }
        }, 500);
        const onMessage = (event: MessageLike) => {
          // Only the consent page in our popup may answer.
          const data = event.data as Partial<OAuthPopupMessage> | null;
          if (
            event.origin !== origin ||
            event.source !== popup ||
            data?.type !== 'coliving-oauth'
          ) {
            return;
          }
          cleanup();
          resolve(data as OAuthPopupMessage);
        };
        const cleanup = () => {
          clearInterval(timer);
          w.removeEventListener('message', onMessage);
        };
        w.addEventListener('message', onMessage);
      });
      popup.close();
      const pending = takePending(message.state);
      return finish(message.code ?? null, message.error ?? null, pending);
    },
    async handleRedirect(url) {
      const at = new URL(url ?? (globalThis as unknown as BrowserWindow).location.href);
      const state = at.searchParams.get('state');
      const pending = takePending(state);
      const answer = await finish(
        at.searchParams.get('code'),
        at.searchParams.get('error'),
        pending,
      );
      return { ...answer, state: state! };
    },
    redeem,
    verifyToken,
    async authorize(p) {
      const account = requireAccount(ctx);
      // A code only for an app that exists and a redirect URI it registered (the token endpoint
      // checks both again; this keeps a consent page from minting a code it must not send).
      const app = await createDeveloperAppsApi(ctx).get(p.apiKey);
      if (!(app.redirect_uris ?? []).includes(p.redirectUri)) {
        throw invalid(
          `${p.redirectUri} is not a redirect URI registered for ${app.name}`,
          'redirect_uri_not_registered',
        );
      }
      const userId =
        p.userId !== undefined
          ? String(decodeHashId(p.userId))
          : String(decodeHashId((await createUsersApi(ctx).byWallet(account.address)).id));
      return createAuthorizationCode({
        account,
        userId,
        apiKey: toAppAddress(p.apiKey),
        redirectUri: p.redirectUri,
        scope: p.scope,
        codeChallenge: p.codeChallenge,
      });
    },
  };
}
