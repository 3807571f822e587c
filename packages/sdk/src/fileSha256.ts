import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * The sha-256 of a file as 64 lowercase hex digits, read in chunks (a Blob is never loaded whole):
 * an upload's request signature names the file it carries, so a captured signature cannot carry
 * another one (docs/protocol.md, Signed requests).
 */
export async function fileSha256(file: Blob | Uint8Array): Promise<string> {
  if (file instanceof Uint8Array) return bytesToHex(sha256(file));
  const hash = sha256.create();
  // A reader rather than async iteration, which not every browser's ReadableStream has.
  const reader = (file.stream() as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    hash.update(chunk.value);
  }
  return bytesToHex(hash.digest());
}
