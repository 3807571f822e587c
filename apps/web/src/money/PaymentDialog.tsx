// The one confirmation dialog of every payment (a purchase, a tip): its frame, the steps a payment
// goes through (signing, sending, waiting for the network) told as they happen, a refusal in
// words with a fresh balance, and the result.
import type { PaymentStatus } from '@coliving/sdk';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { Link } from '../router.js';
import { useSdk } from '../sdk.js';
import { type PaymentContext, describePaymentError } from './paymentErrors.js';
import { useWallet } from './wallet.js';
import './money.css';

/** Where a payment stands once confirmed. */
export type PaymentProgress =
  | { phase: 'ready' }
  | { phase: 'paying'; status: string }
  | { phase: 'done' }
  | { phase: 'failed'; message: string };

/** What each step of a payment is called while it runs. */
export function statusWords(noun: 'payment' | 'tip'): Record<PaymentStatus, string> {
  return {
    signing: `Signing the ${noun}…`,
    relaying: `Sending the ${noun}…`,
    indexing: 'Waiting for the network to record it…',
  };
}

/**
 * A payment's progress and `pay`, which runs `send` (the SDK call, given the signal and the
 * status callback), then reads the balance again; a refusal becomes a sentence with the amounts
 * (the balance read afresh, so "you need X; you have Y" is true now). Unmounting aborts it.
 */
export function usePayment(noun: 'payment' | 'tip') {
  const sdk = useSdk();
  const wallet = useWallet();
  const [progress, setProgress] = useState<PaymentProgress>({ phase: 'ready' });
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  const pay = async (
    send: (p: { signal: AbortSignal; onStatus: (s: PaymentStatus) => void }) => Promise<void>,
    refusal: Omit<PaymentContext, 'balance'>,
  ): Promise<void> => {
    const abort = new AbortController();
    controller.current = abort;
    const words = statusWords(noun);
    setProgress({ phase: 'paying', status: words.signing });
    try {
      await send({
        signal: abort.signal,
        onStatus: (status) => setProgress({ phase: 'paying', status: words[status] }),
      });
      setProgress({ phase: 'done' });
      void wallet.refresh();
    } catch (error) {
      if (abort.signal.aborted) return;
      let balance = wallet.balance;
      try {
        balance = BigInt((await sdk.wallet.balance()).balance);
      } catch {
        // The balance known before stays.
      }
      setProgress({
        phase: 'failed',
        message: describePaymentError(error, { ...refusal, balance }),
      });
    } finally {
      if (controller.current === abort) controller.current = null;
    }
  };
  return { progress, pay, reset: () => setProgress({ phase: 'ready' }) };
}

/** A payment's dialog: PaymentSteps in a MoneyDialog, which Escape closes except while paying. */
export function PaymentDialog(props: Parameters<typeof PaymentSteps>[0] & { title: string }) {
  const { title, ...steps } = props;
  return (
    <MoneyDialog
      title={title}
      onClose={props.progress.phase === 'paying' ? undefined : props.onClose}
    >
      <PaymentSteps {...steps} />
    </MoneyDialog>
  );
}

/**
 * What a payment's dialog holds: for a listener who is not signed in, `logIn` (a sentence after a "Log in" link) and Close; after the
 * payment, `done` and Done; otherwise `children` (what is paid to whom), the progress, and the
 * actions: `confirm` (its label) and `cancel`.
 */
export function PaymentSteps({
  signedIn,
  logIn,
  progress,
  done,
  confirm,
  onConfirm,
  cancel = 'Cancel',
  onCancel,
  onClose,
  children,
}: {
  signedIn: boolean;
  logIn: { next: string; words: ReactNode };
  progress: PaymentProgress;
  done: ReactNode;
  confirm: string;
  onConfirm: () => void;
  cancel?: string;
  /** Cancel (or Back); `onClose` when not given. */
  onCancel?: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  const paying = progress.phase === 'paying';
  return (
    <>
      {!signedIn ? (
        <>
          <p>
            <Link to={`/login?next=${encodeURIComponent(logIn.next)}`}>Log in</Link> {logIn.words}
          </p>
          <div className="form-actions">
            <button type="button" autoFocus onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : progress.phase === 'done' ? (
        <>
          <p role="status">{done}</p>
          <div className="form-actions">
            <button type="button" className="button-primary" autoFocus onClick={onClose}>
              Done
            </button>
          </div>
        </>
      ) : (
        <>
          {children}
          {progress.phase === 'paying' && (
            <p role="status" aria-live="polite">
              {progress.status}
            </p>
          )}
          {progress.phase === 'failed' && (
            <p className="error-text" role="alert">
              {progress.message}
            </p>
          )}
          <div className="form-actions">
            <button
              type="button"
              className="button-primary"
              autoFocus
              disabled={paying}
              onClick={onConfirm}
            >
              {confirm}
            </button>
            <button type="button" disabled={paying} onClick={onCancel ?? onClose}>
              {cancel}
            </button>
          </div>
        </>
      )}
    </>
  );
}

/** A modal over the page titled `title`; Escape closes it when `onClose` is given. */
export function MoneyDialog({
  title,
  onClose,
  children,
}: {
  title: string;
  onClose: (() => void) | undefined;
  children: ReactNode;
}) {
  return createPortal(
    <div className="money-dialog-backdrop">
      <div
        className="money-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose?.();
        }}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}
