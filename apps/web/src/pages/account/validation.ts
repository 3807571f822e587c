// The account and upload forms' rules as pure functions, so they can be tested without a page.
// Where the protocol has a rule (handles, lengths, URLs), it is the protocol's schema that decides;
// these functions only put its answer into words a person can act on.
import type { TrackFieldsInput } from '@coliving/sdk';
import {
  GENRES,
  MAX_BIO,
  MAX_TRACK_DESCRIPTION,
  MOODS,
  handleSchema,
  isReservedHandle,
} from '@coliving/protocol';

/** Longest handle the protocol takes. */
export const MAX_HANDLE = 30;
/** Display names, in characters (protocol: `name` is requiredText(32)). */
export const MAX_NAME = 32;
/** Locations, in characters (protocol: text(60)). */
export const MAX_LOCATION = 60;
/** Websites, in characters (protocol: url().max(200)). */
export const MAX_WEBSITE = 200;
/** Track titles, in characters (protocol: requiredText(200)). */
export const MAX_TITLE = 200;
/** Track tags, all together (protocol: text(500)). */
export const MAX_TAGS = 500;
/** Preview start: the protocol takes up to a day. */
export const MAX_PREVIEW_START_SECONDS = 24 * 60 * 60;
export { MAX_BIO, MAX_TRACK_DESCRIPTION };
/** Shortest password: scrypt makes guessing slow, length makes it slower still. */
export const MIN_PASSWORD = 8;
/**
 * Largest audio file the player sends: the content nodes take up to 500 MB, but a browser
 * upload that big over a home connection is not a good first experience.
 */
export const MAX_AUDIO_BYTES = 200 * 1024 * 1024;
/** Largest image: nodes render the sizes from the original, which need not be huge. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export const GENRE_OPTIONS: readonly string[] = GENRES;
export const MOOD_OPTIONS: readonly string[] = MOODS;

/** The handle rule, as shown under the handle field. */
export const HANDLE_RULE = `Up to ${MAX_HANDLE} letters, digits, "_" or "."; not starting with ".". This is your address: coliving/@handle.`;

/** Field name → message; a field without an entry is fine. */
export type FieldErrors<K extends string> = Partial<Record<K, string>>;

/** True when `errors` holds no message. */
export function isValid(errors: Record<string, string | undefined>): boolean {
  return Object.values(errors).every((e) => e === undefined);
}

// eslint-disable-next-line no-control-regex -- control characters are what the protocol refuses
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A handle's problem in words, or undefined when the protocol would take it. */
export function validateHandle(handle: string): string | undefined {
  if (handle === '') return 'Choose a handle.';
  if (handle.length > MAX_HANDLE) return `A handle is at most ${MAX_HANDLE} characters.`;
  if (handle.startsWith('.')) return 'A handle may not start with ".".';
  if (/\s/.test(handle)) return 'A handle may not contain spaces.';
  if (!/^[A-Za-z0-9_.]+$/.test(handle))
    return 'A handle may only contain letters, digits, "_" and ".".';
  if (!handleSchema.safeParse(handle).success) return 'That handle is not allowed.';
  if (isReservedHandle(handle)) return `@${handle.toLowerCase()} is reserved. Choose another.`;
  return undefined;
}

/** Handles are unique whatever their case: what the taken-check compares. */
export function handleKey(handle: string): string {
  return handle.toLowerCase();
}

/** A plausible email (the login lookup key is made from it; the network never mails it). */
export function validateEmail(email: string): string | undefined {
  const e = email.trim();
  if (e === '') return 'Enter your email.';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) return 'Enter an email like name@example.com.';
  return undefined;
}

/** A new password's problem. */
export function validatePassword(password: string): string | undefined {
  if (password === '') return 'Choose a password.';
  if (password.length < MIN_PASSWORD) return `Use at least ${MIN_PASSWORD} characters.`;
  if (password.trim() === '') return 'A password cannot be only spaces.';
  return undefined;
}

/** The confirmation must repeat the password exactly. */
export function validateConfirm(password: string, confirm: string): string | undefined {
  if (confirm === '') return 'Type the password again.';
  if (confirm !== password) return 'The passwords do not match.';
  return undefined;
}

/** A display name: required, at most 32 characters. */
export function validateName(name: string): string | undefined {
  const n = name.trim();
  if (n === '') return 'Enter a display name.';
  if (n.length > MAX_NAME) return `A name is at most ${MAX_NAME} characters.`;
  if (CONTROL.test(n)) return 'A name cannot contain control characters.';
  return undefined;
}

/** Optional free text limited to `max` characters. */
export function validateText(value: string, max: number, what: string): string | undefined {
  if (value.length > max) return `${what} is at most ${max} characters (now ${value.length}).`;
  if (CONTROL.test(value)) return `${what} cannot contain control characters.`;
  return undefined;
}

/**
 * A website as typed, made into the URL that is stored: "example.com" becomes
 * "https://example.com"; blank stays blank.
 */
export function normalizeWebsite(value: string): string {
  const v = value.trim();
  if (v === '') return '';
  return /^[a-z][a-z0-9+.-]*:/i.test(v) ? v : `https://${v}`;
}

/** A website's problem (after normalizeWebsite), matching the protocol's http(s) URL rule. */
export function validateWebsite(value: string): string | undefined {
  const v = normalizeWebsite(value);
  if (v === '') return undefined;
  if (v.length > MAX_WEBSITE) return `A website address is at most ${MAX_WEBSITE} characters.`;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'Enter a web address like https://example.com.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'A website must start with http:// or https://.';
  if (!url.hostname.includes('.') && url.hostname !== 'localhost')
    return 'Enter a web address like https://example.com.';
  if (/^https?:\/\/[^/?#]*@/i.test(v)) return 'A website cannot contain a user name or password.';
  return undefined;
}

/** Human sizes: 512 B, 3.4 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0).replace(/\.0$/, '')} ${units[unit]}`;
}

// Some systems give no MIME type for less common formats (FLAC, AIFF on Windows).
const AUDIO_EXTENSIONS = new Set([
  'mp3',
  'wav',
  'flac',
  'aif',
  'aiff',
  'ogg',
  'oga',
  'opus',
  'm4a',
  'aac',
  'alac',
  'wma',
]);

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

type FileLike = { name: string; type: string; size: number };

/** Why an audio file would be refused before uploading it, or undefined. */
export function validateAudioFile(file: FileLike, maxBytes = MAX_AUDIO_BYTES): string | undefined {
  const untyped = file.type === '' || file.type === 'application/octet-stream';
  const isAudio =
    file.type.startsWith('audio/') || (untyped && AUDIO_EXTENSIONS.has(extensionOf(file.name)));
  if (!isAudio)
    return `"${file.name}" is not an audio file. Choose an MP3, WAV, FLAC, AIFF, OGG or M4A file.`;
  if (file.size === 0) return `"${file.name}" is empty.`;
  if (file.size > maxBytes)
    return `"${file.name}" is ${formatBytes(file.size)}; the largest file you can upload is ${formatBytes(maxBytes)}.`;
  return undefined;
}

/** Why an image would be refused, or undefined. */
export function validateImageFile(file: FileLike, maxBytes = MAX_IMAGE_BYTES): string | undefined {
  if (!file.type.startsWith('image/'))
    return `"${file.name}" is not an image. Choose a JPEG, PNG or WebP file.`;
  if (file.size === 0) return `"${file.name}" is empty.`;
  if (file.size > maxBytes)
    return `"${file.name}" is ${formatBytes(file.size)}; images can be at most ${formatBytes(maxBytes)}.`;
  return undefined;
}

/** A title from a file name: no extension, separators as spaces ("my_song-v2.wav" → "my song-v2"). */
export function titleFromFileName(name: string): string {
  const dot = name.lastIndexOf('.');
  const base = dot > 0 ? name.slice(0, dot) : name;
  return base.replace(/_+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE);
}

/**
 * Where to go after logging in: `next` when it is a path on this site (one leading "/", not
 * "//host" or "/\host", which browsers treat as another origin), else undefined.
 */
export function safeNextPath(next: string | null | undefined): string | undefined {
  if (!next || !next.startsWith('/')) return undefined;
  if (next.startsWith('//') || next.startsWith('/\\')) return undefined;
  // Control characters and backslashes can be read as another origin by some parsers.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\\]/.test(next)) return undefined;
  try {
    const url = new URL(next, 'http://same.origin');
    if (url.origin !== 'http://same.origin') return undefined;
    // Dot segments fold on parsing: "/.//evil.example" and "/%2e//evil.example" become the path
    // "//evil.example", which a browser reads as another host. The path given back is checked.
    if (url.pathname.startsWith('//')) return undefined;
    return url.pathname + url.search + url.hash;
  } catch {
    return undefined;
  }
}

export type SignUpValues = {
  email: string;
  password: string;
  confirm: string;
  name: string;
  handle: string;
};
export type SignUpField = keyof SignUpValues;

/** Every field's problem on the sign-up form. */
export function validateSignUp(v: SignUpValues): FieldErrors<SignUpField> {
  return {
    email: validateEmail(v.email),
    password: validatePassword(v.password),
    confirm: validateConfirm(v.password, v.confirm),
    name: validateName(v.name),
    handle: validateHandle(v.handle),
  };
}

export type ProfileValues = { name: string; bio: string; location: string; website: string };
export type ProfileField = keyof ProfileValues;

/** Every field's problem on the profile form. */
export function validateProfile(v: ProfileValues): FieldErrors<ProfileField> {
  return {
    name: validateName(v.name),
    bio: validateText(v.bio, MAX_BIO, 'A bio'),
    location: validateText(v.location, MAX_LOCATION, 'A location'),
    website: validateWebsite(v.website),
  };
}

/** What the profile had, as strings ("" for none). */
export type ProfileInitial = {
  name: string;
  bio?: string | null;
  location?: string | null;
  website?: string | null;
};

export type ProfileChanges = {
  name?: string;
  bio?: string | null;
  location?: string | null;
  website?: string | null;
};

/**
 * Only the fields that changed, trimmed; an optional field emptied is `null` (which clears it),
 * and a website gets its scheme. An empty object means there is nothing to save.
 */
export function profileChanges(initial: ProfileInitial, values: ProfileValues): ProfileChanges {
  const out: ProfileChanges = {};
  const name = values.name.trim();
  if (name !== initial.name) out.name = name;
  const optional = [
    ['bio', values.bio.trim()],
    ['location', values.location.trim()],
    ['website', normalizeWebsite(values.website)],
  ] as const;
  for (const [key, value] of optional) {
    const before = initial[key] ?? '';
    if (value !== before) out[key] = value === '' ? null : value;
  }
  return out;
}

export type TrackValues = {
  title: string;
  genre: string;
  mood: string;
  tags: string;
  description: string;
  /** yyyy-mm-dd from a date input, or "". */
  releaseDate: string;
  /** As typed in the number input, or "". */
  previewStartSeconds: string;
};
export type TrackField = keyof TrackValues;

/** Every field's problem on the upload form. */
export function validateTrack(v: TrackValues): FieldErrors<TrackField> {
  const errors: FieldErrors<TrackField> = {};
  const title = v.title.trim();
  if (title === '') errors.title = 'Give the track a title.';
  else errors.title = validateText(title, MAX_TITLE, 'A title');
  if (v.genre === '') errors.genre = 'Choose a genre.';
  else if (!GENRE_OPTIONS.includes(v.genre)) errors.genre = 'Choose a genre from the list.';
  if (v.mood !== '' && !MOOD_OPTIONS.includes(v.mood)) errors.mood = 'Choose a mood from the list.';
  errors.tags = validateText(normalizeTags(v.tags), MAX_TAGS, 'Tags');
  errors.description = validateText(v.description, MAX_TRACK_DESCRIPTION, 'A description');
  if (v.releaseDate !== '' && Number.isNaN(Date.parse(`${v.releaseDate}T00:00:00`)))
    errors.releaseDate = 'Enter a date like 2025-06-01.';
  if (v.previewStartSeconds.trim() !== '') {
    const n = Number(v.previewStartSeconds);
    if (!Number.isFinite(n) || n < 0)
      errors.previewStartSeconds = 'Enter a number of seconds, 0 or more.';
    else if (n > MAX_PREVIEW_START_SECONDS)
      errors.previewStartSeconds = `The preview can start at most ${MAX_PREVIEW_START_SECONDS} seconds in.`;
  }
  return errors;
}

/** "lofi,  chill , ,night" → "lofi,chill,night": how tags are stored. */
export function normalizeTags(tags: string): string {
  return tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .join(',');
}

/** The SDK's metadata for valid form values; empty optional fields are left out. */
export function trackMetadata(v: TrackValues): TrackFieldsInput {
  const out: TrackFieldsInput = { title: v.title.trim(), genre: v.genre };
  if (v.mood !== '') out.mood = v.mood;
  const tags = normalizeTags(v.tags);
  if (tags !== '') out.tags = tags;
  const description = v.description.trim();
  if (description !== '') out.description = description;
  // A date input means the listener's local midnight.
  if (v.releaseDate !== '') out.releaseDate = new Date(`${v.releaseDate}T00:00:00`).toISOString();
  if (v.previewStartSeconds.trim() !== '') out.previewStartSeconds = Number(v.previewStartSeconds);
  return out;
}
