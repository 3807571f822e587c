// Settings → Apps, second part (docs/web.md): the apps and the managers the user allowed to act
// for it, each revocable after a confirmation. Writes go through the SDK, which waits until the
// discovery node has indexed them.
import type { AuthorizedApp, User, UserManager } from '@coliving/sdk';
import { useState } from 'react';
import { Empty, ErrorState, Loading } from '../components/States.js';
import { useAsync } from '../components/useAsync.js';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { ConfirmDialog, dateOf } from './ConfirmDialog.js';
import './apps.css';

export function AuthorizedApps({ user }: { user: User }) {
  const sdk = useSdk();
  const lists = useAsync(
    async (signal) => {
      const [apps, managers] = await Promise.all([
        sdk.grants.authorizedApps(user.id, { signal }),
        sdk.grants.managers(user.id, { signal }),
      ]);
      return { apps, managers };
    },
    [sdk, user.id],
  );
  const [status, setStatus] = useState('');
  return (
    <section className="form-card apps" aria-labelledby="authorized-heading">
      <h2 id="authorized-heading">Apps you allowed</h2>
      <p className="form-lead">
        These apps may act for you (favorite, repost, follow, edit your playlists) until you revoke
        them. Revoking stops their next action.
      </p>
      <p className="form-status" role="status" aria-live="polite">
        {status}
      </p>
      {lists.status === 'loading' && <Loading label="Loading the apps you allowed" />}
      {lists.status === 'error' && <ErrorState error={lists.error} onRetry={lists.reload} />}
      {lists.status === 'ok' && (
        <>
          {lists.data.apps.length === 0 ? (
            <Empty>You have not allowed any app to act for you.</Empty>
          ) : (
            <ul className="apps-list" aria-label="Apps you allowed">
              {lists.data.apps.map((app) => (
                <AuthorizedAppItem
                  key={app.address}
                  app={app}
                  user={user}
                  onRevoked={() => {
                    setStatus(`${app.name} can no longer act for you.`);
                    lists.reload();
                  }}
                />
              ))}
            </ul>
          )}
          <Managers
            managers={lists.data.managers}
            user={user}
            onRevoked={(name) => {
              setStatus(`${name} no longer manages your account.`);
              lists.reload();
            }}
          />
        </>
      )}
    </section>
  );
}

function AuthorizedAppItem({
  app,
  user,
  onRevoked,
}: {
  app: AuthorizedApp;
  user: User;
  onRevoked: () => void;
}) {
  const sdk = useSdk();
  const [revoking, setRevoking] = useState(false);
  return (
    <li className="app-item" aria-label={app.name}>
      <div className="app-item-head">
        {app.image_url ? (
          <img className="app-image" src={app.image_url} alt="" />
        ) : (
          <span className="app-image app-image-none" aria-hidden="true">
            {app.name.slice(0, 1).toUpperCase()}
          </span>
        )}
        <div>
          <h3>{app.name}</h3>
          <p className="field-hint">Allowed since {dateOf(app.grant_created_at)}</p>
        </div>
      </div>
      {app.description && <p className="app-description">{app.description}</p>}
      <div className="form-actions">
        <button
          type="button"
          className="button-danger"
          onClick={() => setRevoking(true)}
          aria-label={`Revoke ${app.name}`}
        >
          Revoke
        </button>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${app.name}?`}
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          onCancel={() => setRevoking(false)}
          onConfirm={async (onStatus) => {
            await sdk.grants.revoke({ userId: user.id, grantee: app.address }, { onStatus });
            setRevoking(false);
            onRevoked();
          }}
        >
          <p>
            {app.name} will no longer be able to act for you. What it already did stays. To use it
            again, log in to it with Coliving again.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}

/** The people the user asked to manage its account, and whether each accepted. */
function Managers({
  managers,
  user,
  onRevoked,
}: {
  managers: UserManager[];
  user: User;
  onRevoked: (name: string) => void;
}) {
  if (managers.length === 0) return null;
  return (
    <div className="apps-managers">
      <h3 id="managers-heading">Managers</h3>
      <p className="field-hint">
        People you asked to manage your account: once they accept, they can act for you as an app
        can.
      </p>
      <ul className="apps-list" aria-labelledby="managers-heading">
        {managers.map((m) => (
          <ManagerItem
            key={m.grant.grantee_address}
            manager={m}
            user={user}
            onRevoked={() => onRevoked(m.manager.name)}
          />
        ))}
      </ul>
    </div>
  );
}

function ManagerItem({
  manager: { manager, grant },
  user,
  onRevoked,
}: {
  manager: UserManager;
  user: User;
  onRevoked: () => void;
}) {
  const sdk = useSdk();
  const [revoking, setRevoking] = useState(false);
  return (
    <li className="app-item app-manager" aria-label={manager.name}>
      <p>
        <Link to={`/${manager.handle}`}>{manager.name}</Link> (@{manager.handle}):{' '}
        {grant.is_approved === true
          ? `manages your account since ${dateOf(grant.updated_at)}`
          : grant.is_approved === false
            ? 'declined'
            : 'has not answered yet'}
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button-danger"
          onClick={() => setRevoking(true)}
          aria-label={`Remove ${manager.name} as a manager`}
        >
          Remove
        </button>
      </div>
      {revoking && (
        <ConfirmDialog
          title={`Remove ${manager.name} as a manager?`}
          confirmLabel="Remove"
          busyLabel="Removing…"
          onCancel={() => setRevoking(false)}
          onConfirm={async (onStatus) => {
            await sdk.grants.revoke(
              { userId: user.id, grantee: grant.grantee_address },
              { onStatus },
            );
            setRevoking(false);
            onRevoked();
          }}
        >
          <p>
            @{manager.handle} will no longer be able to act for you. What they already did stays.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}
