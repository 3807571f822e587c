// `coliving account create | login | logout | whoami`: a Hedgehog login (the password never
// leaves this machine), the profile made on chain, and the key kept in a 0600 file.
import type { User } from '@coliving/sdk';
import type { Command } from '../command.js';
import {
  discoveryEndpoints,
  loadSession,
  output,
  removeSession,
  saveSession,
  sdkFor,
} from '../context.js';
import { UsageError } from '../errors.js';

/** The named options, each a non-empty string, or a UsageError listing the missing ones. */
function required<K extends string>(
  values: Record<string, unknown>,
  ...names: K[]
): Record<K, string> {
  const missing = names.filter((n) => typeof values[n] !== 'string' || values[n] === '');
  if (missing.length > 0)
    throw new UsageError(`missing ${missing.map((n) => `--${n}`).join(', ')}`);
  return Object.fromEntries(names.map((n) => [n, values[n]])) as Record<K, string>;
}

export const accountCommands: Command[] = [
  {
    words: ['account', 'create'],
    usage: 'account create --email <e> --password <p> --handle <h> --name <n> [--bio <b>]',
    summary: 'Sign up and create your profile',
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      handle: { type: 'string' },
      name: { type: 'string' },
      bio: { type: 'string' },
    },
    async run({ values, json, discovery }, io) {
      const { email, password, handle, name } = required(
        values,
        'email',
        'password',
        'handle',
        'name',
      );
      const sdk = await sdkFor(io, { discovery });
      const { wallet, account, privateKey } = await sdk.auth.signUp({ email, password });
      sdk.setAccount(account);
      const { userId, user } = await sdk.users.create({
        handle,
        name,
        ...(typeof values.bio === 'string' ? { bio: values.bio } : {}),
      });
      const path = await saveSession(io, {
        email,
        wallet,
        privateKey,
        userId,
        handle: user.handle,
        discovery: await discoveryEndpoints(io, discovery),
      });
      output(io, json, { userId, handle: user.handle, wallet, session: path }, () =>
        [`Created @${user.handle} (${userId})`, `wallet ${wallet}`, `logged in (${path})`].join(
          '\n',
        ),
      );
    },
  },
  {
    words: ['account', 'login'],
    usage: 'account login --email <e> --password <p>',
    summary: 'Log in with your email and password',
    options: { email: { type: 'string' }, password: { type: 'string' } },
    async run({ values, json, discovery }, io) {
      const { email, password } = required(values, 'email', 'password');
      const sdk = await sdkFor(io, { discovery });
      const { wallet, privateKey } = await sdk.auth.logIn({ email, password });
      const user = await sdk.users.byWallet(wallet).catch((error: unknown) => {
        if ((error as { type?: string }).type === 'not_found') return undefined;
        throw error;
      });
      const path = await saveSession(io, {
        email,
        wallet,
        privateKey,
        ...(user ? { userId: user.id, handle: user.handle } : {}),
        discovery: await discoveryEndpoints(io, discovery),
      });
      output(
        io,
        json,
        { wallet, userId: user?.id ?? null, handle: user?.handle ?? null, session: path },
        () =>
          user
            ? `Logged in as @${user.handle} (${user.id}), wallet ${wallet}`
            : `Logged in, wallet ${wallet} (no profile yet)`,
      );
    },
  },
  {
    words: ['account', 'logout'],
    usage: 'account logout',
    summary: 'Forget the saved key on this machine',
    async run({ json }, io) {
      const had = await removeSession(io);
      output(io, json, { loggedOut: had }, () => (had ? 'Logged out' : 'Was not logged in'));
    },
  },
  {
    words: ['account', 'whoami'],
    usage: 'account whoami',
    summary: 'Who you are logged in as',
    async run({ json, discovery }, io) {
      const session = await loadSession(io);
      if (!session) throw new UsageError('Not logged in');
      let user: User | undefined;
      if (session.userId) {
        const sdk = await sdkFor(io, { discovery });
        user = await sdk.users.get(session.userId);
      }
      output(
        io,
        json,
        {
          email: session.email,
          wallet: session.wallet,
          userId: session.userId ?? null,
          handle: user?.handle ?? session.handle ?? null,
          followerCount: user?.follower_count ?? null,
          trackCount: user?.track_count ?? null,
        },
        () =>
          user
            ? `@${user.handle} (${user.id}) — ${user.name}; ${user.track_count} tracks, ${user.follower_count} followers\nwallet ${session.wallet}, ${session.email}`
            : `wallet ${session.wallet}, ${session.email} (no profile yet)`,
      );
    },
  },
];
