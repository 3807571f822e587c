import { type Track, decodeHashId } from '@coliving/sdk';
import { useEffect, useRef, useState } from 'react';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { formatDgco } from './dgco.js';
import { type Gate, type Gated, lockOf, purchaseBreakdown } from './gates.js';
import { PaymentDialog, usePayment } from './PaymentDialog.js';
import { useWallet } from './wallet.js';
import './money.css';

/** The gate still standing between the signed-in listener and `content`, or null. */
export function useLock(content: Gated): Gate | null {
  const session = useSession();
  const { unlocks } = useWallet();
  return lockOf(content, session.user?.id, unlocks);
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
  const { progress, pay, reset } = usePayment('payment');
  const [open, setOpen] = useState(false);
  const [handles, setHandles] = useState<Map<string, string>>(new Map());
  const openerRef = useRef<HTMLButtonElement>(null);

  let shares: ReturnType<typeof purchaseBreakdown> = [];
  try {
    shares = purchaseBreakdown(gate, content.user.id, decodeHashId);
  } catch {
    // Splits a node should have refused: the confirmation shows the price alone.
  }
  const userIds = shares.map((s) => s.userId).join(',');

  // The collaborators' handles, for the split shown before paying.
  useEffect(() => {
    if (!open || userIds === '') return;
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
  }, [sdk, open, userIds, content.user.id, content.user.handle]);

  useEffect(() => onOpenChange?.(open), [onOpenChange, open]);

  const close = () => {
    setOpen(false);
    reset();
    openerRef.current?.focus();
  };

  const buy = () => {
    const userId = session.user?.id;
    if (!userId) return;
    void pay(
      async ({ signal, onStatus }) => {
        const target =
          content.kind === 'track'
            ? { userId, trackId: content.id }
            : { userId, playlistId: content.id };
        await sdk.purchases.buy({ ...target, signal, onStatus });
        wallet.recordPurchase({
          kind: content.kind === 'track' ? 'track' : 'playlist',
          id: content.id,
          ...(content.trackIds ? { trackIds: content.trackIds } : {}),
        });
      },
      { amount: gate.price, what: content.kind },
    );
  };

  const price = formatDgco(gate.price);
  return (
    <>
      <button
        type="button"
        ref={openerRef}
        hidden={bought}
        className="button-primary buy-button"
        aria-label={`Buy ${content.title} for ${price}`}
        onClick={() => setOpen(true)}
      >
        Buy
      </button>
      {open && (
        <PaymentDialog
          title={`Buy ${content.title}`}
          signedIn={session.status === 'signed-in' && Boolean(session.user)}
          logIn={{
            next: window.location.pathname,
            words: `to buy ${content.title} for ${price}.`,
          }}
          progress={progress}
          done={`You bought ${content.title}. ${
            content.kind !== 'track' ? 'Its tracks play in full now.' : 'It plays in full now.'
          }`}
          confirm={`Pay ${price}`}
          onConfirm={buy}
          onClose={close}
        >
          <p className="money-price">
            Price: <strong>{price}</strong>
          </p>
          {shares.length > 0 && (
            <>
              <p className="muted">The price goes to:</p>
              <ul className="money-splits" aria-label="Who gets what">
                {shares.map((s) => (
                  <li key={s.userId}>
                    <span>
                      {handles.get(s.userId) ? `@${handles.get(s.userId)}` : 'a collaborator'}
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
        </PaymentDialog>
      )}
    </>
  );
}
