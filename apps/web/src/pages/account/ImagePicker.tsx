import { useRef, useState } from 'react';
import { FieldMessages } from './Field.js';
import { useObjectUrl } from './useObjectUrl.js';
import { validateImageFile } from './validation.js';

/**
 * An image file input with a preview of the chosen picture (or of the current one), a way to
 * undo the choice, and a message when the file is not an image.
 */
export function ImagePicker({
  id,
  label,
  file,
  onChange,
  currentUrl,
  shape = 'square',
  disabled = false,
  hint,
}: {
  id: string;
  /** The input's accessible name ("Artwork", "Profile picture"). */
  label: string;
  file: File | null;
  onChange: (file: File | null) => void;
  /** The picture in use now, shown until another is chosen. */
  currentUrl?: string | undefined;
  shape?: 'square' | 'wide';
  disabled?: boolean;
  hint?: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | undefined>();
  const preview = useObjectUrl(file);
  const shown = preview ?? currentUrl;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    const problem = validateImageFile(chosen);
    setError(problem);
    if (!problem) onChange(chosen);
    // The same file chosen again after a refusal should fire change again.
    if (input.current) input.current.value = '';
  };

  return (
    <div className={`image-picker image-picker-${shape}`}>
      <div className="image-picker-preview" aria-hidden={shown ? undefined : true}>
        {shown ? (
          <img
            src={shown}
            alt={
              preview
                ? `Preview of the new ${label.toLowerCase()}`
                : `Current ${label.toLowerCase()}`
            }
          />
        ) : (
          <span className="image-picker-empty" />
        )}
      </div>
      <div className="image-picker-controls">
        <label htmlFor={id} className="image-picker-label">
          {label}
        </label>
        <input
          ref={input}
          id={id}
          type="file"
          accept="image/*"
          aria-label={label}
          aria-describedby={
            [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined
          }
          aria-invalid={error ? true : undefined}
          disabled={disabled}
          onChange={(e) => choose(e.target.files?.[0])}
        />
        {file && (
          <p className="image-picker-file">
            {file.name}{' '}
            <button
              type="button"
              className="link-button"
              onClick={() => onChange(null)}
              disabled={disabled}
            >
              Remove<span className="visually-hidden"> {label.toLowerCase()}</span>
            </button>
          </p>
        )}
        <FieldMessages id={id} error={error} hint={hint} alert />
      </div>
    </div>
  );
}
