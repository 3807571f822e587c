import type { FastifyInstance } from 'fastify';
import { HEALTH_CHECK_TIMEOUT_MS } from './constants.js';

/** What a node reports about itself; `healthy` decides the status code. */
export type HealthReport = { healthy: boolean } & Record<string, unknown>;

export type RegisterHealthCheckParameters = {
  /** Gathers the report; gets a signal that fires at the timeout. */
  check: (signal: AbortSignal) => Promise<HealthReport>;
  timeoutMs?: number;
  /** Signs the report (a node's delegate key): the answer then carries `signer` and `signature`. */
  sign?: (report: HealthReport) => Promise<{ signer: string; signature: string }>;
  /**
   * Keys the answer carries beside `data` (not signed), for clients that read them there: the
   * discovery node's `comms`, which Audius's SDK requires of a healthy node.
   */
  alongside?: (report: HealthReport) => Record<string, unknown>;
};

/**
 * Adds `GET /health_check`, answering `{"data": report}` with 200 when healthy and 503 when not.
 * A check that throws or times out answers 503 `{"data": {"healthy": false, ...}}`, and the
 * cause is logged rather than sent.
 */
export function registerHealthCheck(
  app: FastifyInstance,
  { check, timeoutMs = HEALTH_CHECK_TIMEOUT_MS, sign, alongside }: RegisterHealthCheckParameters,
): void {
  // A report is the same from one probe to the next until a block is indexed, so its signature
  // (an ECDSA signature, about a millisecond of the event loop) is made once per report: probes
  // stay cheap under load, and a flood of them costs no signing.
  let lastSigned:
    { json: string; signed: Promise<{ signer: string; signature: string }> } | undefined;
  const signOnce = (report: HealthReport) => {
    const json = JSON.stringify(report);
    if (lastSigned?.json !== json) {
      const signed = sign!(report);
      lastSigned = { json, signed };
      signed.catch(() => {
        if (lastSigned?.signed === signed) lastSigned = undefined; // not kept: the next tries again
      });
    }
    return lastSigned.signed;
  };
  app.get('/health_check', async (request, reply) => {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`health check timed out after ${timeoutMs} ms`);
        // Settle the race first, so a check that answers on abort is not taken as healthy.
        reject(error);
        controller.abort(error);
      }, timeoutMs);
    });
    let report: HealthReport;
    try {
      report = await Promise.race([check(controller.signal), timeout]);
    } catch (error) {
      request.log.error({ err: error }, 'health check failed');
      return reply.status(503).send({ data: { healthy: false, error: 'health check failed' } });
    } finally {
      clearTimeout(timer);
    }
    const signed = sign ? await signOnce(report) : {};
    return reply
      .status(report.healthy ? 200 : 503)
      .send({ data: report, ...alongside?.(report), ...signed });
  });
}
