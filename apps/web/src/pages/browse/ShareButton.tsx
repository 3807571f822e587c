import { useEffect, useRef, useState } from 'react';

/** Writes to the system clipboard; rejects where the browser does not allow it. */
export function copyToClipboard(text: string): Promise<void> {
  if (!navigator.clipboard?.writeText) return Promise.reject(new Error('No clipboard'));
  return navigator.clipboard.writeText(text);
}

/**
 * A copy button's state: `copy(text)` writes it and says `copied` (for 4 s), or `manual` where
 * the browser refuses, selecting `field` so the text can be copied by hand.
 */
export function useCopy(copy: (text: string) => Promise<void>) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (state === 'manual') field.current?.select();
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);
  const run = (text: string) => {
    copy(text).then(
      () => setState('copied'),
      () => setState('manual'),
    );
  };
  return { state, field, copy: run };
}

/**
 * Copies a link to the clipboard and says so; where copying is refused, shows the link in a
 * selected read-only field to copy by hand.
 */
export function ShareButton({
  url,
  label = 'Copy link',
  copy = copyToClipboard,
}: {
  url: string;
  label?: string;
  copy?: (text: string) => Promise<void>;
}) {
  const { state, field, copy: run } = useCopy(copy);
  const onClick = () => run(url);
  return (
    <div className="share">
      <button type="button" onClick={onClick}>
        <span aria-hidden="true">↗</span> {label}
      </button>
      <span className="share-status" role="status" aria-live="polite">
        {state === 'copied' ? 'Copied' : state === 'manual' ? 'Copy this link:' : ''}
      </span>
      {state === 'manual' && (
        <input
          ref={field}
          className="share-url"
          type="url"
          readOnly
          value={url}
          aria-label="Link to share"
          onFocus={(e) => e.currentTarget.select()}
        />
      )}
    </div>
  );
}
