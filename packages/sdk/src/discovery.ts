// Discovery-node selection: a node is chosen by its /health_check (healthy, close to the chain
// head), calls fail over to another node when one is unreachable or answers 5xx, reads are hedged
// to a second node when the first is slow to answer (a frozen node never does), and the list of
// nodes grows with what the nodes report of the network.
import type { Address } from 'viem';
import {
  HEALTH_CHECK_TIMEOUT_MS,
  HEALTH_TTL_MS,
  HEDGE_AFTER_MS,
  NODE_BACKOFF_MS,
  PROBE_TIMEOUT_MS,
} from './constants.js';
import { ColivingSdkError, isFailoverError, toColivingSdkError } from './errors.js';
import {
  type FetchFn,
  type Query,
  anySignal,
  buildUrl,
  canonicalEndpoint,
  requestJson,
  throwIfAborted,
} from './http.js';
import type { DiscoveryHealth, Envelope } from './types.js';

export type DiscoveryInit = {
  endpoints: readonly string[];
  fetch: FetchFn;
  maxBlockDifference: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
};

/** Where ManageEntity actions are signed for: the data chain and its EntityManager. */
export type ChainTarget = { chainId: number; verifyingContract: Address };

export type DiscoveryRequestOptions = { signal?: AbortSignal | undefined; timeoutMs?: number };

export type DiscoveryRunOptions = {
  /**
   * The node's health check must have answered within this many ms, or it is checked again (with
   * a short timeout) before `call` runs: for writes, which are not hedged.
   */
  maxHealthAgeMs?: number;
};

export type Discovery = {
  /** The selected node, selecting one first when needed. */
  current(signal?: AbortSignal): Promise<string>;
  /** Every discovery node known so far: the configured ones, then those learned. */
  endpoints(): string[];
  /** The selected node's last health report. */
  health(signal?: AbortSignal): Promise<DiscoveryHealth>;
  /** The content nodes the selected node knows of (registered endpoints). */
  contentNodes(signal?: AbortSignal): Promise<string[]>;
  /** The data chain id and EntityManager address, from the selected node's health report. */
  chainTarget(signal?: AbortSignal): Promise<ChainTarget>;
  /**
   * Runs `call` against the selected node; when the node is unreachable, too slow or answers
   * 5xx, passes it over and runs `call` again against another, until none is left. One node at a
   * time: what writes use.
   */
  run<T>(
    call: (endpoint: string) => Promise<T>,
    signal?: AbortSignal,
    options?: DiscoveryRunOptions,
  ): Promise<T>;
  /**
   * Runs a read: against the selected node, and when it has not answered after HEDGE_AFTER_MS,
   * against another healthy node as well; the first answer wins and the other call is aborted
   * through its signal. A node that fails or loses is passed over for a while.
   */
  read<T>(
    call: (endpoint: string, signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
  /** `GET path` on the selected node (hedged, with failover); the whole envelope. */
  get<T>(path: string, query?: Query, options?: DiscoveryRequestOptions): Promise<Envelope<T>>;
  /** Marks a node as failing: it is passed over for a while. */
  markDown(endpoint: string): void;
};

type Selected = { endpoint: string; health: DiscoveryHealth; checkedAt: number };
type Probe = { ok: true; health: DiscoveryHealth } | { ok: false; error: ColivingSdkError };

/** Builds the selector; nothing is fetched until the first call. */
export function createDiscovery(init: DiscoveryInit): Discovery {
  const fetchFn = init.fetch;
  const now = init.now ?? Date.now;
  const known: string[] = [];
  const downUntil = new Map<string, number>();
  let selected: Selected | undefined;
  let selecting: Promise<Selected> | undefined;

  function learn(endpoints: readonly unknown[] | undefined): void {
    for (const value of endpoints ?? []) {
      if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) continue;
      const endpoint = canonicalEndpoint(value);
      if (!known.includes(endpoint)) known.push(endpoint);
    }
  }
  learn(init.endpoints);
  if (known.length === 0) {
    throw new ColivingSdkError('invalid_input', 'Give at least one discovery node endpoint', {
      code: 'no_discovery_nodes',
    });
  }

  function markDown(endpoint: string): void {
    downUntil.set(endpoint, now() + NODE_BACKOFF_MS);
    if (selected?.endpoint === endpoint) selected = undefined;
  }

  async function probe(
    endpoint: string,
    signal: AbortSignal,
    timeoutMs = HEALTH_CHECK_TIMEOUT_MS,
  ): Promise<Probe> {
    try {
      const { status, body } = await requestJson<{ data?: DiscoveryHealth }>(
        fetchFn,
        `${endpoint}/health_check`,
        { signal, timeoutMs, accept: (s) => s === 503 },
      );
      const health = body?.data ?? {};
      const behind = health.block_difference;
      if (status !== 200 || health.healthy === false) {
        return {
          ok: false,
          error: new ColivingSdkError('server', `${endpoint} reports itself unhealthy`, {
            status,
            code: 'unhealthy',
            url: `${endpoint}/health_check`,
          }),
        };
      }
      if (typeof behind === 'number' && behind > init.maxBlockDifference) {
        return {
          ok: false,
          error: new ColivingSdkError(
            'server',
            `${endpoint} is ${behind} blocks behind the chain (at most ${init.maxBlockDifference})`,
            { code: 'behind', url: `${endpoint}/health_check` },
          ),
        };
      }
      return { ok: true, health };
    } catch (error) {
      return { ok: false, error: toColivingSdkError(error, `${endpoint}/health_check`) };
    }
  }

  /**
   * Probes the candidates (the known nodes but `exclude`) at once; the first healthy answer wins
   * and the others are dropped.
   */
  async function select(
    signal: AbortSignal | undefined,
    exclude?: ReadonlySet<string>,
  ): Promise<Selected> {
    const at = now();
    const pool = exclude ? known.filter((e) => !exclude.has(e)) : known;
    const up = pool.filter((e) => (downUntil.get(e) ?? 0) <= at);
    // When every node failed lately, each gets another chance rather than none.
    const candidates = up.length > 0 ? up : [...pool];
    if (candidates.length === 0) {
      throw new ColivingSdkError('no_healthy_node', 'No other discovery node is known', {
        code: 'no_other_node',
      });
    }
    const race = new AbortController();
    const probeSignal = anySignal([signal, race.signal]);
    const failures: ColivingSdkError[] = [];
    try {
      return await new Promise<Selected>((resolve, reject) => {
        let pending = candidates.length;
        for (const endpoint of candidates) {
          void probe(endpoint, probeSignal).then((result) => {
            pending--;
            if (result.ok) {
              downUntil.delete(endpoint);
              learn(result.health.network?.discovery_nodes);
              resolve({ endpoint, health: result.health, checkedAt: now() });
            } else {
              if (result.error.type !== 'aborted') {
                failures.push(result.error);
                downUntil.set(endpoint, now() + NODE_BACKOFF_MS);
              }
              if (pending === 0) {
                reject(
                  signal?.aborted
                    ? new ColivingSdkError('aborted', 'The operation was aborted')
                    : new ColivingSdkError(
                        'no_healthy_node',
                        `No healthy discovery node among ${candidates.join(', ')}: ${failures
                          .map((f) => f.message)
                          .join('; ')}`,
                        { cause: failures[0] },
                      ),
                );
              }
            }
          });
        }
      });
    } finally {
      race.abort();
    }
  }

  async function current(signal?: AbortSignal, maxAgeMs = HEALTH_TTL_MS): Promise<string> {
    return (await currentSelection(signal, maxAgeMs)).endpoint;
  }

  async function currentSelection(
    signal?: AbortSignal,
    maxAgeMs = HEALTH_TTL_MS,
  ): Promise<Selected> {
    throwIfAborted(signal);
    if (selected && now() - selected.checkedAt < maxAgeMs) return selected;
    if (selected) {
      // Still healthy and caught up? Then it stays; otherwise another one is chosen. It answered
      // lately, so a slow answer now is a node that froze: the short timeout finds it out.
      const again = await probe(
        selected.endpoint,
        signal ?? new AbortController().signal,
        PROBE_TIMEOUT_MS,
      );
      throwIfAborted(signal);
      if (again.ok) {
        learn(again.health.network?.discovery_nodes);
        selected = { endpoint: selected.endpoint, health: again.health, checkedAt: now() };
        return selected;
      }
      markDown(selected.endpoint);
    }
    // Concurrent callers share one selection.
    selecting ??= select(signal).finally(() => (selecting = undefined));
    selected = await selecting;
    return selected;
  }

  async function run<T>(
    call: (endpoint: string) => Promise<T>,
    signal?: AbortSignal,
    options: DiscoveryRunOptions = {},
  ) {
    let lastError: ColivingSdkError | undefined;
    // Every known node once, plus one more go at a node that came back.
    const attempts = known.length + 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let endpoint: string;
      try {
        endpoint = await current(signal, options.maxHealthAgeMs);
      } catch (error) {
        // Every node is healthy yet fails this call: its 5xx says more than "none left".
        if (lastError?.type === 'server' && isColivingNoNode(error)) throw lastError;
        throw error;
      }
      try {
        return await call(endpoint);
      } catch (error) {
        const sdkError = toColivingSdkError(error);
        throwIfAborted(signal);
        if (!isFailoverError(sdkError)) throw sdkError;
        markDown(endpoint);
        lastError = sdkError;
      }
    }
    throw lastError!;
  }

  async function read<T>(
    call: (endpoint: string, signal: AbortSignal) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const first = await current(signal);
    const race = new AbortController();
    const callSignal = anySignal([signal, race.signal]);
    const tried = new Set<string>();
    // The health of the nodes chosen for a second request, to make the winner the selected node.
    const chosen = new Map<string, Selected>();
    let lastError: ColivingSdkError | undefined;
    let selectError: unknown;
    try {
      return await new Promise<T>((resolve, reject) => {
        let running = 0;
        let finding = false;
        let done = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finish = (settle: () => void) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          settle();
        };
        const giveUp = () => {
          if (running > 0 || finding) return;
          finish(() => {
            if (signal?.aborted) {
              reject(new ColivingSdkError('aborted', 'The operation was aborted'));
            } else if (lastError?.type === 'server' || !isColivingNoNode(selectError)) {
              // Every node is healthy yet fails this call: its 5xx says more than "none left".
              reject(lastError ?? toColivingSdkError(selectError));
            } else {
              reject(toColivingSdkError(selectError));
            }
          });
        };
        const another = async () => {
          if (done || finding) return;
          finding = true;
          let next: Selected | undefined;
          try {
            next = await select(callSignal, tried);
          } catch (error) {
            selectError = error;
          }
          finding = false;
          if (done) return;
          if (next === undefined) return giveUp();
          chosen.set(next.endpoint, next);
          launch(next.endpoint);
        };
        const launch = (endpoint: string) => {
          tried.add(endpoint);
          running++;
          clearTimeout(timer);
          timer = setTimeout(() => void another(), HEDGE_AFTER_MS);
          void call(endpoint, callSignal).then(
            (value) =>
              finish(() => {
                // The nodes asked before this one and overtaken by it are slow or frozen.
                for (const other of tried) {
                  if (other === endpoint) break;
                  markDown(other);
                }
                const health = chosen.get(endpoint);
                if (health && selected?.endpoint !== endpoint) selected = health;
                resolve(value);
              }),
            (error: unknown) => {
              running--;
              if (done) return;
              const sdkError = toColivingSdkError(error);
              if (signal?.aborted) return giveUp();
              if (!isFailoverError(sdkError)) return finish(() => reject(sdkError));
              markDown(endpoint);
              lastError = sdkError;
              void another();
            },
          );
        };
        launch(first);
      });
    } finally {
      race.abort();
    }
  }

  return {
    current: (signal?: AbortSignal) => current(signal),
    endpoints: () => [...known],
    markDown,
    run,
    read,
    async health(signal) {
      return (await currentSelection(signal)).health;
    },
    async contentNodes(signal) {
      const { health } = await currentSelection(signal);
      return [
        ...new Set(
          (health.network?.content_nodes ?? [])
            .map((n) => (typeof n === 'string' ? n : n?.endpoint))
            .filter((e): e is string => typeof e === 'string' && /^https?:\/\//i.test(e))
            .map(canonicalEndpoint),
        ),
      ];
    },
    async chainTarget(signal) {
      const { endpoint, health } = await currentSelection(signal);
      const data = health.chain?.data;
      if (
        typeof data?.chain_id !== 'number' ||
        typeof data.entity_manager !== 'string' ||
        !/^0x[0-9a-fA-F]{40}$/.test(data.entity_manager)
      ) {
        throw new ColivingSdkError(
          'server',
          `${endpoint} does not report chain.data {chain_id, entity_manager} in /health_check; ` +
            'update the discovery node to sign writes through it',
          { code: 'chain_unknown', url: `${endpoint}/health_check` },
        );
      }
      return { chainId: data.chain_id, verifyingContract: data.entity_manager as Address };
    },
    async get<T>(path: string, query: Query = {}, options: DiscoveryRequestOptions = {}) {
      return read(async (endpoint, signal) => {
        const { body } = await requestJson<Envelope<T>>(fetchFn, buildUrl(endpoint, path, query), {
          signal,
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
        });
        return body;
      }, options.signal);
    },
  };
}

function isColivingNoNode(error: unknown): boolean {
  return error instanceof ColivingSdkError && error.type === 'no_healthy_node';
}
