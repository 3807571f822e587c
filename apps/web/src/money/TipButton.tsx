import { MIN_TIP_WEI } from '@coliving/protocol';
import type { User } from '@coliving/sdk';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { useSession } from '../session.js';
import { dgcoNumber, formatDgco, parseDgco } from './dgco.js';
import { describePaymentError } from './paymentErrors.js';
import { useWallet } from './wallet.js';
import './money.css';

type TipStep =
  | { step: 'closed' }
  | { step: 'amount'; error?: string }
  | { step: 'confirm'; amount: bigint }
  | { step: 'paying'; amount: bigint; status: string }
  | { step: 'done'; amount: bigint }
  | { step: 'failed'; amount: bigint; message: string };

const STATUS_WORDS: Record<string, string> = {
  signing: 'Signing the tip…',
  relaying: 'Sending the tip…',
  indexing: 'Waiting for the network to record it…',
};

/** The amount a tip form starts with. */
export const DEFAULT_TIP = '1';

/** Tip a landlord: the amount, a confirmation, then the result. Not shown on one's own profile. */
export function TipButton({ user, onTipped }: { user: User; onTipped?: () => void }) {
  const sdk = useSdk();
  const session = useSession();
  const wallet = useWallet();
  const inputId = useId();
  const [state, setState] = useState<TipStep>({ step: 'closed' });
  const [typed, setTyped] = useState(DEFAULT_TIP);
  const openerRef = useRef<HTMLButtonElement>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  if (session.user?.id === user.id) return null;

  const close = () => {
    setState({ step: 'closed' });
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

  const send = async (amount: bigint) => {
    const userId = session.user?.id;
    if (!userId) return;
    const abort = new AbortController();
    controller.current = abort;
    setState({ step: 'paying', amount, status: STATUS_WORDS.signing! });
    try {
      await sdk.tips.send({
        userId,
        toUserId: user.id,
        amount,
        signal: abort.signal,
        onStatus: (status) =>
          setState({ step: 'paying', amount, status: STATUS_WORDS[status] ?? 'Sending…' }),
      });
      wallet.unlock([`user:${user.id}`]);
      setState({ step: 'done', amount });
      void wallet.refresh();
      onTipped?.();
    } catch (error) {
      if (abort.signal.aborted) return;
      let balance = wallet.balance;
      try {
        balance = BigInt((await sdk.wallet.balance()).balance);
      } catch {
        // The balance known before stays.
      }
      setState({
        step: 'failed',
        amount,
        message: describePaymentError(error, { amount, balance, what: 'tip' }),
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  };

  const signedIn = session.status === 'signed-in' && session.user;
  return (
    <>
      <button
        type="button"
        ref={openerRef}
        className="button-secondary"
        aria-label={`Tip ${user.name}`}
        onClick={() => setState({ step: 'amount' })}
      >
        Tip
      </button>
      {state.step !== 'closed' &&
        createPortal(
          <div className="money-dialog-backdrop">
            <div
              className="money-dialog"
              role="dialog"
              aria-modal="true"
              aria-label={`Tip ${user.name}`}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && state.step !== 'paying') close();
              }}
            >
              <h2>Tip {user.name}</h2>
              {!signedIn ? (
                <>
                  <p>
                    <Link to={`/login?next=/${user.handle}`}>Log in</Link> to tip @{user.handle}.
                  </p>
                  <div className="form-actions">
                    <button type="button" autoFocus onClick={close}>
                      Close
                    </button>
                  </div>
                </>
              ) : state.step === 'amount' ? (
                <form className="form" onSubmit={review} noValidate>
                  <label htmlFor={inputId}>Amount (DGCO)</label>
                  <input
                    id={inputId}
                    type="text"
                    inputMode="decimal"
                    autoFocus
                    value={typed}
                    aria-invalid={state.error ? true : undefined}
                    aria-describedby={state.error ? `${inputId}-error` : undefined}
                    onChange={(e) => setTyped(e.target.value)}
                  />
                  {state.error && (
                    <p id={`${inputId}-error`} className="error-text" role="alert">
                      {state.error}
                    </p>
                  )}
                  {wallet.balance !== null && (
                    <p className="muted">Your balance: {formatDgco(wallet.balance)}</p>
                  )}
                  <div className="form-actions">
                    <button type="submit" className="button-primary">
                      Continue
                    </button>
                    <button type="button" onClick={close}>
                      Cancel
                    </button>
                  </div>
                </form>
              ) : state.step === 'done' ? (
                <>
                  <p role="status">
                    You tipped @{user.handle} {formatDgco(state.amount)}. Thank you!
                  </p>
                  <div className="form-actions">
                    <button type="button" className="button-primary" autoFocus onClick={close}>
                      Done
                    </button>
                  </div>
                </>
              ) : (
                <>
                  <p>
                    Send <strong>{formatDgco(state.amount)}</strong> to @{user.handle}? It goes
                    straight to their wallet and cannot be taken back.
                  </p>
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
                      className="button-primary"
                      autoFocus
                      disabled={state.step === 'paying'}
                      onClick={() => void send(state.amount)}
                    >
                      Send {formatDgco(state.amount)}
                    </button>
                    <button
                      type="button"
                      disabled={state.step === 'paying'}
                      onClick={() => setState({ step: 'amount' })}
                    >
                      Back
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
