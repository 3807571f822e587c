// Log in with Coliving on a discovery node (docs/design.md §12, docs/api-v1.md "Log in with
// Coliving"): the token endpoint redeems an authorization code a user's wallet signed for an app
// (PKCE S256) and answers an access token this node's delegate key signs; verify_token checks an
// access token any registered discovery node signed and answers the user's profile.
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  OAUTH_CLOCK_SKEW_SECONDS,
  OAuthTokenError,
  createAccessToken,
  encodeHashId,
  isPkceVerifier,
  pkceChallenge,
  verifyAccessToken,
  verifyAuthorizationCode,
} from '@coliving/protocol';
import { listNodes } from '../db/nodes.js';
import type { ApiComponents } from './common.js';
import { presentUsers } from './present.js';

/** RFC 6749 §5.2's error codes, with ours (`code`) naming the precise reason. */
type OAuthErrorCode =
  'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type';

class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Most codes a node remembers as redeemed at once (each is forgotten once it expires). */
const MAX_REDEEMED = 100_000;

/**
 * The `jti`s of the codes this node redeemed, until they expire. Only this node's: another node
 * may redeem the same code once more (docs/security.md: harmless, the code is bound to the app's
 * PKCE verifier, which only the app holds).
 *
 * Full, it forgets its oldest redemption rather than refuse: anyone can sign codes for their own
 * account by the thousand, and refusing once full would let them shut every login on this node
 * for ten minutes. A forgotten code may be redeemed here once more, as at any other node.
 */
export class RedeemedCodes {
  /** jti → exp, in the order redeemed. */
  private readonly until = new Map<string, number>();

  /** Records `jti` (valid until `exp`, seconds); false if it was redeemed before. */
  redeem(jti: string, exp: number, now = Math.floor(Date.now() / 1000)): boolean {
    const known = this.until.get(jti);
    if (known !== undefined && known > now - OAUTH_CLOCK_SKEW_SECONDS) return false;
    this.until.delete(jti);
    while (this.until.size >= MAX_REDEEMED) {
      // The oldest first: expired ones, then (a flood) the oldest still valid.
      const [oldest] = this.until.keys();
      this.until.delete(oldest!);
    }
    this.until.set(jti, exp);
    return true;
  }

  get size(): number {
    return this.until.size;
  }
}

const str = { type: 'string', maxLength: 4096 } as const;

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') {
    throw new OAuthError('invalid_request', 'missing_parameter', `${name} is required`);
  }
  return value;
}

function sendOAuthError(reply: FastifyReply, e: OAuthError) {
  return reply
    .status(e.error === 'invalid_client' ? 401 : 400)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
    .send({ error: e.error, error_description: e.message, code: e.code });
}

/** Whether `address` is the delegate wallet of a registered discovery node. */
async function isDiscoveryNode(components: ApiComponents, address: string): Promise<boolean> {
  const nodes = await listNodes(components.db, 'discovery-node');
  return nodes.some((n) => n.delegateWallet.toLowerCase() === address.toLowerCase());
}

/** Registers POST /v1/oauth/token and GET /v1/users/verify_token. */
export function registerOAuthRoutes(
  app: FastifyInstance,
  components: ApiComponents,
  redeemed: RedeemedCodes = new RedeemedCodes(),
): void {
  const { db, account } = components;

  async function redeem(body: Record<string, unknown>) {
    const grantType = field(body, 'grant_type');
    if (grantType !== 'authorization_code') {
      throw new OAuthError(
        'unsupported_grant_type',
        'unsupported_grant_type',
        'only grant_type=authorization_code is supported',
      );
    }
    const code = field(body, 'code');
    const verifier = field(body, 'code_verifier');
    const redirectUri = field(body, 'redirect_uri');
    const clientId = (
      typeof body.client_id === 'string' ? body.client_id : field(body, 'api_key')
    ).toLowerCase();
    if (!isPkceVerifier(verifier)) {
      throw new OAuthError(
        'invalid_request',
        'invalid_code_verifier',
        'code_verifier must be 43 to 128 unreserved characters',
      );
    }
    let verified: ReturnType<typeof verifyAuthorizationCode>;
    try {
      verified = verifyAuthorizationCode(code);
    } catch (e) {
      if (e instanceof OAuthTokenError)
        throw new OAuthError('invalid_grant', e.code, e.shortMessage);
      throw e;
    }
    const { claims, signer } = verified;
    const appRow = await db
      .selectFrom('developer_apps')
      .select(['address', 'redirect_uris'])
      .where('address', '=', clientId)
      .where('is_deleted', '=', false)
      .executeTakeFirst();
    if (!appRow) {
      throw new OAuthError(
        'invalid_client',
        'developer_app_not_found',
        `no developer app has the API key ${clientId}`,
      );
    }
    if (claims.aud !== clientId) {
      throw new OAuthError('invalid_grant', 'wrong_client', 'the code was issued to another app');
    }
    if (claims.redirect_uri !== redirectUri) {
      throw new OAuthError(
        'invalid_grant',
        'redirect_uri_mismatch',
        'redirect_uri is not the one the code was issued for',
      );
    }
    if (!appRow.redirect_uris.includes(redirectUri)) {
      throw new OAuthError(
        'invalid_grant',
        'redirect_uri_not_registered',
        'redirect_uri is not registered for the app',
      );
    }
    const userId = Number(claims.sub);
    const user = await db
      .selectFrom('users')
      .select(['wallet', 'is_deactivated'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!user || user.is_deactivated) {
      throw new OAuthError('invalid_grant', 'user_not_found', 'the code names no active user');
    }
    if (user.wallet.toLowerCase() !== signer) {
      throw new OAuthError(
        'invalid_grant',
        'wrong_signer',
        'the code is not signed by the user’s wallet',
      );
    }
    if ((await pkceChallenge(verifier)) !== claims.code_challenge) {
      throw new OAuthError(
        'invalid_grant',
        'pkce_mismatch',
        'code_verifier does not match the code’s challenge',
      );
    }
    if (claims.scope === 'write') {
      const grant = await db
        .selectFrom('grants')
        .select('user_id')
        .where('user_id', '=', userId)
        .where('grantee_address', '=', clientId)
        .where('is_revoked', '=', false)
        .where('is_approved', '=', true)
        .executeTakeFirst();
      if (!grant) {
        throw new OAuthError(
          'invalid_grant',
          'no_grant',
          'write needs a grant from the user to the app, and there is none',
        );
      }
    }
    if (!redeemed.redeem(claims.jti, claims.exp)) {
      throw new OAuthError('invalid_grant', 'code_redeemed', 'the code was redeemed already');
    }
    const { token } = await createAccessToken({
      signer: account,
      userId: claims.sub,
      apiKey: clientId,
      scope: claims.scope,
    });
    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: claims.scope,
    };
  }

  app.register(async function oauthTokenScope(scope) {
    // RFC 6749 §4.1.3: the token request is a form; JSON is accepted too.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 16_384 },
      function parseForm(_request, body, done) {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    scope.post(
      '/v1/oauth/token',
      {
        bodyLimit: 16_384,
        schema: {
          summary: 'Redeem an authorization code for an access token (OAuth 2.0, PKCE S256)',
          tags: ['oauth'],
          body: {
            type: 'object',
            properties: {
              grant_type: str,
              code: str,
              code_verifier: str,
              redirect_uri: str,
              client_id: str,
              api_key: str,
            },
          },
        },
        // The body schema only shapes the documentation: RFC 6749 wants its own error bodies.
        attachValidation: true,
      },
      async function serveToken(request, reply) {
        const body = (request.body ?? {}) as Record<string, unknown>;
        try {
          const answer = await redeem(typeof body === 'object' ? body : {});
          return await reply
            .headers({ 'cache-control': 'no-store', pragma: 'no-cache' })
            .send(answer);
        } catch (e) {
          if (e instanceof OAuthError) return sendOAuthError(reply, e);
          throw e;
        }
      },
    );
  });

  app.get<{ Querystring: { token: string; api_key?: string } }>(
    '/v1/users/verify_token',
    {
      schema: {
        summary: 'Verify an access token and answer its user’s profile',
        tags: ['users', 'oauth'],
        querystring: {
          type: 'object',
          required: ['token'],
          properties: {
            token: str,
            api_key: { type: 'string', maxLength: 200 },
            app_name: { type: 'string', maxLength: 100 },
          },
        },
      },
    },
    async function serveVerifyToken(request, reply) {
      const claims = verifyAccessToken(request.query.token);
      if (!(await isDiscoveryNode(components, claims.iss))) {
        throw new OAuthTokenError('the token is not signed by a registered discovery node', {
          code: 'unknown_issuer',
        });
      }
      const apiKey = request.query.api_key?.toLowerCase();
      if (apiKey !== undefined && apiKey !== claims.aud) {
        throw new OAuthTokenError('the token was issued to another app', { code: 'wrong_app' });
      }
      const userId = Number(claims.sub);
      const [user] = await presentUsers(components, [userId], undefined);
      // As the token endpoint: a deactivated user is no one an app may log in as.
      if (!user || user.is_deactivated === true) {
        throw new OAuthTokenError('the token’s user is gone', { code: 'user_not_found' });
      }
      return reply.headers({ 'cache-control': 'no-store' }).send({
        data: {
          userId: encodeHashId(userId),
          // Coliving holds no e-mail addresses (docs/api-v1.md).
          email: null,
          name: user.name,
          handle: user.handle,
          verified: user.is_verified === true,
          profilePicture: user.profile_picture ?? null,
          sub: claims.sub,
          iat: String(claims.iat),
          apiKey: claims.apiKey,
          scope: claims.scope,
          exp: String(claims.exp),
        },
      });
    },
  );
}
