// The API v1 envelope around every answer's data:
//   {"data":…,"latest_chain_block":…,"latest_indexed_block":…,…,"timestamp":…,"version":{…}}
// An answer goes out in two parts: the head (`{"data":` and the data's JSON), which the response
// cache keeps, and the tail (the rest of the envelope), which is each answer's own.

/** The API v1 envelope up to its data: every answer's head starts with it. */
export const DATA_OPEN = Buffer.from('{"data":');

/**
 * The last data-chain block the node indexed, the chain's head as it last saw it, and the last
 * block its play log indexer has (plays run at their own checkpoint, on the same chain).
 */
export type Blocks = { indexed: number; chain: number; playsIndexed: number };

/** What the envelope tells besides the data: the node's version and blocks. */
export type EnvelopeSource = { version: string; blocks(): Blocks };

/** `data` in the API v1 envelope, with the block numbers (read now unless given). */
export function envelopeOf(
  node: EnvelopeSource,
  data: unknown,
  blocks = node.blocks(),
): Record<string, unknown> {
  return envelope(node.version, data, blocks, Date.now());
}

function envelope(
  version: string,
  data: unknown,
  blocks: Blocks,
  now: number,
): Record<string, unknown> {
  return {
    data,
    latest_chain_block: blocks.chain,
    latest_indexed_block: blocks.indexed,
    // The play log is on the data chain: its head is the data chain's.
    latest_chain_slot_plays: blocks.chain,
    latest_indexed_slot_plays: blocks.playsIndexed,
    timestamp: new Date(now).toISOString(),
    version: { service: 'discovery-node', version },
  };
}

/**
 * The envelope after `data` (`,"latest_chain_block":…}`), UTF-8, for one node. Answers in the
 * same millisecond at the same blocks share one: at thousands of answers a second, encoding it
 * is no small part.
 */
export class EnvelopeTail {
  private last: (Blocks & { ms: number; bytes: Buffer }) | undefined;

  constructor(readonly version: string) {}

  /** The tail of an answer sent now that shows the state at `blocks`. */
  bytes(blocks: Blocks): Buffer {
    const now = Date.now();
    const last = this.last;
    if (
      last?.ms === now &&
      last.indexed === blocks.indexed &&
      last.chain === blocks.chain &&
      last.playsIndexed === blocks.playsIndexed
    )
      return last.bytes;
    const json = JSON.stringify(envelope(this.version, null, blocks, now));
    const bytes = Buffer.from(json.slice('{"data":null'.length));
    this.last = { ...blocks, ms: now, bytes };
    return bytes;
  }
}
