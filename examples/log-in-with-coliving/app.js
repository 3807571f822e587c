// The example app's page: @coliving/sdk, bundled by the dev server (server.mjs) as any app's
// bundler would, reads the app's own registration by its API key, then a user's profile and
// favorites from the discovery nodes the server names in /config.json.
/* global document, fetch */
import { createColivingSdk, isColivingSdkError } from '@coliving/sdk';

const $ = (id) => document.getElementById(id);

/** @type {{ discoveryNodes: string[], apiKey: string | null }} */
const config = await (await fetch('/config.json')).json();
const sdk = createColivingSdk({ discoveryNodes: config.discoveryNodes });

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
  } catch (error) {
    $('app').textContent = isColivingSdkError(error, 'not_found')
      ? `The API key ${config.apiKey} is not a registered app.`
      : `The app's registration could not be read: ${error.message}`;
  }
}

/** A user's profile and the tracks they favorited, newest first. */
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
  } catch (error) {
    // A handle that cannot be one (a character handles never have) is refused as invalid input.
    const noOne =
      isColivingSdkError(error, 'not_found') || isColivingSdkError(error, 'invalid_input');
    $('status').textContent = noOne
      ? `No one has the handle @${handle}.`
      : `Coliving could not be reached: ${error.message}`;
  }
}

$('lookup').addEventListener('submit', (event) => {
  event.preventDefault();
  const handle = $('handle').value.trim().replace(/^@/, '');
  if (handle) void showUser(handle);
});
await showApp();
