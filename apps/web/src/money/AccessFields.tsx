import { MIN_TIP_WEI } from '@coliving/protocol';
import { useId } from 'react';
import { Field } from '../pages/account/Field.js';
import { dgcoNumber, parseDgco } from './dgco.js';
import {
  type AccessErrors,
  type AccessMode,
  type AccessValues,
  MAX_COLLABORATORS,
  landlordShare,
} from './access.js';
import './money.css';

const MODES: { mode: AccessMode; label: string; hint: string }[] = [
  { mode: 'public', label: 'Public', hint: 'Anyone can play it.' },
  { mode: 'follow', label: 'Followers', hint: 'Listeners who follow you can play it.' },
  {
    mode: 'tip',
    label: 'Tippers',
    hint: `Listeners who have tipped you (at least ${dgcoNumber(MIN_TIP_WEI)} DGCO) can play it.`,
  },
  { mode: 'purchase', label: 'For sale', hint: 'Listeners buy it with DGCO to play it in full.' },
];

/** An album is free or for sale: its purchase is what opens its tracks (the node's rule). */
const ALBUM_MODES: typeof MODES = [
  { mode: 'public', label: 'Not for sale', hint: 'Its tracks play as their own settings say.' },
  {
    mode: 'purchase',
    label: 'For sale',
    hint: 'Listeners buy the album with DGCO; each of its tracks then plays in full.',
  },
];

/**
 * Who may play a track and how it is found: public, followers, tippers or buyers (a price in
 * DGCO, split by @handle and percent); unlisted; downloadable. Everyone else hears the 30-second
 * preview and sees what unlocks the rest. For an album (`kind`): not for sale, or a price.
 */
export function AccessFields({
  values,
  onChange,
  errors,
  disabled = false,
  kind = 'track',
}: {
  /** What the settings are for: a track, or an album (a price and splits alone). */
  kind?: 'track' | 'album';
  values: AccessValues;
  onChange: (next: AccessValues) => void;
  /** Shown once the form was submitted. */
  errors: AccessErrors;
  disabled?: boolean;
}) {
  const id = useId();
  const set = (patch: Partial<AccessValues>) => onChange({ ...values, ...patch });
  const setSplit = (index: number, patch: Partial<AccessValues['splits'][number]>) =>
    set({ splits: values.splits.map((s, i) => (i === index ? { ...s, ...patch } : s)) });
  const price = parseDgco(values.price);
  const rest = landlordShare(values.splits);
  return (
    <fieldset className="access-fields" disabled={disabled}>
      <legend>Access</legend>
      <div role="radiogroup" aria-label="Who can play it">
        {(kind === 'album' ? ALBUM_MODES : MODES).map((m) => (
          <label key={m.mode} className="access-mode">
            <input
              type="radio"
              name={`${id}-mode`}
              value={m.mode}
              checked={values.mode === m.mode}
              onChange={() => set({ mode: m.mode })}
            />{' '}
            <strong>{m.label}</strong> <span className="muted">{m.hint}</span>
          </label>
        ))}
      </div>
      {values.mode === 'purchase' && (
        <div className="access-purchase">
          <Field
            id={`${id}-price`}
            label="Price (DGCO)"
            error={errors.price}
            hint={`What a listener pays once to own ${kind === 'album' ? 'the album' : 'it'}, e.g. 2.5.`}
          >
            {(control) => (
              <input
                {...control}
                type="text"
                inputMode="decimal"
                value={values.price}
                onChange={(e) => set({ price: e.target.value })}
              />
            )}
          </Field>
          <p className="muted" id={`${id}-splits-hint`}>
            Split each sale with collaborators by @handle and percent; you get the rest.
          </p>
          <ul className="access-splits" aria-label="Collaborators">
            {values.splits.map((s, i) => (
              <li key={i}>
                <Field
                  id={`${id}-split-${i}-handle`}
                  label="Collaborator"
                  error={errors.splits?.[i]}
                >
                  {(control) => (
                    <input
                      {...control}
                      type="text"
                      placeholder="@handle"
                      value={s.handle}
                      onChange={(e) => setSplit(i, { handle: e.target.value })}
                    />
                  )}
                </Field>
                <Field id={`${id}-split-${i}-percent`} label="Share (%)">
                  {(control) => (
                    <input
                      {...control}
                      type="text"
                      inputMode="decimal"
                      className="access-percent"
                      value={s.percentage}
                      onChange={(e) => setSplit(i, { percentage: e.target.value })}
                    />
                  )}
                </Field>
                <button
                  type="button"
                  className="link-button"
                  aria-label={`Remove collaborator ${i + 1}`}
                  onClick={() => set({ splits: values.splits.filter((_, j) => j !== i) })}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
          {values.splits.length < MAX_COLLABORATORS && (
            <button
              type="button"
              onClick={() => set({ splits: [...values.splits, { handle: '', percentage: '' }] })}
            >
              Add a collaborator
            </button>
          )}
          <p aria-live="polite">
            You get {rest >= 0 ? rest : 0}%
            {'wei' in price && rest > 0
              ? ` (${dgcoNumber((price.wei * BigInt(Math.round(rest * 100))) / 10_000n)} DGCO a sale, plus any rounding)`
              : ''}
            .
          </p>
          {errors.splitTotal && (
            <p className="error-text" role="alert">
              {errors.splitTotal}
            </p>
          )}
        </div>
      )}
      {kind === 'track' && (
        <>
          <label className="access-check">
            <input
              type="checkbox"
              checked={values.unlisted}
              onChange={(e) => set({ unlisted: e.target.checked })}
            />{' '}
            Unlisted <span className="muted">(only people with the link find it)</span>
          </label>
          <label className="access-check">
            <input
              type="checkbox"
              checked={values.downloadable}
              onChange={(e) => set({ downloadable: e.target.checked })}
            />{' '}
            Downloadable{' '}
            <span className="muted">
              (the original file; {values.mode === 'public' ? 'for anyone' : 'behind the same lock'}
              )
            </span>
          </label>
        </>
      )}
    </fieldset>
  );
}
