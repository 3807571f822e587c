// Running wrk, as the api and stream benches both do: the same options, the same checks of its
// report.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One wrk run's load: threads, open connections, seconds, and request headers (`Name: value`). */
export type WrkLoad = {
  threads: number;
  connections: number;
  seconds: number;
  headers?: readonly string[];
};

/** Runs wrk on `url` with a Lua script, latency figures on; resolves to wrk's report. */
export async function runWrkReport(
  wrk: string,
  script: string,
  url: string,
  { threads, connections, seconds, headers = [] }: WrkLoad,
): Promise<string> {
  const { stdout } = await run(
    wrk,
    [
      ...headers.flatMap((header) => ['-H', header]),
      `-t${threads}`,
      `-c${connections}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '--latency',
      '-s',
      script,
      url,
    ],
    { timeout: (seconds + 30) * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}

/**
 * With COLIVING_BENCH_VERBOSE=1, prints wrk's whole report (latency distribution, per-thread
 * figures): what the benches' one-line figures leave out.
 */
export function printWrkReportIfVerbose(report: string, what: string): void {
  if (process.env.COLIVING_BENCH_VERBOSE) console.log(`wrk on ${what}:\n${report}`);
}

/** Throws when the report counts error answers: a rate of errors says nothing of the route. */
export function assertNoErrorAnswers(report: string, what: string): void {
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(report);
  if (non2xx) throw new Error(`${what} answered ${non2xx[1]} requests with an error:\n${report}`);
}
