import { createRateLimiter } from './rateLimiter.js';

const DAY_MS = 86_400_000;

/**
 * Upload bytes a day, per user and per client IP (docs/design.md §7). Wallets and users are free,
 * so the per-IP budget is what bounds a farm of fresh users behind one address. Bytes are counted
 * as they are received, whatever becomes of the upload.
 */
export function createUploadQuota({
  bytesPerUserPerDay,
  bytesPerIpPerDay,
}: {
  bytesPerUserPerDay: number;
  bytesPerIpPerDay: number;
}) {
  const users = createRateLimiter({
    limit: bytesPerUserPerDay,
    windowMs: DAY_MS,
    what: 'upload bytes for this user',
    code: 'user_upload_quota',
  });
  const ips = createRateLimiter({
    limit: bytesPerIpPerDay,
    windowMs: DAY_MS,
    what: 'upload bytes from this address',
    code: 'ip_upload_quota',
  });
  return {
    /** Counts `bytes` for the user and the IP, or for neither (RateLimitedError past either). */
    take(userId: number, ip: string, bytes: number, now = Date.now()): void {
      const user = String(userId);
      users.check(user, bytes, now);
      ips.check(ip, bytes, now);
      users.take(user, bytes, now);
      ips.take(ip, bytes, now);
    },
  };
}

export type UploadQuota = ReturnType<typeof createUploadQuota>;
