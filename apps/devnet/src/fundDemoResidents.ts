// Money for the demo residents to tip and buy with, from the devnet's treasury.
import { DEMO_RESIDENT_DGCO } from './constants.js';
import type { DemoMember, DemoSeeding } from './demoSeeding.js';
import { type DevnetTreasury, dgcoBalance, payFromTreasury } from './payFromTreasury.js';

/**
 * Gives each resident without any DGCO DEMO_RESIDENT_DGCO from the treasury (a seeding that runs
 * again gives none twice); the residents must have their wallets.
 */
export function fundDemoResidents(
  s: DemoSeeding,
  treasury: DevnetTreasury,
  residents: readonly DemoMember[],
): Promise<void> {
  const { step, later, say } = s;
  return later(
    Promise.all(
      residents.map((m) =>
        step(`giving @${m.profile.handle} DGCO from the treasury`, async () => {
          const wallet = m.wallet!;
          if ((await dgcoBalance({ ...treasury, wallet })) > 0n) return;
          await payFromTreasury({ ...treasury, to: wallet, amount: DEMO_RESIDENT_DGCO });
        }),
      ),
    ).then(() => say(`residents hold ${DEMO_RESIDENT_DGCO / 10n ** 18n} DGCO each`)),
  );
}
