import { MIN_TIP_WEI } from '@coliving/protocol';
import type { User } from '@coliving/sdk';
import { type FormEvent, useId, useRef, useState } from 'react';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { dgcoNumber, formatDgco, parseDgco } from './dgco.js';
import { MoneyDialog, PaymentSteps, usePayment } from './PaymentDialog.js';
import { useWallet } from './wallet.js';
import './money.css';

/** Where a tip stands: closed, the amount being typed, or that amount being confirmed. */
type TipStep =
  { step: 'closed' } | { step: 'amount'; error?: string } | { step: 'confirm'; amount: bigint };

/** The amount a tip form starts with. */
export const DEFAULT_TIP = '1';

/** Tip a landlord: the amount, a confirmation, then the result. Not shown on one's own profile. */
export function TipButton({ user, onTipped }: { user: User; onTipped?: () => void }) {
  const sdk = useSdk();
  const session = useSession();
  const wallet = useWallet();
  const { progress, pay, reset } = usePayment('tip');
  const inputId = useId();
  const [state, setState] = useState<TipStep>({ step: 'closed' });
  const [typed, setTyped] = useState(DEFAULT_TIP);
  const openerRef = useRef<HTMLButtonElement>(null);

  if (session.user?.id === user.id) return null;

  const close = () => {
    setState({ step: 'closed' });
    reset();
    openerRef.current?.focus();
  };

  const review = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseDgco(typed);
    if ('error' in parsed) return setState({ step: 'amount', error: parsed.error });
    if (parsed.wei < MIN_TIP_WEI)
      return setState({
        step: 'amount',
        error: `A tip is at least ${dgcoNumber(MIN_TIP_WEI)} DGCO.`,
      });
    if (wallet.balance !== null && parsed.wei > wallet.balance) {
      return setState({
        step: 'amount',
        error: `You need ${dgcoNumber(parsed.wei)} DGCO; you have ${dgcoNumber(wallet.balance)}.`,
      });
    }
    setState({ step: 'confirm', amount: parsed.wei });
  };

  const send = (amount: bigint) => {
    const userId = session.user?.id;
    if (!userId) return;
    void pay(
      async ({ signal, onStatus }) => {
        await sdk.tips.send({ userId, toUserId: user.id, amount, signal, onStatus });
        wallet.recordTip(user.id);
        onTipped?.();
      },
      { amount, what: 'tip' },
    );
  };

  const title = `Tip ${user.name}`;
  const amount = state.step === 'confirm' ? state.amount : 0n;
  return (
    <>
      <button
        type="button"
        ref={openerRef}
        className="button-secondary"
        aria-label={title}
        onClick={() => setState({ step: 'amount' })}
      >
        Tip
      </button>
      {state.step !== 'closed' && (
        <MoneyDialog title={title} onClose={progress.phase === 'paying' ? undefined : close}>
          {state.step === 'amount' && session.user ? (
            <TipAmountForm
              inputId={inputId}
              typed={typed}
              onType={setTyped}
              error={state.error}
              balance={wallet.balance}
              onReview={review}
              onClose={close}
            />
          ) : (
            <PaymentSteps
              signedIn={session.status === 'signed-in' && Boolean(session.user)}
              logIn={{ next: `/${user.handle}`, words: `to tip @${user.handle}.` }}
              progress={progress}
              done={`You tipped @${user.handle} ${formatDgco(amount)}. Thank you!`}
              confirm={`Send ${formatDgco(amount)}`}
              onConfirm={() => send(amount)}
              cancel="Back"
              onCancel={() => {
                reset();
                setState({ step: 'amount' });
              }}
              onClose={close}
            >
              <p>
                Send <strong>{formatDgco(amount)}</strong> to @{user.handle}? It goes straight to
                their wallet and cannot be taken back.
              </p>
            </PaymentSteps>
          )}
        </MoneyDialog>
      )}
    </>
  );
}

/** The tip's first step: the amount, checked before anything is signed. */
function TipAmountForm({
  inputId,
  typed,
  onType,
  error,
  balance,
  onReview,
  onClose,
}: {
  inputId: string;
  typed: string;
  onType: (typed: string) => void;
  error: string | undefined;
  balance: bigint | null;
  onReview: (event: FormEvent) => void;
  onClose: () => void;
}) {
  return (
    <form className="form" onSubmit={onReview} noValidate>
      <label htmlFor={inputId}>Amount (DGCO)</label>
      <input
        id={inputId}
        type="text"
        inputMode="decimal"
        autoFocus
        value={typed}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : undefined}
        onChange={(e) => onType(e.target.value)}
      />
      {error && (
        <p id={`${inputId}-error`} className="error-text" role="alert">
          {error}
        </p>
      )}
      {balance !== null && <p className="muted">Your balance: {formatDgco(balance)}</p>}
      <div className="form-actions">
        <button type="submit" className="button-primary">
          Continue
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Who tipped `user`, ranked by total. */
export function Supporters({
  supporters,
}: {
  supporters: { rank: number; amount: string; sender: User }[];
}) {
  if (supporters.length === 0) return <p className="muted">No tips yet. Be the first.</p>;
  return (
    <ol className="supporters" aria-label="Top supporters">
      {supporters.map((s) => (
        <li key={s.sender.id}>
          <Link to={`/${s.sender.handle}`}>@{s.sender.handle}</Link>{' '}
          <span className="muted">{formatDgco(s.amount)}</span>
        </li>
      ))}
    </ol>
  );
}
