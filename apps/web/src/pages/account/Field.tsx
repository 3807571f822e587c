import { type ReactNode, useState } from 'react';

/** The attributes that tie a control to its label, hint and error. */
export type ControlProps = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
};

/**
 * A labelled form row: the label, the control (rendered with the ids that link it to its hint
 * and error), a hint, and an inline error that screen readers hear with the control.
 */
export function Field({
  id,
  label,
  hint,
  error,
  counter,
  optional = false,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | undefined;
  /** e.g. "12/256", shown beside the label. */
  counter?: string;
  optional?: boolean;
  children: (control: ControlProps) => ReactNode;
}) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <div className="field-label-row">
        <label htmlFor={id}>
          {label}
          {optional && <span className="field-optional"> (optional)</span>}
        </label>
        {counter && (
          <span className="field-counter" aria-hidden="true">
            {counter}
          </span>
        )}
      </div>
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true as const } : {}),
      })}
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

/**
 * A control's inline error and hint, with the ids (`<id>-error`, `<id>-hint`) its
 * aria-describedby names. `alert` announces the error at once, for a control that changes
 * without a submit (a file picked).
 */
export function FieldMessages({
  id,
  error,
  hint,
  alert = false,
}: {
  id: string;
  error?: ReactNode;
  hint?: ReactNode;
  alert?: boolean;
}) {
  return (
    <>
      {error && (
        <p className="field-error" id={`${id}-error`} {...(alert ? { role: 'alert' } : {})}>
          {error}
        </p>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </>
  );
}

/** A password input with a Show/Hide button (typing blind on a phone is how typos happen). */
export function PasswordInput({
  control,
  value,
  onChange,
  autoComplete,
  disabled,
  required = true,
}: {
  control: ControlProps;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'current-password' | 'new-password';
  disabled?: boolean;
  required?: boolean;
}) {
  const [shown, setShown] = useState(false);
  return (
    <div className="password-input">
      <input
        {...control}
        type={shown ? 'text' : 'password'}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete={autoComplete}
        required={required}
        disabled={disabled}
        spellCheck={false}
        autoCapitalize="none"
      />
      <button
        type="button"
        className="password-toggle"
        aria-controls={control.id}
        aria-pressed={shown}
        onClick={() => setShown((s) => !s)}
        disabled={disabled}
      >
        {shown ? 'Hide' : 'Show'}
        <span className="visually-hidden"> password</span>
      </button>
    </div>
  );
}

/** A form-level error, announced as soon as it appears. */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <div className="form-error" role="alert">
      {children}
    </div>
  );
}

/** Moves focus to the first field with an error, so a keyboard user lands on what to fix. */
export function focusFirstError(ids: Record<string, string>, errors: Record<string, unknown>) {
  for (const [field, id] of Object.entries(ids)) {
    if (errors[field]) {
      document.getElementById(id)?.focus();
      return;
    }
  }
}

/** "12/256" for a counted field. */
export function countOf(value: string, max: number): string {
  return `${value.length}/${max}`;
}
