import { type Track, decodeHashId } from '@coliving/sdk';
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { formatDgco } from './dgco.js';
import { type Gate, type Gated, lockOf, purchaseBreakdown } from './gates.js';
import { describePaymentError } from './paymentErrors.js';
import { useWallet } from './wallet.js';
import './money.css';

/** The gate still standing between the signed-in listener and `content`, or null. */
export function useLock(content: Gated): Gate | null {
  const session = useSession();
  const { unlocked } = useWallet();
  return lockOf(content, session.user?.id, unlocked);
}

/** "Follow to unlock", "Tip to unlock", "2.5 DGCO": what opens a lock, in a few words. */
export function lockLabel(gate: Gate): string {
  if (gate.kind === 'follow') return 'Follow to unlock';
  if (gate.kind === 'tip') return 'Tip to unlock';
  return formatDgco(gate.price);
}

/** Purchasable content: a track, or an album (buying it unlocks each of its tracks). */
export type Buyable = Gated & {
  title: string;
  user: { id: string; handle: string; name: string };
  kind: 'track' | 'album' | 'playlist';
  /** For an album or playlist: its tracks' ids, unlocked with it. */
  trackIds?: string[];
};

export function buyableTrack(track: Track): Buyable {
  return { ...track, title: track.title, kind: 'track' };
}

/**
 * A lock on gated content, before anyone presses play: what unlocks it (a link to the landlord's
 * profile to follow or tip, or the price and a Buy button). Nothing when it plays in full.
 */
export function GateLock({ content, compact = false }: { content: Buyable; compact?: boolean }) {
  const gate = useLock(content);
  // A purchase under way (or just done) keeps its dialog open after the lock goes.
  const [buying, setBuying] = useState(false);
  const lastPurchase = useRef<Extract<Gate, { kind: 'purchase' }> | null>(null);
  if (gate?.kind === 'purchase') lastPurchase.current = gate;
  const purchase = gate?.kind === 'purchase' ? gate : buying ? lastPurchase.current : null;
  if (!gate && !purchase) return null;
  const label = gate ? lockLabel(gate) : '';
  // One shape whether locked or just bought, so the Buy dialog is not remounted as the lock goes.
  return (
    <span className={compact ? 'gate-lock gate-lock-compact' : 'gate-lock'}>
      {gate && (
        <span className="gate-lock-label" title={`Locked: ${label}`}>
          <span aria-hidden="true">🔒 </span>
          {gate.kind === 'purchase' ? (
            <>
              <span className="visually-hidden">Locked. Price: </span>
              {label}
            </>
          ) : (
            <Link
              to={`/${content.user.handle}`}
              aria-label={`${label}: ${gate.kind === 'follow' ? 'follow' : 'tip'} ${content.user.name}`}
            >
              {label}
            </Link>
          )}
        </span>
      )}
      {purchase && (
        <BuyButton content={content} gate={purchase} onOpenChange={setBuying} bought={!gate} />
      )}
    </span>
  );
}

type BuyStep =
  | { step: 'closed' }
  | { step: 'confirm' }
  | { step: 'paying'; status: string }
  | { step: 'done' }
  | { step: 'failed'; message: string };

const STATUS_WORDS: Record<string, string> = {
  signing: 'Signing the payment…',
  relaying: 'Sending the payment…',
  indexing: 'Waiting for the network to record it…',
};

/** Buy: a confirmation with the price and who gets what, then the result. */
export function BuyButton({
  content,
  gate,
  onOpenChange,
  bought = false,
}: {
  content: Buyable;
  gate: Extract<Gate, { kind: 'purchase' }>;
  /** Told when the dialog opens and closes. */
  onOpenChange?: (open: boolean) => void;
  /** The lock is gone (bought): only the open dialog shows, not the button. */
  bought?: boolean;
}) {
  const sdk = useSdk();
  const session = useSession();
  const wallet = useWallet();
  const [state, setState] = useState<BuyStep>({ step: 'closed' });
  const [handles, setHandles] = useState<Map<string, string>>(new Map());
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  let shares: ReturnType<typeof purchaseBreakdown> = [];
  try {
    shares = purchaseBreakdown(gate, content.user.id, decodeHashId);
  } catch {
    // Splits a node should have refused: the confirmation shows the price alone.
  }
  const userIds = shares.map((s) => s.userId).join(',');

  // The collaborators' handles, for the split shown before paying.
  useEffect(() => {
    if (state.step !== 'confirm' || userIds === '') return;
    const known = new Map([[content.user.id, content.user.handle]]);
    const missing = userIds.split(',').filter((id) => !known.has(id));
    if (missing.length === 0) {
      setHandles(known);
      return;
    }
    const abort = new AbortController();
    sdk.users.bulk({ ids: missing, signal: abort.signal }).then(
      (users) => {
        for (const u of users) known.set(u.id, u.handle);
        setHandles(known);
      },
      () => setHandles(known),
    );
    return () => abort.abort();
  }, [sdk, state.step, userIds, content.user.id, content.user.handle]);

  useEffect(() => {
    if (state.step === 'confirm') confirmRef.current?.focus();
  }, [state.step]);

  useEffect(() => onOpenChange?.(state.step !== 'closed'), [onOpenChange, state.step]);

  const close = () => {
    setState({ step: 'closed' });
    openerRef.current?.focus();
  };

  const pay = async () => {
    const userId = session.user?.id;
    if (!userId) return;
    const abort = new AbortController();
    controller.current = abort;
    setState({ step: 'paying', status: STATUS_WORDS.signing! });
    try {
      const target =
        content.kind === 'track'
          ? { userId, trackId: content.id }
          : { userId, playlistId: content.id };
      await sdk.purchases.buy({
        ...target,
        signal: abort.signal,
        onStatus: (status) =>
          setState({ step: 'paying', status: STATUS_WORDS[status] ?? 'Paying…' }),
      });
      wallet.unlock([content.id, ...(content.trackIds ?? [])]);
      setState({ step: 'done' });
      void wallet.refresh();
    } catch (error) {
      if (abort.signal.aborted) return;
      // A fresh balance makes "you need X; you have Y" true now.
      let balance = wallet.balance;
      try {
        balance = BigInt((await sdk.wallet.balance()).balance);
      } catch {
        // The balance known before stays.
      }
      setState({
        step: 'failed',
        message: describePaymentError(error, {
          amount: gate.price,
          balance,
          what: content.kind,
        }),
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  };

  const title = `Buy ${content.title}`;
  return (
    <>
      <button
        type="button"
        ref={openerRef}
        hidden={bought}
        className="button-primary buy-button"
        aria-label={`Buy ${content.title} for ${formatDgco(gate.price)}`}
        onClick={() => setState({ step: 'confirm' })}
      >
        Buy
      </button>
      {state.step !== 'closed' &&
        createPortal(
          <div className="money-dialog-backdrop">
            <div
              className="money-dialog"
              role="dialog"
              aria-modal="true"
              aria-label={title}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && state.step !== 'paying') close();
              }}
            >
              <h2>{title}</h2>
              {session.status !== 'signed-in' || !session.user ? (
                <>
                  <p>
                    <Link to={`/login?next=${encodeURIComponent(window.location.pathname)}`}>
                      Log in
                    </Link>{' '}
                    to buy {content.title} for {formatDgco(gate.price)}.
                  </p>
                  <div className="form-actions">
                    <button type="button" ref={confirmRef} onClick={close}>
                      Close
                    </button>
                  </div>
                </>
              ) : state.step === 'done' ? (
                <>
                  <p role="status">
                    You bought {content.title}.{' '}
                    {content.kind !== 'track'
                      ? 'Its tracks play in full now.'
                      : 'It plays in full now.'}
                  </p>
                  <div className="form-actions">
                    <button type="button" className="button-primary" autoFocus onClick={close}>
                      Done
                    </button>
                  </div>
                </>
              ) : (
                <>
                  <p className="money-price">
                    Price: <strong>{formatDgco(gate.price)}</strong>
                  </p>
                  {shares.length > 0 && (
                    <>
                      <p className="muted">The price goes to:</p>
                      <ul className="money-splits" aria-label="Who gets what">
                        {shares.map((s) => (
                          <li key={s.userId}>
                            <span>
                              {handles.get(s.userId)
                                ? `@${handles.get(s.userId)}`
                                : 'a collaborator'}
                            </span>
                            <span>{s.percentage}%</span>
                            <span>{formatDgco(s.amount)}</span>
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                  {wallet.balance !== null && (
                    <p className="muted">Your balance: {formatDgco(wallet.balance)}</p>
                  )}
                  {state.step === 'paying' && (
                    <p role="status" aria-live="polite">
                      {state.status}
                    </p>
                  )}
                  {state.step === 'failed' && (
                    <p className="error-text" role="alert">
                      {state.message}
                    </p>
                  )}
                  <div className="form-actions">
                    <button
                      type="button"
                      ref={confirmRef}
                      className="button-primary"
                      disabled={state.step === 'paying'}
                      onClick={() => void pay()}
                    >
                      Pay {formatDgco(gate.price)}
                    </button>
                    <button type="button" disabled={state.step === 'paying'} onClick={close}>
                      Cancel
                    </button>
                  </div>
                </>
              )}
            </div>
          </div>,
          document.body,
        )}
    </>
  );
}
