// What a content node asks the discovery nodes: whether a wallet has a user (uploads need one),
// and which CIDs the catalog names (retention deletes only what none does). docs/design.md §7.
import { UnavailableError, decodeHashId } from '@coliving/protocol';
import type { NetworkView } from './network.js';

/** The answers uploads and retention need from the discovery nodes. */
export interface Discovery {
  /**
   * The id of the (active) user whose wallet this is, or undefined when it has none; throws
   * UnavailableError (`discovery_unavailable`) when no discovery node answered.
   */
  userOf(wallet: string): Promise<number | undefined>;
  /**
   * The CIDs among `cids` that any track, user or playlist names, as the union of the answers of
   * a majority of the registered discovery nodes, each caught up with the data chain; otherwise
   * throws UnavailableError (nothing may be deleted on a partial answer).
   */
  referencedCids(cids: string[]): Promise<Set<string>>;
}

export type DiscoveryInit = {
  /** How long "this wallet has a user" is kept (users are rarely deactivated). */
  userTtlMs: number;
  /** How long "no user" is kept: briefly, so a user just created can upload soon after. */
  notUserTtlMs: number;
  /** How long one discovery node may take to answer. */
  timeoutMs: number;
  /** A discovery node further behind the data chain than this is not asked about references. */
  maxBlockDifference: number;
};

type Fetch = typeof fetch;

/** How many wallets' answers are kept; past it the oldest go first. */
const MAX_CACHED_WALLETS = 50_000;
/** CIDs per `POST /v1/cids/referenced` (the discovery node takes at most 500). */
const CIDS_PER_QUESTION = 200;

/** The discovery nodes of `network`, asked over HTTP, with answers about users cached. */
export function createDiscovery(
  { network, fetch: fetchFn = fetch }: { network: NetworkView; fetch?: Fetch },
  init: DiscoveryInit,
): Discovery {
  const users = new Map<string, { userId: number | undefined; until: number }>();
  const asking = new Map<string, Promise<number | undefined>>();

  async function getJson(url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const res = await fetchFn(url, {
      ...(body === undefined
        ? {}
        : {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    return { status: res.status, json: await res.json().catch(() => undefined) };
  }

  /** One node's answer: a user id, null for "no user", undefined when it did not answer. */
  async function askUser(endpoint: string, wallet: string): Promise<number | null | undefined> {
    try {
      const { status, json } = await getJson(
        `${endpoint}/v1/users/account/${encodeURIComponent(wallet)}`,
      );
      const answer = json as { data?: { id?: unknown }; error?: { code?: unknown } } | undefined;
      if (status === 200) return decodeHashId(answer?.data?.id);
      if (status === 404 && answer?.error?.code === 'user_not_found') return null;
    } catch {
      // Unreachable, slow or malformed: this node did not answer.
    }
    return undefined;
  }

  async function lookUp(wallet: string): Promise<number | undefined> {
    const endpoints = network.discoveryNodes();
    const answers = await Promise.all(endpoints.map((endpoint) => askUser(endpoint, wallet)));
    // A user another node has not indexed yet still counts: nodes differ only by lag.
    const found = answers.find((a): a is number => typeof a === 'number');
    if (found !== undefined || answers.includes(null)) {
      const now = Date.now();
      users.set(wallet, {
        userId: found,
        until: now + (found === undefined ? init.notUserTtlMs : init.userTtlMs),
      });
      if (users.size > MAX_CACHED_WALLETS) users.delete(users.keys().next().value!);
      return found;
    }
    throw new UnavailableError(
      endpoints.length === 0
        ? 'This content node knows no discovery node to check uploaders with'
        : 'No discovery node answered whether the uploader is a user; try again shortly',
      { code: 'discovery_unavailable' },
    );
  }

  async function userOf(wallet: string): Promise<number | undefined> {
    const key = wallet.toLowerCase();
    const cached = users.get(key);
    if (cached && cached.until > Date.now()) return cached.userId;
    let pending = asking.get(key);
    if (!pending) {
      pending = lookUp(key).finally(() => asking.delete(key));
      asking.set(key, pending);
    }
    return pending;
  }

  /** One node's referenced CIDs among `cids`, or undefined if it did not answer caught up. */
  async function askReferenced(endpoint: string, cids: string[]): Promise<string[] | undefined> {
    try {
      const { status, json } = await getJson(`${endpoint}/v1/cids/referenced`, { cids });
      const data = (json as { data?: { referenced?: unknown; block_difference?: unknown } })?.data;
      if (
        status !== 200 ||
        !Array.isArray(data?.referenced) ||
        typeof data.block_difference !== 'number' ||
        data.block_difference > init.maxBlockDifference
      ) {
        return undefined;
      }
      return data.referenced.filter((cid): cid is string => typeof cid === 'string');
    } catch {
      return undefined;
    }
  }

  async function referencedCids(cids: string[]): Promise<Set<string>> {
    const endpoints = network.discoveryNodes();
    const needed = Math.floor(endpoints.length / 2) + 1;
    const referenced = new Set<string>();
    for (let i = 0; i < cids.length; i += CIDS_PER_QUESTION) {
      const batch = cids.slice(i, i + CIDS_PER_QUESTION);
      const answers = (await Promise.all(endpoints.map((e) => askReferenced(e, batch)))).filter(
        (a) => a !== undefined,
      );
      if (endpoints.length === 0 || answers.length < needed) {
        throw new UnavailableError(
          `${answers.length} of ${endpoints.length} discovery nodes answered caught up with the ` +
            `data chain; ${needed} are needed before anything is deleted`,
          { code: 'discovery_unavailable' },
        );
      }
      // Referenced by any node's answer is referenced: a lagging or lying node cannot delete.
      for (const answer of answers) for (const cid of answer) referenced.add(cid);
    }
    return referenced;
  }

  return { userOf, referencedCids };
}
