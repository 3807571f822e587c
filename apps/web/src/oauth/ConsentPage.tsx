// "Log in with Coliving": the consent page (docs/design.md §12) at /oauth/auth. It checks the
// app's request before offering anything (shown in another site's frame, malformed parameters,
// an unknown or deleted app, a redirect URI the app did not register: a sentence, and no
// redirect at all), shows the app, what
// the scope allows and the account it will act as; Allow (for `write`: the Grant to the app,
// indexed first) signs a code and sends it back; Deny sends `error=access_denied`.
import type { DeveloperApp } from '@coliving/sdk';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Loading, describeError } from '../components/States.js';
import { Link, useLocation, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { withNext } from '../pages/account/AccountGate.js';
import { type ConsentRequest, answerUrl, readConsentRequest } from './consentRequest.js';
import '../pages/forms.css';
import './oauth.css';

/** How long Allow waits for the network to list a new grant before saying so. */
const GRANT_WAIT_MS = 60_000;
const GRANT_POLL_MS = 500;

type AppState =
  | { status: 'loading' }
  | { status: 'refused'; problem: string }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; app: DeveloperApp };

type Phase =
  | { step: 'asking' }
  | { step: 'working'; words: string }
  | { step: 'failed'; words: string }
  | { step: 'done'; words: string };

type Answer = { code: string } | { error: 'access_denied' };

/** The opener a popup answers (null when the page is not a popup, or its opener is gone). */
function opener(): Window | null {
  return window.opener && !(window.opener as Window).closed ? (window.opener as Window) : null;
}

/**
 * Whether this page is inside another page's frame: there a site could dress Allow up as its own
 * button and have the user click it (clickjacking, RFC 6749 §10.13), so the page refuses to be
 * used. Comparing the windows is allowed across origins.
 */
function framed(): boolean {
  try {
    return window.top !== window.self;
  } catch {
    return true;
  }
}

/** Sends the answer the way the app asked: postMessage to the opener, or a redirect. */
function deliver(request: ConsentRequest, answer: Answer): 'posted' | 'redirected' {
  if (request.display === 'popup') {
    const target = opener();
    if (!target) throw new Error('The app’s window is gone: start the login again from the app.');
    target.postMessage(
      { type: 'coliving-oauth', ...answer, state: request.state },
      new URL(request.redirectUri).origin,
    );
    window.close();
    return 'posted';
  }
  window.location.assign(answerUrl(request.redirectUri, answer, request.state));
  return 'redirected';
}

/** The scope in plain words. */
function ScopeWords({ scope }: { scope: 'read' | 'write' }) {
  return (
    <ul className="consent-scope">
      <li>See your public profile: your name, handle and picture.</li>
      {scope === 'write' && (
        <li>
          Act for you on Coliving: favorite, repost and follow, and create and edit your playlists.
          It cannot upload tracks or see your password. You can revoke this at any time in{' '}
          <Link to="/settings">Settings → Apps</Link>.
        </li>
      )}
    </ul>
  );
}

function AppHeader({ app }: { app: DeveloperApp }) {
  const image = app.image_url && /^https?:\/\//.test(app.image_url) ? app.image_url : null;
  return (
    <header className="consent-app">
      {image && <img src={image} alt="" width={64} height={64} />}
      <div>
        <h1>{app.name}</h1>
        {app.description && <p className="form-lead">{app.description}</p>}
      </div>
    </header>
  );
}

export default function ConsentPage() {
  useTitle('Log in with Coliving');
  const sdk = useSdk();
  const session = useSession();
  const { path, query } = useLocation();
  const search = query.toString();
  const check = useMemo(() => readConsentRequest(new URLSearchParams(search)), [search]);
  const [app, setApp] = useState<AppState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [phase, setPhase] = useState<Phase>({ step: 'asking' });
  const busy = useRef(false);
  const inFrame = useMemo(framed, []);

  const clientId = check.ok && !inFrame ? check.request.clientId : null;
  const redirectUri = check.ok ? check.request.redirectUri : null;
  useEffect(() => {
    if (!clientId || !redirectUri) return;
    let stopped = false;
    setApp({ status: 'loading' });
    sdk.developerApps.get(clientId).then(
      (found) => {
        if (stopped) return;
        // The app's registration, not the link, says where a code may go.
        if (!(found.redirect_uris ?? []).includes(redirectUri)) {
          setApp({
            status: 'refused',
            problem:
              `${found.name} did not register ${redirectUri} as a place to return to, so ` +
              'Coliving will not send you there. The app’s login link is wrong or was tampered with.',
          });
        } else setApp({ status: 'ready', app: found });
      },
      (error: { type?: string }) => {
        if (stopped) return;
        if (error.type === 'not_found' || error.type === 'invalid_input') {
          setApp({
            status: 'refused',
            problem:
              'No app is registered on Coliving with this key (or its developer deleted it), ' +
              'so there is no one to log in to.',
          });
        } else setApp({ status: 'error', error });
      },
    );
    return () => {
      stopped = true;
    };
  }, [sdk, clientId, redirectUri, attempt]);

  const userId = session.user?.id;
  const allow = useCallback(
    async (request: ConsentRequest, target: DeveloperApp) => {
      if (busy.current || !userId) return;
      busy.current = true;
      try {
        if (request.scope === 'write') {
          setPhase({ step: 'working', words: `Authorizing ${target.name} on the network…` });
          const listed = async () =>
            (await sdk.grants.authorizedApps(userId)).some(
              (a) => a.address.toLowerCase() === request.clientId,
            );
          if (!(await listed())) {
            await sdk.grants.create({ userId, grantee: request.clientId });
            setPhase({ step: 'working', words: 'Waiting for the network to record it…' });
            const until = Date.now() + GRANT_WAIT_MS;
            while (!(await listed())) {
              if (Date.now() > until)
                throw new Error(
                  'The network has not recorded your authorization yet. Try again in a moment.',
                );
              await new Promise((resolve) => setTimeout(resolve, GRANT_POLL_MS));
            }
          }
        }
        setPhase({ step: 'working', words: 'Signing you in…' });
        const code = await sdk.oauth.authorize({
          apiKey: request.clientId,
          redirectUri: request.redirectUri,
          scope: request.scope,
          codeChallenge: request.codeChallenge,
          userId,
        });
        setPhase({ step: 'working', words: `Returning you to ${target.name}…` });
        if (deliver(request, { code }) === 'posted')
          setPhase({
            step: 'done',
            words: `You are logged in to ${target.name}. You can close this window.`,
          });
      } catch (error) {
        setPhase({ step: 'failed', words: describeError(error) });
        busy.current = false;
      }
    },
    [sdk, userId],
  );

  const deny = (request: ConsentRequest, target: DeveloperApp) => {
    if (busy.current) return;
    busy.current = true;
    try {
      if (deliver(request, { error: 'access_denied' }) === 'posted')
        setPhase({
          step: 'done',
          words: `You did not log in to ${target.name}. You can close this window.`,
        });
    } catch (error) {
      setPhase({ step: 'failed', words: describeError(error) });
      busy.current = false;
    }
  };

  if (inFrame)
    return (
      <Refusal problem="This login page is shown inside another site, which could trick you into allowing an app. Open the login from the app in its own window." />
    );
  if (!check.ok) return <Refusal problem={check.problem} />;
  const request = check.request;
  if (app.status === 'refused') return <Refusal problem={app.problem} />;
  if (app.status === 'error') {
    return (
      <section className="form-card consent">
        <h1>Log in with Coliving</h1>
        <div className="form-error" role="alert">
          <p>The app could not be looked up: {describeError(app.error)}</p>
        </div>
        <p className="gate-actions">
          <button type="button" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </button>
        </p>
      </section>
    );
  }
  if (app.status === 'loading' || session.status === 'loading')
    return <Loading label="Checking the app" />;
  const target = app.app;
  if (request.display === 'popup' && !opener() && phase.step !== 'done') {
    return (
      <Refusal problem="This login window has lost the app that opened it. Close it and start again from the app." />
    );
  }

  const here = `${path}?${search}`;
  let account;
  if (session.status !== 'signed-in') {
    account = (
      <>
        <p>Log in to your Coliving account to continue.</p>
        <p className="gate-actions">
          <Link to={withNext('/login', here)} className="button-primary">
            Log in
          </Link>
          <Link to={withNext('/signup', here)}>Create an account</Link>
        </p>
      </>
    );
  } else if (!session.user) {
    account = (
      <>
        <p>Your account has no profile yet: create it first.</p>
        <p className="gate-actions">
          <Link to={withNext('/signup', here)} className="button-primary">
            Create your profile
          </Link>
        </p>
      </>
    );
  } else {
    const working = phase.step === 'working' || phase.step === 'done';
    account = (
      <>
        <p className="consent-account">
          It will act as <strong>{session.user.name}</strong> (@{session.user.handle}).{' '}
          <button
            type="button"
            className="link-button"
            disabled={working}
            onClick={() => session.logOut()}
          >
            Not you? Log out
          </button>
        </p>
        {phase.step === 'failed' && (
          <div className="form-error" role="alert">
            <p>{phase.words}</p>
          </div>
        )}
        <p className="visually-hidden" role="status" aria-live="polite">
          {phase.step === 'working' ? phase.words : ''}
        </p>
        {phase.step === 'working' && (
          <p className="consent-progress" aria-hidden="true">
            <span className="spinner" /> {phase.words}
          </p>
        )}
        {phase.step === 'done' ? (
          <p>{phase.words}</p>
        ) : (
          <p className="gate-actions">
            <button
              type="button"
              className="button-primary"
              disabled={working}
              onClick={() => void allow(request, target)}
            >
              Allow
            </button>
            <button type="button" disabled={working} onClick={() => deny(request, target)}>
              Deny
            </button>
          </p>
        )}
      </>
    );
  }

  return (
    <section className="form-card consent" aria-labelledby="consent-heading">
      <p className="consent-kicker" id="consent-heading">
        Log in with Coliving
      </p>
      <AppHeader app={target} />
      <p>
        {target.name} asks to{' '}
        {request.scope === 'write' ? 'see your profile and act for you' : 'see your profile'}:
      </p>
      <ScopeWords scope={request.scope} />
      <p className="consent-return">
        You will return to <code>{new URL(request.redirectUri).origin}</code>.
      </p>
      {account}
    </section>
  );
}

function Refusal({ problem }: { problem: string }) {
  return (
    <section className="form-card consent">
      <h1>This login cannot go on</h1>
      <div className="form-error" role="alert">
        <p>{problem}</p>
      </div>
      <p>Nothing was shared with the app. Close this page and try again from the app.</p>
    </section>
  );
}
