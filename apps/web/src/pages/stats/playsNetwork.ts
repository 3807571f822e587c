// For the stats and history tests: stand-in nodes with a landlord, their tracks, a fan, and plays
// recorded as the indexer would have read them from the play log.
import { decodeHashId } from '@coliving/protocol';
import type { ColivingSdk } from '@coliving/sdk';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type TestNetwork, sdkOn } from '../account/testNetwork.js';

export type Someone = { sdk: ColivingSdk; userId: string; privateKey: `0x${string}` };

let handles = 0;

/** A user with a profile, signed in on their own SDK. */
export async function someone(network: TestNetwork, name: string): Promise<Someone> {
  const privateKey = generatePrivateKey();
  const sdk = sdkOn(network.endpoints);
  sdk.setAccount(privateKeyToAccount(privateKey));
  const handle = `${name.toLowerCase().replace(/[^a-z]/g, '')}${++handles}`;
  const { userId } = await sdk.users.create({ handle, name });
  return { sdk: sdkOn(network.endpoints, userId), userId, privateKey };
}

const CIDS = [
  'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
  'bafkreie5cvv4h45feuxh2xdsrlcq6b5edb4fqdw3ujzyh6smqtiqq2nmsy',
  'bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy',
];

/** Publishes a track by `landlord` (from a CID, with a receipt) and answers its id. */
export async function publish(network: TestNetwork, landlord: Someone, title: string, n = 0) {
  const cid = CIDS[n % CIDS.length]!;
  const signer = sdkOn(network.endpoints);
  signer.setAccount(privateKeyToAccount(landlord.privateKey));
  const { trackId } = await signer.tracks.create({
    userId: landlord.userId,
    metadata: {
      title,
      genre: 'Electronic',
      trackCid: cid,
      duration: 120,
      uploadReceipt: await network.uploadReceipt(signer.account!.address, cid, 120),
    },
  });
  return trackId;
}

/** `count` plays of `trackId` by `userId` (null: not logged in), `ago` ms before now. */
export function play(
  network: TestNetwork,
  trackId: string,
  userId: string | null,
  ago: number,
  count = 1,
): void {
  const at = Date.now() - ago;
  network.recordPlays(
    Array.from({ length: count }, (_, i) => ({
      trackId: decodeHashId(trackId),
      ...(userId === null ? {} : { userId: decodeHashId(userId) }),
      at: at - i,
    })),
  );
}
