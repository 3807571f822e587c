// Money (docs/design.md §9) on the command line: `wallet` (address and $DGCO balance), `tip`,
// `buy`, and a landlord's `sales` and a resident's `purchases`. Amounts are typed and printed in
// DGCO; --json carries each amount as {dgco, wei}, the wei exact. A payment is signed with the
// logged-in key and relayed by a discovery node, which pays the gas: the wallet needs DGCO only.
// What the command can see is wrong before signing (a short balance, a track already owned or not
// for sale, one's own track) is refused here with the code the relay would answer.
import {
  MIN_TIP_WEI,
  type PurchaseSplit,
  decodeHashId,
  encodeHashId,
  purchaseShares,
  splitAmount,
} from '@coliving/protocol';
import type { ColivingSdk, PaymentStatus, Playlist, Purchase, Track } from '@coliving/sdk';
import { describeAccess } from '../access.js';
import type { Command } from '../command.js';
import { type CliIo, type Session, output, requireSession, sdkFor } from '../context.js';
import { dgcoJson, formatDgco, parseDgco } from '../dgco.js';
import { CommandFailure, UsageError } from '../errors.js';
import { findContent, findUser } from '../targets.js';

/** What each payment step is called on stderr while the command waits. */
const STATUS_TEXT: Record<PaymentStatus, string> = {
  signing: 'signing the payment...',
  relaying: 'a discovery node is relaying it (it pays the gas)...',
  indexing: 'mined; waiting for the discovery node to record it...',
};

function onStatus(io: CliIo): (status: PaymentStatus) => void {
  return (status) => io.stderr(`${STATUS_TEXT[status]}\n`);
}

async function balanceOf(sdk: ColivingSdk, session: Session): Promise<bigint> {
  return BigInt((await sdk.wallet.balance({ wallet: session.wallet })).balance);
}

/** Refuses a payment of `amount` when the wallet holds less (`what` is what it pays for). */
async function requireBalance(
  sdk: ColivingSdk,
  session: Session,
  amount: bigint,
  what: string,
): Promise<bigint> {
  const balance = await balanceOf(sdk, session);
  if (balance < amount)
    throw new CommandFailure(
      'insufficient_balance',
      `Insufficient balance: ${what} needs ${formatDgco(amount)} DGCO and your wallet holds ${formatDgco(balance)} DGCO`,
    );
  return balance;
}

/** A purchase gate's price and splits, when the conditions are one. */
function purchaseGate(
  conditions: unknown,
): { price: string; splits?: { user_id: number | string; percentage: number }[] } | undefined {
  if (typeof conditions !== 'object' || conditions === null) return undefined;
  return (conditions as { dgco_purchase?: { price: string; splits?: [] } }).dgco_purchase;
}

/** A numeric user id as the conditions carry it (a number, or a hashid from some nodes). */
function numericId(id: number | string): number {
  return typeof id === 'number' ? id : /^\d+$/.test(id) ? Number(id) : decodeHashId(id);
}

/** Handles of users by hashid, each read once. */
function handleCache(sdk: ColivingSdk): (userId: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (userId) => {
    let handle = cache.get(userId);
    if (!handle) {
      handle = sdk.users.get(userId).then(
        (u) => `@${u.handle}`,
        () => `user ${userId}`,
      );
      cache.set(userId, handle);
    }
    return handle;
  };
}

/** Titles of purchased content by `track:<id>` / `playlist:<id>`, each read once. */
function titleCache(sdk: ColivingSdk): (type: string, id: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (type, id) => {
    const key = `${type}:${id}`;
    let title = cache.get(key);
    if (!title) {
      title = (
        type === 'playlist'
          ? sdk.playlists.get(id).then((p: Playlist) => p.playlist_name)
          : sdk.tracks.get(id).then((t: Track) => (t.is_delete ? '(deleted)' : t.title))
      ).catch(() => '(deleted)');
      cache.set(key, title);
    }
    return title;
  };
}

function limitOf(values: Record<string, unknown>): number {
  if (values.limit === undefined) return 100;
  const n = Number(values.limit);
  if (!Number.isInteger(n) || n < 1 || n > 100)
    throw new UsageError('--limit must be a whole number from 1 to 100');
  return n;
}

/** A purchase or sale row with its title and the other party's handle, for output. */
export type PurchaseLine = {
  contentType: 'track' | 'playlist';
  contentId: string;
  title: string;
  buyer: { userId: string; handle: string };
  seller: { userId: string; handle: string };
  amount: { dgco: string; wei: string };
  txHash: string;
  block: number;
  createdAt: string;
};

async function purchaseLines(sdk: ColivingSdk, rows: Purchase[]): Promise<PurchaseLine[]> {
  const handle = handleCache(sdk);
  const title = titleCache(sdk);
  return Promise.all(
    rows.map(async (row) => ({
      contentType: row.content_type,
      contentId: row.content_id,
      title: await title(row.content_type, row.content_id),
      buyer: { userId: row.buyer_user_id, handle: await handle(row.buyer_user_id) },
      seller: { userId: row.seller_user_id, handle: await handle(row.seller_user_id) },
      amount: dgcoJson(row.amount),
      txHash: row.signature,
      block: row.slot,
      createdAt: row.created_at,
    })),
  );
}

const kindWord = (type: string) => (type === 'playlist' ? 'playlist' : 'track');

export type SalesReport = {
  userId: string;
  total: { dgco: string; wei: string };
  count: number;
  byContent: {
    contentType: 'track' | 'playlist';
    contentId: string;
    title: string;
    purchaseCount: number;
    amount: { dgco: string; wei: string };
  }[];
  sales: PurchaseLine[];
};

export const moneyCommands: Command[] = [
  {
    words: ['wallet'],
    usage: 'wallet',
    summary: 'Your wallet address and its $DGCO balance',
    positionals: 0,
    async run({ json, discovery }, io) {
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const { wallet, balance } = await sdk.wallet.balance({ wallet: session.wallet });
      output(
        io,
        json,
        {
          userId: session.userId,
          handle: session.handle ?? null,
          wallet,
          balance: dgcoJson(balance),
        },
        () =>
          [
            `${session.handle ? `@${session.handle} ` : ''}wallet ${wallet}`,
            `balance ${formatDgco(balance)} DGCO`,
          ].join('\n'),
      );
    },
  },
  {
    words: ['tip'],
    usage: 'tip <user> <amount DGCO>',
    summary: `Tip a user in $DGCO (at least ${formatDgco(MIN_TIP_WEI)}); a discovery node pays the gas`,
    positionals: 2,
    async run({ positionals, json, discovery }, io) {
      const amount = parseDgco(positionals[1]!, 'the amount');
      if (amount < MIN_TIP_WEI)
        throw new UsageError(
          `A tip is at least ${formatDgco(MIN_TIP_WEI)} DGCO (got ${formatDgco(amount)})`,
        );
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const target = await findUser(sdk, positionals[0]!);
      if (target.id === session.userId) throw new UsageError('You cannot tip yourself');
      await requireBalance(sdk, session, amount, `a tip of ${formatDgco(amount)} DGCO`);
      const { txHash, blockNumber } = await sdk.tips.send({
        userId: session.userId!,
        toUserId: target.id,
        amount,
        onStatus: json ? undefined : onStatus(io),
      });
      const balance = await balanceOf(sdk, session);
      output(
        io,
        json,
        {
          action: 'tip',
          toUserId: target.id,
          handle: target.handle,
          amount: dgcoJson(amount),
          txHash,
          blockNumber,
          balance: dgcoJson(balance),
        },
        () =>
          [
            `Tipped @${target.handle} ${formatDgco(amount)} DGCO`,
            `tx ${txHash} (eth block ${blockNumber})`,
            `balance now ${formatDgco(balance)} DGCO`,
          ].join('\n'),
      );
    },
  },
  {
    words: ['buy'],
    usage: 'buy <track|playlist> [--track | --playlist]',
    summary:
      'Buy a track, or an album (which unlocks its tracks), at its price; a discovery node pays the gas',
    positionals: 1,
    options: { track: { type: 'boolean' }, playlist: { type: 'boolean' } },
    async run({ positionals, values, json, discovery }, io) {
      if (values.track === true && values.playlist === true)
        throw new UsageError('--track and --playlist contradict each other');
      const kind =
        values.track === true ? 'track' : values.playlist === true ? 'playlist' : undefined;
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const content = await findContent(sdk, positionals[0]!, kind, session.userId);
      const item = content.kind === 'track' ? content.track : content.playlist;
      const title = content.kind === 'track' ? content.track.title : content.playlist.playlist_name;
      const what =
        content.kind === 'track' ? 'track' : content.playlist.is_album ? 'album' : 'playlist';
      const gate = purchaseGate(item.stream_conditions);
      if (!gate)
        throw new CommandFailure(
          'not_for_sale',
          `"${title}" is not for sale (${describeAccess(item.stream_conditions)})`,
        );
      if (item.user.id === session.userId)
        throw new CommandFailure(
          'own_content',
          `"${title}" is your own ${what}: you cannot buy it`,
        );
      const access =
        content.kind === 'track'
          ? await sdk.tracks.accessInfo(item.id, { userId: session.userId! })
          : await sdk.playlists.accessInfo(item.id, { userId: session.userId! });
      if (access.access.stream)
        throw new CommandFailure(
          'already_owned',
          `You already own "${title}"${content.kind === 'track' ? ' (bought, or in an album you bought)' : ''}`,
        );
      const price = BigInt(gate.price);
      await requireBalance(sdk, session, price, `"${title}"`);

      const handle = handleCache(sdk);
      const shares = purchaseShares(
        gate.splits?.map((s): PurchaseSplit => ({
          user_id: numericId(s.user_id),
          percentage: s.percentage,
        })),
        numericId(item.user.id),
      );
      const amounts = splitAmount(
        price,
        shares.map((s) => s.basisPoints),
      );
      const { txHash, blockNumber } = await sdk.purchases.buy({
        userId: session.userId!,
        ...(content.kind === 'track' ? { trackId: item.id } : { playlistId: item.id }),
        onStatus: json ? undefined : onStatus(io),
      });
      const paid = await Promise.all(
        shares.map(async (s, i) => {
          const userId = encodeHashId(s.userId);
          return { userId, handle: await handle(userId), amount: dgcoJson(amounts[i]!) };
        }),
      );
      const balance = await balanceOf(sdk, session);
      const unlocks =
        content.kind === 'playlist' && content.playlist.is_album
          ? ` (unlocks its ${content.playlist.track_count} tracks)`
          : '';
      output(
        io,
        json,
        {
          action: 'buy',
          contentType: content.kind,
          contentId: item.id,
          title,
          price: dgcoJson(price),
          shares: paid,
          txHash,
          blockNumber,
          balance: dgcoJson(balance),
        },
        () =>
          [
            `Bought "${title}"${unlocks} for ${formatDgco(price)} DGCO`,
            `paid ${paid.map((p) => `${p.handle} ${p.amount.dgco}`).join(', ')} DGCO`,
            `tx ${txHash} (eth block ${blockNumber})`,
            `balance now ${formatDgco(balance)} DGCO`,
          ].join('\n'),
      );
    },
  },
  {
    words: ['sales'],
    usage: 'sales [--limit <n>]',
    summary: 'What residents bought from you: totals per track and album, then each sale',
    positionals: 0,
    options: { limit: { type: 'string' } },
    async run({ values, json, discovery }, io) {
      const limit = limitOf(values);
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const userId = session.userId!;
      const [rows, aggregate] = await Promise.all([
        sdk.users.sales(userId, { limit }),
        sdk.users.salesAggregate(userId),
      ]);
      const title = titleCache(sdk);
      const report: SalesReport = {
        userId,
        total: dgcoJson(aggregate.reduce((sum, a) => sum + BigInt(a.amount), 0n)),
        count: aggregate.reduce((sum, a) => sum + a.purchase_count, 0),
        byContent: await Promise.all(
          aggregate.map(async (a) => ({
            contentType: a.content_type,
            contentId: a.content_id,
            title: await title(a.content_type, a.content_id),
            purchaseCount: a.purchase_count,
            amount: dgcoJson(a.amount),
          })),
        ),
        sales: await purchaseLines(sdk, rows),
      };
      output(io, json, report, () => {
        if (report.count === 0) return '(no sales yet)';
        return [
          `${report.count} sale${report.count === 1 ? '' : 's'}, ${report.total.dgco} DGCO in all (what buyers paid, splits included)`,
          ...report.byContent.map(
            (c) =>
              `  ${c.contentId}  "${c.title}" (${kindWord(c.contentType)})  ${c.purchaseCount} sold, ${c.amount.dgco} DGCO`,
          ),
          '',
          ...report.sales.map(
            (s) =>
              `${s.createdAt}  "${s.title}" to ${s.buyer.handle} for ${s.amount.dgco} DGCO  tx ${s.txHash}`,
          ),
        ].join('\n');
      });
    },
  },
  {
    words: ['purchases'],
    usage: 'purchases [--limit <n>]',
    summary: 'What you bought, most recent first',
    positionals: 0,
    options: { limit: { type: 'string' } },
    async run({ values, json, discovery }, io) {
      const limit = limitOf(values);
      const session = await requireSession(io);
      const sdk = await sdkFor(io, { discovery }, session);
      const lines = await purchaseLines(sdk, await sdk.users.purchases(session.userId!, { limit }));
      output(io, json, lines, () =>
        lines.length === 0
          ? '(no purchases yet)'
          : lines
              .map(
                (p) =>
                  `${p.createdAt}  "${p.title}" (${kindWord(p.contentType)} ${p.contentId}) from ${p.seller.handle} for ${p.amount.dgco} DGCO  tx ${p.txHash}`,
              )
              .join('\n'),
      );
    },
  },
];
