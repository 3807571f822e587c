// A value to copy (an API key, a secret): shown in a read-only field, with a button that copies
// it and says so; where the browser refuses the clipboard, the field is selected to copy by hand.
import { useEffect, useRef, useState } from 'react';
import { copyToClipboard } from '../pages/browse/ShareButton.js';

export function CopyField({
  id,
  label,
  value,
  copy = copyToClipboard,
}: {
  id: string;
  /** What the value is: "API key", "API secret". */
  label: string;
  value: string;
  copy?: (text: string) => Promise<void>;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (state === 'manual') field.current?.select();
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 4000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field-row">
        <input
          ref={field}
          id={id}
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          autoCapitalize="none"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          onClick={() =>
            void copy(value).then(
              () => setState('copied'),
              () => setState('manual'),
            )
          }
        >
          Copy {label}
        </button>
      </div>
      <span className="copy-field-status" role="status" aria-live="polite">
        {state === 'copied'
          ? `${label} copied.`
          : state === 'manual'
            ? 'This browser did not let us copy. It is selected: press Ctrl+C (⌘C on a Mac).'
            : ''}
      </span>
    </div>
  );
}
