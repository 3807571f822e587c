// The fields a track's upload and its edit form share: genre and mood, tags, description.
import { Field, countOf } from '../pages/account/Field.js';
import {
  GENRE_OPTIONS,
  MAX_TAGS,
  MAX_TRACK_DESCRIPTION,
  MOOD_OPTIONS,
} from '../pages/account/validation.js';

type DetailField = 'genre' | 'mood' | 'tags' | 'description';

export type TrackDetailFieldsProps = {
  /** Each field's element id. */
  ids: Record<DetailField, string>;
  values: Record<DetailField, string>;
  /** The error to show under a field, if any. */
  shown: (field: DetailField) => string | undefined;
  set: (field: DetailField) => (value: string) => void;
};

export function TrackDetailFields({ ids, values, shown, set }: TrackDetailFieldsProps) {
  return (
    <>
      <div className="field-pair">
        <Field id={ids.genre} label="Genre" error={shown('genre')}>
          {(control) => (
            <select
              {...control}
              required
              value={values.genre}
              onChange={(e) => set('genre')(e.target.value)}
            >
              <option value="">Choose a genre</option>
              {GENRE_OPTIONS.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={ids.mood} label="Mood" optional error={shown('mood')}>
          {(control) => (
            <select {...control} value={values.mood} onChange={(e) => set('mood')(e.target.value)}>
              <option value="">No mood</option>
              {MOOD_OPTIONS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        id={ids.tags}
        label="Tags"
        optional
        error={shown('tags')}
        hint="Separate tags with commas, e.g. lofi, chill, night."
      >
        {(control) => (
          <input
            {...control}
            type="text"
            maxLength={MAX_TAGS}
            value={values.tags}
            onChange={(e) => set('tags')(e.target.value)}
          />
        )}
      </Field>
      <Field
        id={ids.description}
        label="Description"
        optional
        error={shown('description')}
        counter={countOf(values.description, MAX_TRACK_DESCRIPTION)}
      >
        {(control) => (
          <textarea
            {...control}
            rows={4}
            maxLength={MAX_TRACK_DESCRIPTION}
            value={values.description}
            onChange={(e) => set('description')(e.target.value)}
          />
        )}
      </Field>
    </>
  );
}
