// The demo catalog's albums and playlists: half the landlords make an album of all their tracks
// (one of them for sale), and a few residents make playlists of popular picks.
import { DEMO_PLAYLISTS, DEMO_PRICES, type DemoLandlordProfile } from './demoCatalogContent.js';
import { type DemoMember, type DemoSeeding, type PlannedTrack, userIdOf } from './demoSeeding.js';
import type { DemoListRef } from './demoSocial.js';
import { type planDemoAccess, type planDemoSocial, weightedSample } from './planDemoSocial.js';
import { retrying } from './retrying.js';
import { dgcoWei } from './trackMetadata.js';

export type CreateDemoPlaylistsParameters = {
  scale: { landlords: number; residents: number };
  landlordProfiles: readonly DemoLandlordProfile[];
  /** Landlords, then residents. */
  members: readonly DemoMember[];
  planned: readonly PlannedTrack[];
  /** Every planned track's id (all uploaded). */
  trackIds: readonly string[];
  social: ReturnType<typeof planDemoSocial>;
  access: ReturnType<typeof planDemoAccess>;
  /** Picks the playlists' tracks (and goes on to pick who saves them). */
  random: () => number;
};

export type CreateDemoPlaylistsReturnType = {
  /** Albums, then playlists. */
  lists: DemoListRef[];
  albumCount: number;
  playlistCount: number;
};

/**
 * Makes the albums and playlists (an earlier seeding's of the same name are kept) and prices the
 * album for sale once its tracks are in it: buying it unlocks each of them.
 */
export async function createDemoPlaylists(
  s: DemoSeeding,
  p: CreateDemoPlaylistsParameters,
): Promise<CreateDemoPlaylistsReturnType> {
  const { step, image, write, writeLimit, retry, signal } = s;
  const { scale, landlordProfiles, members, planned, trackIds, social, access, random } = p;
  const albumCount = Math.ceil(scale.landlords / 2);
  const playlistCount = Math.min(
    DEMO_PLAYLISTS.length,
    Math.max(1, Math.ceil(scale.residents / 3)),
  );
  const lists = [
    ...Array.from({ length: albumCount }, (_, l) => ({
      owner: members[l]!,
      isAlbum: true,
      forSale: l === access.albumForSale,
      ...landlordProfiles[l]!.album,
      tracks: planned.flatMap((t, k) => (t.landlord === l ? [k] : [])),
    })),
    ...Array.from({ length: playlistCount }, (_, r) => ({
      owner: members[scale.landlords + r]!,
      isAlbum: false,
      forSale: false,
      ...DEMO_PLAYLISTS[r]!,
      tracks: weightedSample(
        random,
        planned.map((_, k) => k),
        (k) => Math.sqrt(social.weight.get(k)!),
        Math.min(planned.length, 4 + Math.floor(random() * 3)),
      ),
    })),
  ];
  const playlistIds = await Promise.all(
    lists.map((list) =>
      step(`as @${list.owner.profile.handle} creating "${list.name}"`, async () => {
        const artwork = await image('artwork', `playlist:${list.name}`);
        const owner = list.owner;
        const { playlistId } = await writeLimit(() =>
          retrying(
            `creating "${list.name}"`,
            () =>
              owner.sdk.playlists.create({
                userId: userIdOf(owner),
                name: list.name,
                description: list.description,
                isAlbum: list.isAlbum,
                trackIds: list.tracks.map((k) => trackIds[k]!),
                artwork,
                signal,
              }),
            {
              ...retry,
              recoverFirst: owner.existed === true,
              recover: async () => {
                const theirs = await (list.isAlbum
                  ? owner.sdk.users.albums(userIdOf(owner), { signal })
                  : owner.sdk.users.playlists(userIdOf(owner), { signal }));
                const playlist = theirs.find((x) => x.playlist_name === list.name);
                return playlist && { playlistId: playlist.id, playlist };
              },
            },
          ),
        );
        // Priced by an earlier seeding already: left as it is (an update that changes nothing
        // would wait for a change that never comes).
        const priced =
          list.forSale &&
          (await owner.sdk.playlists.get(playlistId, { signal })).stream_conditions != null;
        if (list.forSale && !priced) {
          await write(`as @${owner.profile.handle} pricing "${list.name}"`, () =>
            owner.sdk.playlists.update(
              userIdOf(owner),
              playlistId,
              { streamConditions: { purchase: { price: dgcoWei(DEMO_PRICES.album) } } },
              { signal },
            ),
          );
        }
        return playlistId;
      }),
    ),
  );
  return {
    lists: lists.map((list, i) => ({ id: playlistIds[i]!, owner: list.owner, name: list.name })),
    albumCount,
    playlistCount,
  };
}
