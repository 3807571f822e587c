// The demo catalog's accounts: each member signs up with an email and a password (or logs in,
// when an earlier seeding signed them up), then makes a profile with a picture and a cover photo.
import { isColivingSdkError } from '@coliving/sdk';
import { ACCOUNT_CONCURRENCY } from './constants.js';
import { DEMO_PASSWORD, type DemoMember, type DemoSeeding } from './demoSeeding.js';
import { limiter } from './limiter.js';
import { retrying } from './retrying.js';

/**
 * Starts every member's account, in order (landlords, who upload, first in line); each promise
 * resolves once that member has a wallet and a user id (set on the member).
 */
export function signUpDemoMembers(s: DemoSeeding, members: readonly DemoMember[]): Promise<void>[] {
  const { step, later, image, retry, say, signal } = s;
  // Sign-ups run one at a time: scrypt keeps this thread busy, so running several only makes
  // each finish later.
  const signUpLimit = limiter(1);
  const accountLimit = limiter(ACCOUNT_CONCURRENCY);
  let created = 0;
  const createMember = (m: DemoMember) =>
    step(`creating @${m.profile.handle}`, async () => {
      const pictures = later(
        Promise.all([image('avatar', m.profile.handle), image('cover', m.profile.handle)]),
      );
      const credentials = { email: m.email, password: DEMO_PASSWORD, signal };
      // A stored login record opens with the same email and password: after a failed attempt,
      // or from an earlier seeding (signing up again is then a conflict).
      const logIn = () =>
        m.sdk.auth.logIn(credentials).then(
          ({ wallet }) => ({ wallet, loggedIn: true }),
          (error: unknown) => {
            if (isColivingSdkError(error, 'wrong_credentials')) return undefined;
            throw error;
          },
        );
      const { wallet, loggedIn } = await signUpLimit(() =>
        retrying(
          `signing up @${m.profile.handle}`,
          () =>
            m.sdk.auth.signUp(credentials).then(
              ({ wallet }) => ({ wallet, loggedIn: false }),
              async (error: unknown) => {
                if (!isColivingSdkError(error, 'conflict')) throw error;
                const found = await logIn();
                if (!found) throw error;
                return found;
              },
            ),
          { ...retry, recover: logIn },
        ),
      );
      m.wallet = wallet;
      const [profilePicture, coverPhoto] = await pictures;
      const { userId, existed } = await accountLimit(() =>
        retrying(
          `creating @${m.profile.handle}`,
          () =>
            m.sdk.users
              .create({
                handle: m.profile.handle,
                name: m.profile.name,
                bio: m.profile.bio,
                location: m.profile.location,
                profilePicture,
                coverPhoto,
                signal,
              })
              .then(({ userId }) => ({ userId, existed: false })),
          {
            ...retry,
            recoverFirst: loggedIn,
            recover: () =>
              m.sdk.users.byWallet(wallet, { signal }).then(
                (user) => ({ userId: user.id, existed: loggedIn }),
                (error: unknown) => {
                  if (isColivingSdkError(error, 'not_found')) return undefined;
                  throw error;
                },
              ),
          },
        ),
      );
      m.existed = existed;
      m.userId = userId;
      const how = existed ? 'found (seeded before)' : 'created';
      say(`${how} ${m.role} @${m.profile.handle} (${++created}/${members.length})`);
    });
  return members.map((m) => later(createMember(m)));
}
