// The demo catalog's eras (seedDemoCatalog's `history`): each era's work starts once the data
// chain's clock is moved to it, and the clock moves on once that work is done. A failure anywhere
// rejects every era not open yet. Without `history` there is one era, now.
import { DEMO_HISTORY_DAYS } from './constants.js';
import type { DemoSeeding } from './demoSeeding.js';

export type DemoEras = {
  /** How many eras there are (DEMO_HISTORY_DAYS with a history, else one). */
  count: number;
  /** The present's era, where the listens are. */
  last: number;
  /** Resolves when era `e` opens. */
  open: readonly Promise<void>[];
  /** Counts `work` as era `e`'s: the clock moves on to the next era once it is done. */
  inEra<T>(e: number, work: Promise<T>): Promise<T>;
  /** Moves the clock to the first era and opens it. */
  start(): Promise<void>;
  /** Era by era: once an era's work is done, the clock moves on and the next opens. */
  run(): Promise<void>;
};

/** The eras of one seeding; `history` moves the data chain's clock (none: everything is now). */
export function createDemoEras(
  s: DemoSeeding,
  history: { advanceTo(at: Date): Promise<void> } | undefined,
): DemoEras {
  const eraDays: readonly number[] = history ? DEMO_HISTORY_DAYS : [0];
  const eraWork: Promise<unknown>[][] = eraDays.map(() => []);
  const openEra: (() => void)[] = [];
  const failEra: ((reason: unknown) => void)[] = [];
  const open = eraDays.map((_, e) =>
    s.later(
      new Promise<void>((resolve, reject) => {
        openEra[e] = resolve;
        failEra[e] = reject;
      }),
    ),
  );
  s.signal.addEventListener('abort', () => failEra.forEach((fail) => fail(s.signal.reason)), {
    once: true,
  });
  const last = eraDays.length - 1;
  const moveClockTo = async (e: number) => {
    if (!history) return;
    const days = eraDays[e]!;
    const at = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
    await s.step(`moving the data chain's clock to ${at.toISOString()}`, () =>
      history.advanceTo(at),
    );
    s.say(
      days > 0
        ? `the data chain's clock is at ${days} days ago`
        : "the data chain's clock is at today",
    );
  };
  return {
    count: eraDays.length,
    last,
    open,
    inEra(e, work) {
      eraWork[e]!.push(work);
      return work;
    },
    async start() {
      await moveClockTo(0);
      openEra[0]!();
    },
    async run() {
      for (let e = 1; e <= last; e++) {
        await Promise.all(eraWork[e - 1]!);
        await moveClockTo(e);
        openEra[e]!();
      }
    },
  };
}
