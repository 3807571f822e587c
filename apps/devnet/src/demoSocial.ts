// The demo catalog's social activity, as its members would do it through the SDK: follows,
// reposts and saves of tracks (each in its era), listens (whole streams, counted as plays), and
// residents' saves and reposts of the albums and playlists. Follows, reposts and saves may simply
// be sent again: a repeat changes nothing.
import { isColivingSdkError } from '@coliving/sdk';
import { LISTEN_CONCURRENCY } from './constants.js';
import type { DemoEras } from './demoEras.js';
import { type DemoMember, type DemoSeeding, type PlannedTrack, userIdOf } from './demoSeeding.js';
import { limiter } from './limiter.js';
import type { planDemoAccess, planDemoHistory, planDemoSocial } from './planDemoSocial.js';
import { retrying } from './retrying.js';

export type DemoSocialParameters = {
  /** Landlords, then residents, as `social` numbers them. */
  members: readonly DemoMember[];
  planned: readonly PlannedTrack[];
  social: ReturnType<typeof planDemoSocial>;
  eras: DemoEras;
  history: ReturnType<typeof planDemoHistory>;
  /** Resolves once track `k` is uploaded; its id is then `trackIds[k]`. */
  tracksDone: readonly Promise<void>[];
  trackIds: readonly string[];
};

/** Every planned follow, in the first era. */
export function followDemoMembers(s: DemoSeeding, p: DemoSocialParameters): Promise<void> {
  const { members, social, eras } = p;
  const { write, later, say, signal } = s;
  return eras.inEra(
    0,
    later(
      eras.open[0]!.then(() =>
        Promise.all(
          social.follows.map(([from, to]) => {
            const [a, b] = [members[from]!, members[to]!];
            return write(`as @${a.profile.handle} following @${b.profile.handle}`, () =>
              a.sdk.users.follow(userIdOf(a), userIdOf(b), { signal }),
            );
          }),
        ).then(() => say(`${social.follows.length} follows`)),
      ),
    ),
  );
}

/** Every planned repost and save of a track, each once the track exists and its era is open. */
export function repostAndSaveDemoTracks(s: DemoSeeding, p: DemoSocialParameters): Promise<void> {
  const { members, planned, social, eras, history, tracksDone, trackIds } = p;
  const { write, later, say, signal } = s;
  return later(
    Promise.all([
      ...social.reposts.map(([who, t], i) =>
        eras.inEra(
          history.repostEra[i]!,
          later(
            Promise.all([tracksDone[t]!, eras.open[history.repostEra[i]!]]).then(() =>
              write(`as @${members[who]!.profile.handle} reposting "${planned[t]!.title}"`, () =>
                members[who]!.sdk.tracks.repost(userIdOf(members[who]!), trackIds[t]!, { signal }),
              ),
            ),
          ),
        ),
      ),
      ...social.saves.map(([who, t], i) =>
        eras.inEra(
          history.saveEra[i]!,
          later(
            Promise.all([tracksDone[t]!, eras.open[history.saveEra[i]!]]).then(() =>
              write(`as @${members[who]!.profile.handle} saving "${planned[t]!.title}"`, () =>
                members[who]!.sdk.tracks.save(userIdOf(members[who]!), trackIds[t]!, { signal }),
              ),
            ),
          ),
        ),
      ),
    ]).then(() =>
      say(`${social.reposts.length} reposts and ${social.saves.length} saves of tracks`),
    ),
  );
}

/**
 * Residents listen as a player does: the discovery node's stream URL with their listener proof,
 * the whole file from byte 0, so each listen goes the real way (the content node's journal, the
 * data chain's PlayLog, every discovery node's play count). A track's listens start once it is
 * uploaded, in the present's era. A resident seeded before listens only if the chain has none of
 * their listens (an earlier seeding stopped before they listened).
 * Gated tracks are heard by those they unlock for: a follow gate by the landlord's followers;
 * the tip and purchase gates by no one yet (a resident has not paid).
 */
export function listenToDemoTracks(
  s: DemoSeeding,
  p: DemoSocialParameters & { access: ReturnType<typeof planDemoAccess> },
): Promise<void> {
  const { members, planned, social, eras, tracksDone, trackIds, access } = p;
  const { step, later, say, retry, signal } = s;
  const listenLimit = limiter(LISTEN_CONCURRENCY);
  const listen = (m: DemoMember, k: number) =>
    step(`as @${m.profile.handle} listening to "${planned[k]!.title}"`, () =>
      listenLimit(() =>
        retrying(
          `listening to "${planned[k]!.title}"`,
          async () => {
            const url = await m.sdk.tracks.streamUrl(trackIds[k]!, {
              userId: userIdOf(m),
              signal,
            });
            const res = await fetch(url, { signal });
            if (!res.ok) throw new Error(`${url} answered ${res.status}`);
            await res.arrayBuffer();
          },
          // The track's upload was confirmed by one discovery node; the one this resident asks
          // for its stream may not have indexed it yet, and says not found until it has.
          { ...retry, alsoRetry: (error) => isColivingSdkError(error, 'not_found') },
        ),
      ),
    );
  const mayListen = (who: number, k: number) => {
    const gate = access.trackGates[k];
    if (!gate) return true;
    const owner = planned[k]!.landlord;
    return gate.kind === 'follow' && social.follows.some(([a, b]) => a === who && b === owner);
  };
  // A resident seeded before listens again only when the chain has none of their listens (the
  // seeding that made them stopped before they listened).
  const listenedBefore = new Map<number, Promise<boolean>>();
  const hasListened = (who: number): Promise<boolean> => {
    const m = members[who]!;
    if (m.existed !== true) return Promise.resolve(false);
    let known = listenedBefore.get(who);
    if (!known) {
      known = m.sdk.users
        .history(userIdOf(m), { limit: 1, signal })
        .then((played) => played.length > 0);
      listenedBefore.set(who, known);
    }
    return known;
  };
  let listenCount = 0;
  return later(
    Promise.all(
      social.listens
        .filter(([who, k]) => mayListen(who, k))
        .map(([who, t, count]) =>
          Promise.all([tracksDone[t]!, eras.open[eras.last]]).then(async () => {
            if (await hasListened(who)) return;
            for (let i = 0; i < count; i++) await listen(members[who]!, t);
            listenCount += count;
          }),
        ),
    ).then(() => say(`${listenCount} listens by residents`)),
  );
}

/** An album or playlist as residents see it: whose it is and its name. */
export type DemoListRef = { id: string; owner: DemoMember; name: string };

/**
 * Residents save (half the time) and repost (a fifth of the time) albums and playlists that are
 * not theirs; `random` decides, list by list and resident by resident.
 */
export function saveAndRepostDemoLists(
  s: DemoSeeding,
  lists: readonly DemoListRef[],
  residents: readonly DemoMember[],
  random: () => number,
): Promise<unknown>[] {
  const { write, signal } = s;
  const listActions: Promise<unknown>[] = [];
  for (const list of lists) {
    for (const m of residents) {
      if (m === list.owner) continue;
      const x = random();
      const id = list.id;
      if (x < 0.5) {
        listActions.push(
          write(`as @${m.profile.handle} saving "${list.name}"`, () =>
            m.sdk.playlists.save(userIdOf(m), id, { signal }),
          ),
        );
      }
      if (x < 0.2) {
        listActions.push(
          write(`as @${m.profile.handle} reposting "${list.name}"`, () =>
            m.sdk.playlists.repost(userIdOf(m), id, { signal }),
          ),
        );
      }
    }
  }
  return listActions;
}
