// A value to copy (an API key, a secret): shown in a read-only field, with a button that copies
// it and says so; where the browser refuses the clipboard, the field is selected to copy by hand.
import { copyToClipboard, useCopy } from '../pages/browse/ShareButton.js';

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
  const { state, field, copy: run } = useCopy(copy);
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
        <button type="button" onClick={() => run(value)}>
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
