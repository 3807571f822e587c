// The example app's page: @coliving/sdk, bundled by the dev server (server.mjs) as any app's
// bundler would. It reads the app's own registration by its API key and any user's profile and
// favorites; "Log in with Coliving" (a popup, or this window with a redirect back) gets an access
// token for the user, and "Favorite" asks this app's own server to favorite a track for them: the
// server holds the app's secret key, the page only the user's token.
/* global document, fetch, history, location, sessionStorage, URLSearchParams */
import { createColivingSdk, isColivingSdkError } from '@coliving/sdk';

const $ = (id) => document.getElementById(id);
/** Where the login (token and profile) waits between page loads, for this tab only. */
const LOGIN_KEY = 'favorites-viewer.login';

/** @type {{ discoveryNodes: string[], apiKey: string | null, webUrl: string }} */
const config = await (await fetch('/config.json')).json();
const sdk = createColivingSdk({
  discoveryNodes: config.discoveryNodes,
  apiKey: config.apiKey ?? undefined,
  webUrl: config.webUrl,
});
/** Registered for the app: the consent page sends the user (or the code) back here. */
const REDIRECT_URI = `${location.origin}/`;

/** @type {{ token: { accessToken: string, scope: string }, profile: any, expiresAt: number } | null} */
let login = null;
try {
  const kept = JSON.parse(sessionStorage.getItem(LOGIN_KEY) ?? 'null');
  if (kept && kept.expiresAt > Date.now()) login = kept;
} catch {
  // Nothing kept, or not readable: logged out.
}

function keep(answer) {
  login = { ...answer, expiresAt: Date.now() + answer.token.expiresIn * 1000 };
  sessionStorage.setItem(LOGIN_KEY, JSON.stringify(login));
}

/** A login that did not happen, in words. */
function loginWords(error) {
  if (isColivingSdkError(error, 'forbidden')) return 'You did not allow the app: not logged in.';
  if (error?.code === 'popup_closed') return 'The login window was closed before you answered.';
  if (error?.code === 'popup_blocked')
    return 'The browser blocked the login window: allow popups, or log in in this window.';
  return `The login failed: ${error?.message ?? error}`;
}

/** The app's name and description, as its owner registered them on the data chain. */
async function showApp() {
  if (!config.apiKey) {
    $('app').textContent = 'No API key: start the server with --api-key <your app key>.';
    return;
  }
  try {
    const app = await sdk.developerApps.get(config.apiKey);
    $('app').textContent = app.description ? `${app.name}: ${app.description}` : app.name;
    document.title = app.name;
    $('login').disabled = false;
  } catch (error) {
    $('app').textContent = isColivingSdkError(error, 'not_found')
      ? `The API key ${config.apiKey} is not a registered app.`
      : `The app's registration could not be read: ${error.message}`;
  }
}

/** A user's profile and the tracks they favorited, newest first; answers the favorited ids. */
async function showUser(handle) {
  $('status').textContent = `Looking up @${handle}…`;
  $('profile').hidden = true;
  try {
    const user = await sdk.users.byHandle(handle);
    const favorites = await sdk.users.favorites(user.id, { limit: 100 });
    const ids = favorites.filter((f) => f.favorite_type === 'track').map((f) => f.favorite_item_id);
    const tracks = ids.length > 0 ? await sdk.tracks.bulk({ ids }) : [];
    const byId = new Map(tracks.map((t) => [t.id, t]));

    $('profile-name').textContent = user.name;
    $('profile-handle').textContent = `@${user.handle}`;
    $('profile-counts').textContent =
      `${user.follower_count} followers · ${user.followee_count} following · ${user.track_count} tracks`;
    const picture = user.profile_picture?.['150x150'];
    $('profile-picture').hidden = !picture;
    if (picture) $('profile-picture').src = picture;
    const list = $('favorites');
    list.replaceChildren(
      ...ids
        .map((id) => byId.get(id))
        .filter((t) => t !== undefined)
        .map((t) => {
          const item = document.createElement('li');
          item.textContent = `${t.title} by ${t.user.name}`;
          return item;
        }),
    );
    $('no-favorites').hidden = list.children.length > 0;
    $('profile').hidden = false;
    $('status').textContent = '';
    return new Set(ids);
  } catch (error) {
    // A handle that cannot be one (a character handles never have) is refused as invalid input.
    const noOne =
      isColivingSdkError(error, 'not_found') || isColivingSdkError(error, 'invalid_input');
    $('status').textContent = noOne
      ? `No one has the handle @${handle}.`
      : `Coliving could not be reached: ${error.message}`;
    return new Set();
  }
}

/** Asks this app's server to favorite a track for the logged-in user. */
async function favorite(track) {
  $('favorite-status').textContent = `Favoriting “${track.title}”…`;
  const response = await fetch('/api/favorite', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${login.token.accessToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ trackId: track.id }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    $('favorite-status').textContent =
      `“${track.title}” was not favorited: ${answer.error ?? response.statusText}`;
    return;
  }
  $('favorite-status').textContent = `You favorited “${track.title}”.`;
  await showMine();
}

/** The newest tracks, each with a Favorite button (Favorited when it is already). */
async function showTracks(favorited) {
  let tracks;
  try {
    tracks = await sdk.tracks.latest({ limit: 5 });
  } catch (error) {
    $('favorite-status').textContent = `The new tracks could not be read: ${error.message}`;
    return;
  }
  $('tracks').replaceChildren(
    ...tracks.map((track) => {
      const item = document.createElement('li');
      const title = document.createElement('span');
      title.textContent = `${track.title} by ${track.user.name}`;
      const button = document.createElement('button');
      button.type = 'button';
      const done = favorited.has(track.id);
      button.textContent = done ? 'Favorited' : 'Favorite';
      button.disabled = done;
      button.setAttribute('aria-label', `${done ? 'Favorited' : 'Favorite'} ${track.title}`);
      button.addEventListener('click', () => {
        button.disabled = true;
        favorite(track).catch((error) => {
          $('favorite-status').textContent =
            `The app's server could not be reached: ${error.message}`;
          button.disabled = false;
        });
      });
      item.append(title, button);
      return item;
    }),
  );
  $('new-tracks').hidden = false;
}

/** The logged-in user's own profile, favorites and the tracks they may favorite. */
async function showMine() {
  const favorited = await showUser(login.profile.handle);
  await showTracks(favorited);
}

function showLogin() {
  $('logged-out').hidden = login !== null;
  $('logged-in').hidden = login === null;
  $('new-tracks').hidden = true;
  if (login) {
    $('me').textContent = `${login.profile.name} (@${login.profile.handle})`;
    void showMine();
  }
}

$('login').addEventListener('click', () => {
  $('login-status').textContent = '';
  const display = $('same-window').checked ? 'redirect' : 'popup';
  sdk.oauth.login({ scope: 'write', redirectUri: REDIRECT_URI, display }).then(
    (answer) => {
      if (!answer) return; // redirect: the consent page sends the user back here
      keep(answer);
      showLogin();
    },
    (error) => {
      $('login-status').textContent = loginWords(error);
    },
  );
});

$('logout').addEventListener('click', () => {
  login = null;
  sessionStorage.removeItem(LOGIN_KEY);
  $('profile').hidden = true;
  showLogin();
});

$('lookup').addEventListener('submit', (event) => {
  event.preventDefault();
  const handle = $('handle').value.trim().replace(/^@/, '');
  if (handle) void showUser(handle);
});

await showApp();
// Back from the consent page in this window: redeem the code (the SDK checks the state).
const back = new URLSearchParams(location.search);
if (back.has('state') && (back.has('code') || back.has('error'))) {
  const url = location.href;
  history.replaceState(null, '', '/');
  try {
    keep(await sdk.oauth.handleRedirect(url));
  } catch (error) {
    $('login-status').textContent = loginWords(error);
  }
}
showLogin();
