// One gas wallet's sends, in order, with nonces from our own counter (relay.ts, paymentRelay.ts):
// concurrent requests never share a nonce, whether or not the account has a nonce manager (an
// explicit nonce bypasses it). Only fee lookup, signing and the send run in the queue; checks,
// simulation, gas estimation and the wait for the receipt run concurrently.
import {
  type Address,
  type Hex,
  type PublicClient,
  BaseError as ViemBaseError,
  NonceTooHighError,
  NonceTooLowError,
} from 'viem';

/** Sends after a nonce error: one resync from the chain fixes a counter that drifted. */
const SEND_ATTEMPTS = 2;

export type NonceQueueComponents = {
  /** Reads the account's pending transaction count. */
  client: PublicClient;
  /** The sender: the queue must be its only one. */
  address: Address;
};

/** Signs and sends one transaction with `nonce`; resolves to its hash. */
export type SendWithNonce = (nonce: number) => Promise<Hex>;

export type NonceQueue = {
  /** Runs `write` after every send queued before it, with the next nonce. */
  send(write: SendWithNonce): Promise<Hex>;
};

/** The send queue of one account. */
export function createNonceQueue({ client, address }: NonceQueueComponents): NonceQueue {
  let queue: Promise<unknown> = Promise.resolve();
  let nextNonce: number | undefined;

  async function sendNow(write: SendWithNonce): Promise<Hex> {
    for (let attempt = 1; ; attempt++) {
      nextNonce ??= await client.getTransactionCount({ address, blockTag: 'pending' });
      const nonce = nextNonce;
      try {
        const hash = await write(nonce);
        nextNonce = nonce + 1;
        return hash;
      } catch (error) {
        // Whether a failed send used its nonce is unknown (a reverted send may be mined, a
        // timed-out one may be pending): the chain's count is the truth, read on the next send.
        nextNonce = undefined;
        if (attempt < SEND_ATTEMPTS && isNonceError(error)) continue;
        throw error;
      }
    }
  }

  return {
    send(write) {
      const sent = queue.then(() => sendNow(write));
      queue = sent.catch(() => {}); // the caller of this send sees its error; the queue goes on
      return sent;
    },
  };
}

/** True when the chain refused a transaction's nonce (a counter that drifted). */
function isNonceError(error: unknown): boolean {
  return (
    error instanceof ViemBaseError &&
    error.walk((e) => e instanceof NonceTooLowError || e instanceof NonceTooHighError) !== null
  );
}
