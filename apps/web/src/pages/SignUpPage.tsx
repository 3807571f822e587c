import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { Loading, describeError } from '../components/States.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { HandleTakenError, useSession } from '../session.js';
import { withNext } from './account/AccountGate.js';
import { SignUpForm, type SignUpSubmit } from './account/SignUpForm.js';
import { useAccount } from './account/useAccount.js';
import { safeNextPath } from './account/validation.js';
import './forms.css';

type Outcome = { handle: string } | null;

/** Create a login and a profile; or, for a login without one, just the profile. */
export default function SignUpPage() {
  useTitle('Sign up');
  const sdk = useSdk();
  const session = useSession();
  const account = useAccount();
  const { query } = useLocation();
  const next = safeNextPath(query.get('next'));
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<ReactNode>(null);
  const [takenHandle, setTakenHandle] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<Outcome>(null);
  // Which form was shown when the submit started: the session changes under it while signing up.
  const [mode, setMode] = useState<'full' | 'profile' | null>(null);

  // Once only: after the navigation `next` is gone from the URL, and a second run would go on.
  const left = useRef(false);
  useEffect(() => {
    if (!outcome || left.current) return;
    left.current = true;
    navigate(next ?? `/${outcome.handle}`, { replace: true });
  }, [outcome, next]);

  const checkHandle = useCallback(
    (handle: string, signal: AbortSignal) =>
      sdk.users.byHandle(handle, { signal }).then(
        () => false,
        (error: { type?: string }) => {
          if (error.type === 'not_found') return true;
          throw error;
        },
      ),
    [sdk],
  );

  const fail = (error: unknown, values: SignUpSubmit) => {
    const e = error as { type?: string; code?: string };
    if (error instanceof HandleTakenError || e.code === 'handle_taken') {
      setTakenHandle(values.handle);
      setFormError(null);
      document.getElementById('signup-handle')?.focus();
    } else if (e.type === 'conflict') {
      setFormError(
        <>
          An account with this email and password already exists —{' '}
          <Link to={withNext('/login', next)}>log in</Link>
        </>,
      );
    } else {
      setFormError(describeError(error));
    }
  };

  const signUp = async (values: SignUpSubmit) => {
    setMode('full');
    setPending(true);
    setFormError(null);
    try {
      const user = await session.signUp(values);
      setOutcome({ handle: user.handle });
    } catch (error) {
      fail(error, values);
      setPending(false);
      // The login may exist now without its profile: the form follows the account again.
      setMode(null);
    }
  };

  const createProfile = async (values: SignUpSubmit) => {
    setMode('profile');
    setPending(true);
    setFormError(null);
    try {
      const { user } = await sdk.users.create({ handle: values.handle, name: values.name });
      await session.refresh();
      setOutcome({ handle: user.handle });
    } catch (error) {
      fail(error, values);
      setPending(false);
      // The login may exist now without its profile: the form follows the account again.
      setMode(null);
    }
  };

  // session.signUp logs the new wallet in before it creates the profile: that is the step shown.
  const stage = !pending
    ? null
    : mode === 'profile' || session.status === 'signed-in'
      ? 'Creating your profile…'
      : 'Creating your login…';

  if (!pending && !outcome) {
    if (account.status === 'loading') {
      return (
        <>
          <h1>Sign up</h1>
          <Loading label="Checking your account" />
        </>
      );
    }
    if (account.status === 'ready') {
      return (
        <section className="form-card">
          <h1>You already have an account</h1>
          <p>
            You are logged in as <Link to={`/${account.user.handle}`}>@{account.user.handle}</Link>.
          </p>
          <p className="gate-actions">
            <Link to={`/${account.user.handle}`} className="button-primary">
              Go to your profile
            </Link>
            <Link to="/upload">Upload a track</Link>
            <Link to="/settings">Edit your profile</Link>
          </p>
        </section>
      );
    }
  }

  const profileOnly =
    mode === 'profile' ||
    (mode === null && (account.status === 'no-profile' || account.status === 'error'));

  return (
    <section className="form-card">
      <h1>{profileOnly ? 'Create your profile' : 'Create your account'}</h1>
      <p className="form-lead">
        {profileOnly
          ? 'You are logged in. Choose the name and handle people will know you by.'
          : 'Upload your music, follow artists and build your library. Your login is encrypted in your browser: no one else can open it.'}
      </p>
      <SignUpForm
        onSubmit={(values) => void (profileOnly ? createProfile(values) : signUp(values))}
        pending={stage}
        formError={formError}
        takenHandle={takenHandle}
        checkHandle={checkHandle}
        profileOnly={profileOnly}
        submitLabel={profileOnly ? 'Create profile' : 'Create account'}
      />
      {!profileOnly && (
        <p className="form-footer">
          Already have an account? <Link to={withNext('/login', next)}>Log in</Link>
        </p>
      )}
    </section>
  );
}
