import { Transform, type TransformCallback } from 'node:stream';
import { PayloadTooLargeError } from '@coliving/protocol';

/**
 * A pass-through stream that fails with PayloadTooLargeError as soon as more than `maxBytes`
 * have gone through, so a streamed body (an upload) is cut off while it streams, not after.
 */
export function limitBytes(maxBytes: number, what = 'Request body'): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > maxBytes) {
        callback(new PayloadTooLargeError(`${what} is larger than the limit of ${maxBytes} bytes`));
        return;
      }
      callback(null, chunk);
    },
  });
}
