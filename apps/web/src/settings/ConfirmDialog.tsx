// What Settings → Apps' writes share: the SDK's steps said in words, dates a person reads, and
// the confirmation dialog of a delete or a revoke.
import { type ReactNode, useState } from 'react';
import { describeError } from '../components/States.js';
import { FormError } from '../pages/account/Field.js';
import { Dialog } from '../playlists/Dialog.js';

/** What a write is doing, from the SDK's steps. */
export const STEPS: Record<string, string> = {
  signing: 'Signing…',
  relaying: 'Sending it to the network…',
  indexing: 'Waiting for the network to show it…',
};

/** A date a person reads: "6 Dec 2026". */
export function dateOf(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}
/** A confirmation over the page; the write's refusal, if any, is said inside it. */
export function ConfirmDialog({
  title,
  confirmLabel,
  busyLabel,
  onConfirm,
  onCancel,
  children,
}: {
  title: string;
  confirmLabel: string;
  busyLabel: string;
  onConfirm: (onStatus: (step: string) => void) => Promise<void>;
  onCancel: () => void;
  children: ReactNode;
}) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = pending !== null;
  const confirm = async () => {
    setError(null);
    setPending(busyLabel);
    try {
      await onConfirm((step) => setPending(STEPS[step] ?? busyLabel));
    } catch (caught) {
      setError(describeError(caught));
      setPending(null);
    }
  };
  return (
    <Dialog title={title} onClose={busy ? undefined : onCancel}>
      {children}
      <FormError>{error}</FormError>
      <p className="form-status" role="status" aria-live="polite">
        {pending ?? ''}
      </p>
      <div className="form-actions">
        <button
          type="button"
          className="button-danger"
          disabled={busy}
          onClick={() => void confirm()}
        >
          {busy ? busyLabel : confirmLabel}
        </button>
        <button type="button" autoFocus disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
