// Developer apps and grants (docs/cli.md): `app create | list | delete` for the apps you own,
// `grants list | revoke` for the apps and managers you authorized to act for you.
import type { Command } from '../command.js';
import { output, requireSession, sdkFor } from '../context.js';
import { UsageError } from '../errors.js';

/** `--redirect-uri` given once or more, as a list. */
function redirectUris(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = (Array.isArray(value) ? value : [value]).filter(
    (v): v is string => typeof v === 'string',
  );
  return list;
}

export const appCommands: Command[] = [
  {
    words: ['app', 'create'],
    usage:
      'app create --name <n> [--description <d>] [--image-url <url>] [--redirect-uri <uri>]...',
    summary: 'Register a developer app: prints its API key and its secret (shown once)',
    options: {
      name: { type: 'string' },
      description: { type: 'string' },
      'image-url': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
    },
    async run({ values, json, discovery }, io) {
      if (typeof values.name !== 'string' || values.name.trim() === '')
        throw new UsageError('missing --name');
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const uris = redirectUris(values['redirect-uri']);
      const { apiKey, apiSecret, app } = await sdk.developerApps.create({
        userId: session.userId!,
        name: values.name,
        ...(typeof values.description === 'string' ? { description: values.description } : {}),
        ...(typeof values['image-url'] === 'string' ? { imageUrl: values['image-url'] } : {}),
        ...(uris ? { redirectUris: uris } : {}),
      });
      output(io, json, { apiKey, apiSecret, name: app.name, redirectUris: app.redirect_uris }, () =>
        [
          `Created app "${app.name}"`,
          `API key     ${apiKey}`,
          `API secret  ${apiSecret}`,
          'The secret is shown this once and kept nowhere: store it now. Whoever holds it acts',
          'as the app for every user who granted it.',
        ].join('\n'),
      );
    },
  },
  {
    words: ['app', 'list'],
    usage: 'app list',
    summary: 'List your developer apps',
    async run({ json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const apps = await sdk.developerApps.listByUser(session.userId!);
      output(
        io,
        json,
        apps.map((a) => ({
          apiKey: a.address,
          name: a.name,
          description: a.description,
          redirectUris: a.redirect_uris,
        })),
        () =>
          apps.length === 0
            ? 'You have no developer apps (coliving app create --name <n>)'
            : apps
                .map((a) => `${a.address}  ${a.name}${a.description ? ` (${a.description})` : ''}`)
                .join('\n'),
      );
    },
  },
  {
    words: ['app', 'delete'],
    usage: 'app delete <api-key>',
    summary: 'Delete one of your developer apps (its key is never registered again)',
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const app = await sdk.developerApps.get(positionals[0]!);
      if (app.user_id !== session.userId) {
        throw new UsageError(`The app ${app.address} is not yours`);
      }
      await sdk.developerApps.delete({ userId: session.userId, apiKey: app.address });
      output(io, json, { deleted: app.address, name: app.name }, () => `Deleted app "${app.name}"`);
    },
  },
  {
    words: ['grants', 'list'],
    usage: 'grants list',
    summary: 'List the apps and managers you authorized to act for you',
    async run({ json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const [apps, managers] = await Promise.all([
        sdk.grants.authorizedApps(session.userId!),
        sdk.grants.managers(session.userId!),
      ]);
      const rows = [
        ...apps.map((a) => ({
          kind: 'app' as const,
          grantee: a.address,
          name: a.name,
          status: 'active',
          since: a.grant_created_at,
        })),
        ...managers.map((m) => ({
          kind: 'manager' as const,
          grantee: m.grant.grantee_address,
          name: `@${m.manager.handle}`,
          status:
            m.grant.is_approved === null ? 'pending' : m.grant.is_approved ? 'active' : 'rejected',
          since: m.grant.created_at,
        })),
      ];
      output(io, json, rows, () =>
        rows.length === 0
          ? 'You have authorized no apps or managers'
          : rows.map((r) => `${r.kind.padEnd(8)} ${r.grantee}  ${r.name}  ${r.status}`).join('\n'),
      );
    },
  },
  {
    words: ['grants', 'revoke'],
    usage: 'grants revoke <api-key-or-wallet>',
    summary: 'Revoke an app or manager: its next action for you is refused',
    positionals: 1,
    async run({ positionals, json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const grantee = positionals[0]!;
      if (!/^(0x)?[0-9a-fA-F]{40}$/.test(grantee)) {
        throw new UsageError(`"${grantee}" is not an API key or a wallet address`);
      }
      await sdk.grants.revoke({ userId: session.userId!, grantee });
      output(
        io,
        json,
        { revoked: grantee.toLowerCase() },
        () => `Revoked ${grantee.toLowerCase()}`,
      );
    },
  },
];
