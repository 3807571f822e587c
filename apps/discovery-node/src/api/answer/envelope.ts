// The API v1 envelope around every answer's data:
//   {"data":…,"signer":…,"timestamp":…,"signature":…,"latest_chain_block":…,…,"version":{…}}
// An answer goes out in three parts: the head (`{"data":` and the data's JSON), which the response
// cache keeps; the signature part (signer, timestamp, signature), made once per head and kept
// with it; and the tail (the block numbers and the version), which is each answer's own.
import { createHash } from 'node:crypto';
import type { LocalAccount } from 'viem';

/** The API v1 envelope up to its data: every answer's head starts with it. */
export const DATA_OPEN = Buffer.from('{"data":');

/**
 * The last data-chain block the node indexed, the chain's head as it last saw it, and the last
 * block its play log indexer has (plays run at their own checkpoint, on the same chain).
 */
export type Blocks = { indexed: number; chain: number; playsIndexed: number };

/** What the envelope tells besides the data: the node's version and blocks. */
export type EnvelopeSource = { version: string; blocks(): Blocks };

/**
 * `data` in the API v1 envelope, signed, as JSON text (sent as it is: fastify's serializer must
 * not reorder `data`'s keys, which the signature covers as written).
 */
export async function signedEnvelopeOf(
  node: EnvelopeSource & { answerSigner: AnswerSigner },
  data: unknown,
  blocks = node.blocks(),
): Promise<string> {
  const head = `{"data":${JSON.stringify(data) ?? 'null'}`;
  const signed = await node.answerSigner.sign([Buffer.from(head)]);
  return `${head}${signed.toString()}${node.answerSigner.tail(blocks, node.version).toString()}`;
}

function envelopeRest(version: string, blocks: Blocks): Record<string, unknown> {
  return {
    latest_chain_block: blocks.chain,
    latest_indexed_block: blocks.indexed,
    // The play log is on the data chain: its head is the data chain's.
    latest_chain_slot_plays: blocks.chain,
    latest_indexed_slot_plays: blocks.playsIndexed,
    version: { service: 'discovery-node', version },
  };
}

/**
 * The envelope after the signature (`,"latest_chain_block":…}`), UTF-8, for one node. Answers at
 * the same blocks share one: at thousands of answers a second, encoding it is no small part.
 */
export class EnvelopeTail {
  private last: (Blocks & { bytes: Buffer }) | undefined;

  constructor(readonly version: string) {}

  /** The tail of an answer that shows the state at `blocks`. */
  bytes(blocks: Blocks): Buffer {
    const last = this.last;
    if (
      last?.indexed === blocks.indexed &&
      last.chain === blocks.chain &&
      last.playsIndexed === blocks.playsIndexed
    )
      return last.bytes;
    const bytes = tailBytes(this.version, blocks);
    this.last = { ...blocks, bytes };
    return bytes;
  }
}

function tailBytes(version: string, blocks: Blocks): Buffer {
  return Buffer.from(`,${JSON.stringify(envelopeRest(version, blocks)).slice(1)}`);
}

/** Signatures of track JSON kept by AnswerSigner.signJson (about 250 bytes each). */
const KEPT_SIGNATURES = 20_000;

/**
 * Signs answers with the node's delegate key, as Audius's discovery nodes sign theirs: the
 * envelope carries `signer` (the delegate wallet), `timestamp` (when the data was computed and
 * signed) and `signature`. What is signed is the UTF-8 JSON text
 * `{"data":<data as sent>,"signer":"0x…","timestamp":"…"}` (what `JSON.stringify({data, signer,
 * timestamp})` gives a client that parsed the answer), hashed with SHA-256, the 32 bytes signed
 * with `personal_sign` (EIP-191). Audius hashes with keccak-256 and sorts keys; SHA-256 of the
 * bytes as sent costs about 0.2 ms for a 260 KB page where keccak-256 in JS cost 27 ms, and the
 * signature is made once per cached answer (about 1.2 ms), not per request (docs/api-v1.md).
 */
export class AnswerSigner {
  constructor(readonly account: LocalAccount) {}

  /**
   * The signature part of an envelope whose head (`{"data":…`, in parts) is `head`:
   * `,"signer":"0x…","timestamp":"…","signature":"0x…"`.
   */
  async sign(head: readonly Buffer[]): Promise<Buffer> {
    const signer = this.account.address;
    const timestamp = new Date().toISOString();
    const rest = `,"signer":"${signer}","timestamp":"${timestamp}"`;
    const hash = createHash('sha256');
    for (const part of head) hash.update(part);
    hash.update(`${rest}}`);
    const signature = await this.account.signMessage({
      message: { raw: hash.digest() },
    });
    return Buffer.from(`${rest},"signature":"${signature}"`);
  }

  /** Signature parts by the SHA-256 of the JSON they sign, oldest first (see signJson). */
  private readonly kept = new Map<string, Promise<Buffer>>();

  /**
   * The signature part for `{"data":` + `json`, made once per distinct JSON while it is among the
   * last KEPT_SIGNATURES signed: a kept track's JSON (read from TrackJsonCache's ring as a new
   * view each time) is hashed per request (microseconds), signed once.
   */
  signJson(json: Buffer): Promise<Buffer> {
    const key = createHash('sha256').update(json).digest('base64');
    let signed = this.kept.get(key);
    if (!signed) {
      signed = this.sign([DATA_OPEN, json]);
      this.kept.set(key, signed);
      signed.catch(() => this.kept.delete(key));
      if (this.kept.size > KEPT_SIGNATURES) {
        for (const oldest of this.kept.keys()) {
          this.kept.delete(oldest);
          break;
        }
      }
    }
    return signed;
  }

  /** The tail after the signature part, for answers not sent through EnvelopeTail. */
  tail(blocks: Blocks, version: string): Buffer {
    return tailBytes(version, blocks);
  }
}
