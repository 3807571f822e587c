// Settings → Apps (docs/web.md): the developer apps the user registered (create, with the secret
// shown once; edit; delete), then the apps and managers the user allowed (AuthorizedApps.tsx).
// Every write goes through the SDK, which waits until the discovery node has indexed it.
import type { DeveloperApp, User } from '@coliving/sdk';
import { type FormEvent, useEffect, useState } from 'react';
import { Empty, ErrorState, Loading, describeError } from '../components/States.js';
import { useAsync } from '../components/useAsync.js';
import { Field, FormError, countOf, focusFirstError } from '../pages/account/Field.js';
import { useSdk } from '../sdk.js';
import {
  type AppErrors,
  type AppField,
  type AppValues,
  EMPTY_APP,
  MAX_APP_DESCRIPTION,
  MAX_APP_NAME,
  MAX_REDIRECT_URIS,
  redirectUriLines,
  validateApp,
  valuesOfApp,
} from './appForm.js';
import { AuthorizedApps } from './AuthorizedApps.js';
import { ConfirmDialog, STEPS } from './ConfirmDialog.js';
import { CopyField } from './CopyField.js';
import './apps.css';

/** Both parts of Settings → Apps for `user`. */
export function AppsSettings({ user }: { user: User }) {
  return (
    <>
      <DeveloperApps user={user} />
      <AuthorizedApps user={user} />
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Your developer apps

type Created = { name: string; apiKey: string; apiSecret: string };

function DeveloperApps({ user }: { user: User }) {
  const sdk = useSdk();
  const apps = useAsync(
    (signal) => sdk.developerApps.listByUser(user.id, { signal }),
    [sdk, user.id],
  );
  const [creating, setCreating] = useState(false);
  // Held only here, in memory: the secret is shown once and never stored nor read back.
  const [created, setCreated] = useState<Created | null>(null);

  return (
    <section className="form-card apps" aria-labelledby="dev-apps-heading">
      <h2 id="dev-apps-heading">Your developer apps</h2>
      <p className="form-lead">
        An app of yours has its own key: its address is the <strong>API key</strong> it sends, and
        its <strong>secret</strong> signs for the people who log in to it with Coliving.
      </p>
      {created && <NewAppSecret created={created} onDone={() => setCreated(null)} />}
      {apps.status === 'loading' && <Loading label="Loading your apps" />}
      {apps.status === 'error' && <ErrorState error={apps.error} onRetry={apps.reload} />}
      {apps.status === 'ok' &&
        (apps.data.length === 0 ? (
          <Empty>You have no developer apps yet.</Empty>
        ) : (
          <ul className="apps-list" aria-label="Your developer apps">
            {apps.data.map((app) => (
              <DeveloperAppItem key={app.address} app={app} user={user} onChanged={apps.reload} />
            ))}
          </ul>
        ))}
      {creating ? (
        <AppForm
          heading="Create an app"
          idPrefix="new-app"
          initial={EMPTY_APP}
          submitLabel="Create app"
          busyLabel="Creating…"
          onCancel={() => setCreating(false)}
          onSubmit={async (values, onStatus) => {
            const description = values.description.trim();
            const image = values.imageUrl.trim();
            const uris = redirectUriLines(values.redirectUris);
            const { apiKey, apiSecret } = await sdk.developerApps.create(
              {
                userId: user.id,
                name: values.name.trim(),
                ...(description ? { description } : {}),
                ...(image ? { imageUrl: image } : {}),
                ...(uris.length > 0 ? { redirectUris: uris } : {}),
              },
              { onStatus },
            );
            setCreated({ name: values.name.trim(), apiKey, apiSecret });
            setCreating(false);
            apps.reload();
            return undefined;
          }}
        />
      ) : (
        <div className="form-actions">
          <button type="button" className="button-primary" onClick={() => setCreating(true)}>
            Create an app
          </button>
        </div>
      )}
    </section>
  );
}

/** The new app's key and secret, once: nothing keeps the secret after this is closed. */
function NewAppSecret({ created, onDone }: { created: Created; onDone: () => void }) {
  // Leaving the page (a reload, closing the tab) loses the secret: the browser asks first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);
  return (
    <div className="app-secret" role="region" aria-labelledby="app-secret-heading">
      <h3 id="app-secret-heading">{created.name} is ready: copy its secret now</h3>
      <p className="app-secret-warning" role="alert">
        Copy the secret now: <strong>it will not be shown again</strong>. Coliving does not keep it;
        whoever holds it can act as your app for everyone who allowed it. If you lose it, delete the
        app and create a new one.
      </p>
      <CopyField id="new-app-key" label="API key" value={created.apiKey} />
      <CopyField id="new-app-secret" label="API secret" value={created.apiSecret} />
      <div className="form-actions">
        <button type="button" onClick={onDone}>
          I have copied the secret
        </button>
      </div>
    </div>
  );
}

function DeveloperAppItem({
  app,
  user,
  onChanged,
}: {
  app: DeveloperApp;
  user: User;
  onChanged: () => void;
}) {
  const sdk = useSdk();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [status, setStatus] = useState('');
  const keyId = `app-key-${app.address}`;
  return (
    <li className="app-item" aria-label={app.name}>
      <div className="app-item-head">
        {app.image_url && <img className="app-image" src={app.image_url} alt="" />}
        <h3>{app.name}</h3>
      </div>
      {app.description && <p className="app-description">{app.description}</p>}
      <CopyField id={keyId} label="API key" value={app.address} />
      <div className="app-redirects">
        <h4>Redirect URIs</h4>
        {app.redirect_uris.length === 0 ? (
          <p className="field-hint">None: this app cannot log anyone in with Coliving yet.</p>
        ) : (
          <ul>
            {app.redirect_uris.map((uri) => (
              <li key={uri}>
                <code>{uri}</code>
              </li>
            ))}
          </ul>
        )}
      </div>
      {editing ? (
        <AppForm
          heading={`Edit ${app.name}`}
          idPrefix={`edit-${app.address}`}
          initial={valuesOfApp(app)}
          submitLabel="Save app"
          busyLabel="Saving…"
          onCancel={() => setEditing(false)}
          onSubmit={async (values, onStatus) => {
            const before = valuesOfApp(app);
            const changes: {
              name?: string;
              description?: string | null;
              imageUrl?: string | null;
              redirectUris?: string[] | null;
            } = {};
            if (values.name.trim() !== before.name) changes.name = values.name.trim();
            const description = values.description.trim();
            if (description !== before.description) changes.description = description || null;
            const image = values.imageUrl.trim();
            if (image !== before.imageUrl) changes.imageUrl = image || null;
            const uris = redirectUriLines(values.redirectUris);
            if (uris.join('\n') !== before.redirectUris) changes.redirectUris = uris;
            if (Object.keys(changes).length === 0) return 'Nothing has changed.';
            await sdk.developerApps.update(
              { userId: user.id, apiKey: app.address, ...changes },
              { onStatus },
            );
            setEditing(false);
            setStatus(`${values.name.trim()} is saved.`);
            onChanged();
            return undefined;
          }}
        />
      ) : (
        <div className="form-actions">
          <button type="button" onClick={() => setEditing(true)} aria-label={`Edit ${app.name}`}>
            Edit
          </button>
          <button
            type="button"
            className="button-danger"
            onClick={() => setDeleting(true)}
            aria-label={`Delete ${app.name}`}
          >
            Delete
          </button>
          <p className="form-status" role="status" aria-live="polite">
            {status}
          </p>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${app.name}?`}
          confirmLabel="Delete app"
          busyLabel="Deleting…"
          onCancel={() => setDeleting(false)}
          onConfirm={async (onStatus) => {
            await sdk.developerApps.delete({ userId: user.id, apiKey: app.address }, { onStatus });
            setDeleting(false);
            onChanged();
          }}
        >
          <p>
            Its API key stops working at once: the app can no longer log anyone in nor act for
            anyone who allowed it. The key can never be registered again. This cannot be undone.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}

const FIELD_IDS = (prefix: string): Record<AppField, string> => ({
  name: `${prefix}-name`,
  description: `${prefix}-description`,
  redirectUris: `${prefix}-redirects`,
  imageUrl: `${prefix}-image`,
});

/**
 * An app's fields, checked before sending. `onSubmit` does the write (reporting the SDK's steps
 * to `onStatus`) and answers a status to show, or throws a refusal to say in words.
 */
function AppForm({
  heading,
  idPrefix,
  initial,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
}: {
  heading: string;
  idPrefix: string;
  initial: AppValues;
  submitLabel: string;
  busyLabel: string;
  onSubmit: (values: AppValues, onStatus: (step: string) => void) => Promise<string | undefined>;
  onCancel: () => void;
}) {
  const ids = FIELD_IDS(idPrefix);
  const [values, setValues] = useState<AppValues>(initial);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);
  const errors: AppErrors = validateApp(values);
  const shown = (field: AppField) => (submitted ? errors[field] : undefined);
  const set = (field: AppField) => (value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setStatus('');
  };
  const busy = pending !== null;
  const headingId = `${idPrefix}-heading`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setError(null);
    if (Object.values(errors).some(Boolean)) {
      focusFirstError(ids, errors);
      return;
    }
    setPending(busyLabel);
    try {
      const said = await onSubmit(values, (step) => setPending(STEPS[step] ?? busyLabel));
      if (said) setStatus(said);
    } catch (caught) {
      setError(describeError(caught));
    } finally {
      setPending(null);
    }
  };

  return (
    <form
      className="form app-form"
      onSubmit={(e) => void submit(e)}
      noValidate
      aria-busy={busy}
      aria-labelledby={headingId}
    >
      <h3 id={headingId}>{heading}</h3>
      <Field
        id={ids.name}
        label="App name"
        error={shown('name')}
        counter={countOf(values.name, MAX_APP_NAME)}
        hint="People see it when they log in to your app with Coliving."
      >
        {(control) => (
          <input
            {...control}
            type="text"
            required
            value={values.name}
            onChange={(e) => set('name')(e.target.value)}
            disabled={busy}
          />
        )}
      </Field>
      <Field
        id={ids.description}
        label="Description"
        optional
        error={shown('description')}
        counter={countOf(values.description, MAX_APP_DESCRIPTION)}
        hint={`Up to ${MAX_APP_DESCRIPTION} characters, on one line.`}
      >
        {(control) => (
          <textarea
            {...control}
            rows={2}
            value={values.description}
            onChange={(e) => set('description')(e.target.value)}
            disabled={busy}
          />
        )}
      </Field>
      <Field
        id={ids.redirectUris}
        label="Redirect URIs"
        optional
        error={shown('redirectUris')}
        hint={`Where "Log in with Coliving" may send people back: one full address a line (https://, or http://127.0.0.1 or localhost for testing), at most ${MAX_REDIRECT_URIS}, without a # part.`}
      >
        {(control) => (
          <textarea
            {...control}
            rows={3}
            value={values.redirectUris}
            onChange={(e) => set('redirectUris')(e.target.value)}
            disabled={busy}
            spellCheck={false}
            autoCapitalize="none"
          />
        )}
      </Field>
      <Field
        id={ids.imageUrl}
        label="Image address"
        optional
        error={shown('imageUrl')}
        hint="An https:// address of a square image, shown when people log in."
      >
        {(control) => (
          <input
            {...control}
            type="url"
            inputMode="url"
            value={values.imageUrl}
            onChange={(e) => set('imageUrl')(e.target.value)}
            disabled={busy}
            spellCheck={false}
            autoCapitalize="none"
          />
        )}
      </Field>
      <FormError>{error}</FormError>
      <div className="form-actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? busyLabel : submitLabel}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <p className="form-status" role="status" aria-live="polite">
          {pending ?? status}
        </p>
      </div>
    </form>
  );
}
