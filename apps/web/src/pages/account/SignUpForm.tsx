import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { Field, FormError, PasswordInput, focusFirstError } from './Field.js';
import {
  HANDLE_RULE,
  MAX_HANDLE,
  MAX_NAME,
  MIN_PASSWORD,
  type SignUpField,
  type SignUpValues,
  handleKey,
  isValid,
  validateHandle,
  validateSignUp,
} from './validation.js';

export type SignUpSubmit = { email: string; password: string; name: string; handle: string };

const IDS: Record<SignUpField, string> = {
  email: 'signup-email',
  password: 'signup-password',
  confirm: 'signup-confirm',
  name: 'signup-name',
  handle: 'signup-handle',
};

type Availability = 'unknown' | 'checking' | 'free' | 'taken';

/**
 * The sign-up form: validates every field as the protocol would, says what is wrong beside each
 * field, and hands clean values to `onSubmit`. With `profileOnly` it asks only for a name and a
 * handle (a login that has no profile yet).
 */
export function SignUpForm({
  onSubmit,
  pending,
  formError,
  takenHandle,
  checkHandle,
  profileOnly = false,
  submitLabel = 'Create account',
}: {
  onSubmit: (values: SignUpSubmit) => void;
  /** The step under way ("Creating your login…"), or null when idle. */
  pending: string | null;
  formError?: ReactNode;
  /** A handle the network said is taken, shown as the handle's error while it is typed. */
  takenHandle?: string | undefined;
  /** Resolves true when the handle is free; used to say so while typing. */
  checkHandle?: (handle: string, signal: AbortSignal) => Promise<boolean>;
  profileOnly?: boolean;
  submitLabel?: string;
}) {
  const [values, setValues] = useState<SignUpValues>({
    email: '',
    password: '',
    confirm: '',
    name: '',
    handle: '',
  });
  // Errors show after a submit, and for a field after it was left, not while first typing.
  const [touched, setTouched] = useState<Partial<Record<SignUpField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [availability, setAvailability] = useState<Availability>('unknown');

  const all = validateSignUp(values);
  if (profileOnly) {
    delete all.email;
    delete all.password;
    delete all.confirm;
  }
  const taken =
    availability === 'taken' ||
    (takenHandle !== undefined && handleKey(takenHandle) === handleKey(values.handle));
  const shown = (field: SignUpField) =>
    (submitted || touched[field] ? all[field] : undefined) ??
    (field === 'handle' && taken ? `@${values.handle} is taken. Choose another.` : undefined);

  const handle = values.handle;
  useEffect(() => {
    if (!checkHandle || validateHandle(handle)) {
      setAvailability('unknown');
      return;
    }
    const controller = new AbortController();
    setAvailability('checking');
    const timer = setTimeout(() => {
      checkHandle(handleKey(handle), controller.signal).then(
        (free) => {
          if (!controller.signal.aborted) setAvailability(free ? 'free' : 'taken');
        },
        () => {
          if (!controller.signal.aborted) setAvailability('unknown');
        },
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [handle, checkHandle]);

  const set = (field: SignUpField) => (value: string) =>
    setValues((v) => ({ ...v, [field]: value }));
  const blur = (field: SignUpField) => () => setTouched((t) => ({ ...t, [field]: true }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    setSubmitted(true);
    if (!isValid(all) || taken) {
      focusFirstError(IDS, { ...all, handle: all.handle ?? (taken || undefined) });
      return;
    }
    onSubmit({
      email: values.email.trim(),
      password: values.password,
      name: values.name.trim(),
      handle: values.handle,
    });
  };

  const busy = pending !== null;
  const handleHint = (
    <>
      {HANDLE_RULE}
      {availability === 'checking' && <span className="handle-status"> Checking…</span>}
      {availability === 'free' && !taken && (
        <span className="handle-status handle-free"> @{values.handle} is available.</span>
      )}
    </>
  );

  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-busy={busy}
      aria-label={profileOnly ? 'Create your profile' : 'Sign up'}
    >
      {!profileOnly && (
        <>
          <Field id={IDS.email} label="Email" error={shown('email')}>
            {(control) => (
              <input
                {...control}
                type="email"
                autoComplete="email"
                required
                value={values.email}
                onChange={(e) => set('email')(e.target.value)}
                onBlur={blur('email')}
                disabled={busy}
                spellCheck={false}
                autoCapitalize="none"
              />
            )}
          </Field>
          <Field
            id={IDS.password}
            label="Password"
            error={shown('password')}
            hint={<PasswordRule password={values.password} />}
          >
            {(control) => (
              <div onBlur={blur('password')}>
                <PasswordInput
                  control={control}
                  value={values.password}
                  onChange={set('password')}
                  autoComplete="new-password"
                  disabled={busy}
                />
              </div>
            )}
          </Field>
          <Field id={IDS.confirm} label="Confirm password" error={shown('confirm')}>
            {(control) => (
              <input
                {...control}
                type="password"
                autoComplete="new-password"
                required
                value={values.confirm}
                onChange={(e) => set('confirm')(e.target.value)}
                onBlur={blur('confirm')}
                disabled={busy}
              />
            )}
          </Field>
        </>
      )}
      <Field
        id={IDS.name}
        label="Display name"
        error={shown('name')}
        counter={`${values.name.length}/${MAX_NAME}`}
      >
        {(control) => (
          <input
            {...control}
            type="text"
            autoComplete="name"
            required
            maxLength={MAX_NAME}
            value={values.name}
            onChange={(e) => set('name')(e.target.value)}
            onBlur={blur('name')}
            disabled={busy}
          />
        )}
      </Field>
      <Field id={IDS.handle} label="Handle" error={shown('handle')} hint={handleHint}>
        {(control) => (
          <div className="handle-input">
            <span aria-hidden="true">@</span>
            <input
              {...control}
              type="text"
              autoComplete="username"
              required
              maxLength={MAX_HANDLE}
              value={values.handle}
              onChange={(e) => set('handle')(e.target.value.trim().replace(/^@/, ''))}
              onBlur={blur('handle')}
              disabled={busy}
              spellCheck={false}
              autoCapitalize="none"
              autoCorrect="off"
            />
          </div>
        )}
      </Field>
      <FormError>{formError}</FormError>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy} aria-disabled={busy}>
          {pending ?? submitLabel}
        </button>
        {pending && <span className="spinner" aria-hidden="true" />}
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {pending ?? ''}
      </p>
    </form>
  );
}

/**
 * The password rule, said before the form is sent and checked as the password is typed: how many
 * characters are still missing, then that it is long enough.
 */
export function PasswordRule({ password }: { password: string }) {
  const missing = MIN_PASSWORD - password.length;
  return (
    <>
      <span
        className={
          password !== '' && missing <= 0 ? 'password-rule password-rule-met' : 'password-rule'
        }
      >
        At least {MIN_PASSWORD} characters
        {password === '' ? '' : missing > 0 ? ` (${missing} more)` : ' ✓'}
      </span>
      . It cannot be reset: it alone opens your wallet.
    </>
  );
}
