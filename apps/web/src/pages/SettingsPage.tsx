import type { User } from '@coliving/sdk';
import { type FormEvent, useState } from 'react';
import { describeError } from '../components/States.js';
import { Link, useTitle } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { AppsSettings } from '../settings/AppsSettings.js';
import { AccountGate } from './account/AccountGate.js';
import { Field, FormError, PasswordInput, countOf, focusFirstError } from './account/Field.js';
import { ImagePicker } from './account/ImagePicker.js';
import { useAccount } from './account/useAccount.js';
import {
  MAX_BIO,
  MAX_LOCATION,
  MAX_NAME,
  type ProfileField,
  type ProfileValues,
  isValid,
  profileChanges,
  validateConfirm,
  validateEmail,
  validatePassword,
  validateProfile,
} from './account/validation.js';
import './forms.css';

/** Profile editing, the password, and apps (settings/AppsSettings), for the signed-in user. */
export default function SettingsPage() {
  useTitle('Settings');
  const account = useAccount();
  if (account.status !== 'ready') {
    return (
      <AccountGate
        account={account}
        title="Settings"
        next="/settings"
        needsProfile
        why="to edit your profile"
      />
    );
  }
  return (
    <div className="settings">
      <h1>Settings</h1>
      <p className="form-lead">
        Signed in as <Link to={`/${account.user.handle}`}>@{account.user.handle}</Link>.
      </p>
      <ProfileForm key={account.user.id} user={account.user} />
      <PasswordForm />
      <AppsSettings key={`apps-${account.user.id}`} user={account.user} />
    </div>
  );
}

const PROFILE_IDS: Record<ProfileField, string> = {
  name: 'profile-name',
  bio: 'profile-bio',
  location: 'profile-location',
  website: 'profile-website',
};

const SAVE_STEPS: Record<string, string> = {
  signing: 'Signing your changes…',
  relaying: 'Sending them to the network…',
  indexing: 'Waiting for the network to show them…',
};

function valuesOf(user: User): ProfileValues {
  return {
    name: user.name,
    bio: user.bio ?? '',
    location: user.location ?? '',
    website: user.website ?? '',
  };
}

function ProfileForm({ user }: { user: User }) {
  const sdk = useSdk();
  const session = useSession();
  // What the network holds: the base that "changed" is measured against.
  const [saved, setSaved] = useState<User>(user);
  const [values, setValues] = useState<ProfileValues>(() => valuesOf(user));
  const [picture, setPicture] = useState<File | null>(null);
  const [cover, setCover] = useState<File | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  const errors = validateProfile(values);
  const shown = (field: ProfileField) => (submitted ? errors[field] : undefined);
  const set = (field: ProfileField) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setStatus('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    setSubmitted(true);
    setError(null);
    if (!isValid(errors)) {
      focusFirstError(PROFILE_IDS, errors);
      return;
    }
    const changes = profileChanges(
      { name: saved.name, bio: saved.bio, location: saved.location, website: saved.website },
      values,
    );
    if (Object.keys(changes).length === 0 && !picture && !cover) {
      setStatus('Nothing has changed.');
      return;
    }
    setPending(picture || cover ? 'Uploading your pictures…' : 'Saving…');
    setStatus('');
    try {
      const updated = await sdk.users.update(
        saved.id,
        {
          ...changes,
          ...(picture ? { profilePicture: picture } : {}),
          ...(cover ? { coverPhoto: cover } : {}),
        },
        { onStatus: (step) => setPending(SAVE_STEPS[step] ?? 'Saving…') },
      );
      setSaved(updated);
      setValues(valuesOf(updated));
      setPicture(null);
      setCover(null);
      setSubmitted(false);
      setStatus('Your profile is saved.');
      await session.refresh();
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setPending(null);
    }
  };

  const busy = pending !== null;
  return (
    <section className="form-card" aria-labelledby="profile-heading">
      <h2 id="profile-heading">Profile</h2>
      <form
        className="form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-busy={busy}
        aria-labelledby="profile-heading"
      >
        <div className="form-images">
          <ImagePicker
            id="profile-picture"
            label="Profile picture"
            file={picture}
            onChange={setPicture}
            currentUrl={saved.profile_picture?.['480x480'] ?? saved.profile_picture?.['150x150']}
            disabled={busy}
            hint="A square image; at least 480×480 looks best."
          />
          <ImagePicker
            id="cover-photo"
            label="Cover photo"
            file={cover}
            onChange={setCover}
            currentUrl={saved.cover_photo?.['640x'] ?? saved.cover_photo?.['2000x']}
            shape="wide"
            disabled={busy}
            hint="A wide image, shown across the top of your profile."
          />
        </div>
        <Field
          id={PROFILE_IDS.name}
          label="Display name"
          error={shown('name')}
          counter={countOf(values.name, MAX_NAME)}
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
              disabled={busy}
            />
          )}
        </Field>
        <Field
          id={PROFILE_IDS.bio}
          label="Bio"
          optional
          error={shown('bio')}
          counter={countOf(values.bio, MAX_BIO)}
          hint={`Up to ${MAX_BIO} characters.`}
        >
          {(control) => (
            <textarea
              {...control}
              rows={4}
              maxLength={MAX_BIO}
              value={values.bio}
              onChange={(e) => set('bio')(e.target.value)}
              disabled={busy}
            />
          )}
        </Field>
        <Field
          id={PROFILE_IDS.location}
          label="Location"
          optional
          error={shown('location')}
          counter={countOf(values.location, MAX_LOCATION)}
        >
          {(control) => (
            <input
              {...control}
              type="text"
              autoComplete="address-level2"
              maxLength={MAX_LOCATION}
              value={values.location}
              onChange={(e) => set('location')(e.target.value)}
              disabled={busy}
            />
          )}
        </Field>
        <Field
          id={PROFILE_IDS.website}
          label="Website"
          optional
          error={shown('website')}
          hint="For example https://example.com"
        >
          {(control) => (
            <input
              {...control}
              type="url"
              inputMode="url"
              autoComplete="url"
              value={values.website}
              onChange={(e) => set('website')(e.target.value)}
              disabled={busy}
              spellCheck={false}
              autoCapitalize="none"
            />
          )}
        </Field>
        <FormError>{error}</FormError>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save changes'}
          </button>
          <p className="form-status" role="status" aria-live="polite">
            {pending ?? status}
          </p>
        </div>
      </form>
    </section>
  );
}

type PasswordValues = { email: string; current: string; next: string; confirm: string };
const PASSWORD_IDS = {
  email: 'password-email',
  current: 'password-current',
  next: 'password-new',
  confirm: 'password-confirm',
};

function PasswordForm() {
  const session = useSession();
  const sdk = useSdk();
  const [values, setValues] = useState<PasswordValues>({
    email: '',
    current: '',
    next: '',
    confirm: '',
  });
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  const errors = {
    email: validateEmail(values.email),
    current: values.current === '' ? 'Enter your current password.' : undefined,
    next:
      validatePassword(values.next) ??
      (values.next === values.current
        ? 'Choose a password different from the current one.'
        : undefined),
    confirm: validateConfirm(values.next, values.confirm),
  };
  const shown = (field: keyof PasswordValues) => (submitted ? errors[field] : undefined);
  const set = (field: keyof PasswordValues) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setStatus('');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (pending) return;
    setSubmitted(true);
    setError(null);
    if (!isValid(errors)) {
      focusFirstError(PASSWORD_IDS, errors);
      return;
    }
    setPending(true);
    try {
      await sdk.auth.changePassword({
        email: values.email.trim(),
        oldPassword: values.current,
        newPassword: values.next,
        // Another account's email and password must not change that account (and its wallet).
        ...(session.wallet ? { wallet: session.wallet } : {}),
      });
      setValues({ email: '', current: '', next: '', confirm: '' });
      setSubmitted(false);
      setStatus('Your password is changed. Use the new one the next time you log in.');
    } catch (caught) {
      setError(
        (caught as { type?: string }).type === 'wrong_credentials'
          ? 'That email and current password do not match your account.'
          : describeError(caught),
      );
    } finally {
      setPending(false);
    }
  };

  return (
    <section className="form-card" aria-labelledby="password-heading">
      <h2 id="password-heading">Change password</h2>
      <p className="form-lead">
        Your wallet stays the same: it is sealed again under the new password, in this browser.
      </p>
      <form
        className="form"
        onSubmit={(e) => void submit(e)}
        noValidate
        aria-busy={pending}
        aria-labelledby="password-heading"
      >
        <Field id={PASSWORD_IDS.email} label="Email" error={shown('email')}>
          {(control) => (
            <input
              {...control}
              type="email"
              autoComplete="email"
              required
              value={values.email}
              onChange={(e) => set('email')(e.target.value)}
              disabled={pending}
              spellCheck={false}
              autoCapitalize="none"
            />
          )}
        </Field>
        <Field id={PASSWORD_IDS.current} label="Current password" error={shown('current')}>
          {(control) => (
            <PasswordInput
              control={control}
              value={values.current}
              onChange={set('current')}
              autoComplete="current-password"
              disabled={pending}
            />
          )}
        </Field>
        <Field
          id={PASSWORD_IDS.next}
          label="New password"
          error={shown('next')}
          hint="At least 8 characters."
        >
          {(control) => (
            <PasswordInput
              control={control}
              value={values.next}
              onChange={set('next')}
              autoComplete="new-password"
              disabled={pending}
            />
          )}
        </Field>
        <Field id={PASSWORD_IDS.confirm} label="Confirm new password" error={shown('confirm')}>
          {(control) => (
            <input
              {...control}
              type="password"
              autoComplete="new-password"
              required
              value={values.confirm}
              onChange={(e) => set('confirm')(e.target.value)}
              disabled={pending}
            />
          )}
        </Field>
        <FormError>{error}</FormError>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={pending}>
            {pending ? 'Changing password…' : 'Change password'}
          </button>
          <p className="form-status" role="status" aria-live="polite">
            {pending ? 'Changing password…' : status}
          </p>
        </div>
      </form>
    </section>
  );
}
