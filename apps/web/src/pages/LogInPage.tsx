import { type FormEvent, useEffect, useRef, useState } from 'react';
import { describeError } from '../components/States.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { useSession } from '../session.js';
import { withNext } from './account/AccountGate.js';
import { Field, FormError, PasswordInput } from './account/Field.js';
import { safeNextPath, validateEmail } from './account/validation.js';
import './forms.css';

/** Log in with an email and a password, then back to where the user was going. */
export default function LogInPage() {
  useTitle('Log in');
  const session = useSession();
  const { query } = useLocation();
  const next = safeNextPath(query.get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [emailError, setEmailError] = useState<string | undefined>();
  const [passwordError, setPasswordError] = useState<string | undefined>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  // The session has the profile by the time logIn resolves; the render after it knows where to go.
  // Once only: after the navigation `next` is gone from the URL, and a second run would go on.
  const left = useRef(false);
  useEffect(() => {
    if (!done || session.status !== 'signed-in' || left.current) return;
    left.current = true;
    navigate(next ?? (session.user ? `/${session.user.handle}` : '/'), { replace: true });
  }, [done, session.status, session.user, next]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    const problem = validateEmail(email);
    const missing = password === '' ? 'Enter your password.' : undefined;
    setEmailError(problem);
    setPasswordError(missing);
    if (problem || missing) {
      document.getElementById(problem ? 'login-email' : 'login-password')?.focus();
      return;
    }
    setPending(true);
    setError(null);
    try {
      await session.logIn(email.trim(), password);
      setDone(true);
    } catch (caught) {
      setError(describeError(caught));
      setPending(false);
    }
  };

  if (session.status === 'signed-in' && !pending && !done) {
    return (
      <section className="form-card">
        <h1>Log in</h1>
        <p>
          You are logged in
          {session.user ? (
            <>
              {' '}
              as <Link to={`/${session.user.handle}`}>@{session.user.handle}</Link>
            </>
          ) : null}
          .
        </p>
        <p className="gate-actions">
          <Link to={next ?? '/'} className="button-primary">
            {next ? 'Continue' : 'Go to Trending'}
          </Link>
          <button type="button" onClick={() => session.logOut()}>
            Log out
          </button>
        </p>
      </section>
    );
  }

  return (
    <section className="form-card">
      <h1>Log in</h1>
      <p className="form-lead">Welcome back. Log in to upload, follow and keep your library.</p>
      <form
        className="form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-busy={pending}
        aria-label="Log in"
      >
        <Field id="login-email" label="Email" error={emailError}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              disabled={pending}
              spellCheck={false}
              autoCapitalize="none"
            />
          )}
        </Field>
        <Field id="login-password" label="Password" error={passwordError}>
          {(control) => (
            <PasswordInput
              control={control}
              value={password}
              onChange={setPassword}
              autoComplete="current-password"
              disabled={pending}
            />
          )}
        </Field>
        <FormError>{error}</FormError>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={pending}>
            {pending ? 'Logging in…' : 'Log in'}
          </button>
          {pending && <span className="spinner" aria-hidden="true" />}
        </div>
        <p className="visually-hidden" role="status" aria-live="polite">
          {pending ? 'Logging in…' : ''}
        </p>
      </form>
      <p className="form-footer">
        New to Coliving? <Link to={withNext('/signup', next)}>Create an account</Link>
      </p>
    </section>
  );
}
