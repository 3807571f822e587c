// A developer app's form (Settings → Apps): its fields as typed, checked in words a person
// understands before anything is signed. The rules are the chain's (docs/design.md §12,
// protocol's developerApps.ts): the protocol's own schema has the last word on each address.
import {
  MAX_APP_DESCRIPTION,
  MAX_APP_NAME,
  MAX_REDIRECT_URIS,
  redirectUrisSchema,
} from '@coliving/protocol';

export { MAX_APP_DESCRIPTION, MAX_APP_NAME, MAX_REDIRECT_URIS };

/** The longest address the chain keeps. */
export const MAX_URL = 500;

export type AppValues = {
  name: string;
  description: string;
  /** One redirect URI a line, as typed. */
  redirectUris: string;
  imageUrl: string;
};

export type AppField = keyof AppValues;
export type AppErrors = Partial<Record<AppField, string>>;

export const EMPTY_APP: AppValues = { name: '', description: '', redirectUris: '', imageUrl: '' };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The redirect URIs typed, one a line, without blank lines or surrounding spaces. */
export function redirectUriLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Why `url` is not an address the chain takes, in words; undefined when it is one. */
export function urlProblem(url: string): string | undefined {
  if (url.length > MAX_URL) return `is longer than ${MAX_URL} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a full web address. Start it with https:// (or http:// for a local test).';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'must start with https:// or http://.';
  if (/^https?:\/\/[^/?#]*@/i.test(url) || parsed.username || parsed.password)
    return 'must not contain a user name or password.';
  if (url.includes('#')) return 'must not contain a # fragment.';
  if (!redirectUrisSchema.safeParse([url]).success) return 'is not an address the network takes.';
  return undefined;
}

/** What is wrong with each field, if anything. */
export function validateApp(values: AppValues): AppErrors {
  const errors: AppErrors = {};
  const name = values.name.trim();
  if (name === '') errors.name = 'Give your app a name.';
  else if (name.length > MAX_APP_NAME)
    errors.name = `Keep the name to ${MAX_APP_NAME} characters or fewer.`;
  else if (CONTROL.test(name)) errors.name = 'Remove tabs and line breaks from the name.';

  const description = values.description.trim();
  if (description.length > MAX_APP_DESCRIPTION)
    errors.description = `Keep the description to ${MAX_APP_DESCRIPTION} characters or fewer.`;
  else if (CONTROL.test(description.replace(/\r?\n/g, ' ')))
    errors.description = 'Remove tabs and control characters from the description.';
  else if (/\r?\n/.test(description))
    errors.description = 'Write the description on one line (no line breaks).';

  const lines = redirectUriLines(values.redirectUris);
  if (lines.length > MAX_REDIRECT_URIS) {
    errors.redirectUris = `List at most ${MAX_REDIRECT_URIS} redirect URIs (there are ${lines.length}).`;
  } else {
    for (const [i, line] of lines.entries()) {
      const problem = urlProblem(line);
      if (problem) {
        errors.redirectUris =
          lines.length === 1 ? `"${line}" ${problem}` : `Line ${i + 1}: "${line}" ${problem}`;
        break;
      }
    }
  }

  const image = values.imageUrl.trim();
  if (image !== '') {
    const problem = urlProblem(image);
    if (problem) errors.imageUrl = `The image address ${problem}`;
  }
  return errors;
}

/** The form's values of an app as the network holds it. */
export function valuesOfApp(app: {
  name: string;
  description: string | null;
  image_url: string | null;
  redirect_uris: string[];
}): AppValues {
  return {
    name: app.name,
    description: app.description ?? '',
    redirectUris: app.redirect_uris.join('\n'),
    imageUrl: app.image_url ?? '',
  };
}
