// Benchmarks an upload end to end: a 3-minute WAV uploaded to a content node until it is playable
// from 3 replicas (transcoded, stored and pushed to its placement), against a bare ffmpeg
// transcode of the same file to the same stream format.
// A bare transcode varies by ±10% from run to run on a shared machine, so the comparison runs in
// ROUNDS rounds (each with its own WAV, bare transcode first) and the median ratio is the figure.
// Usage: npm run bench:upload [-- <seconds of audio, default 180>]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type UploadRecord, contentSha256Of, signRequest } from '@coliving/protocol';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { findFfmpegBinaries } from '../apps/content-node/src/core/ffmpegBinaries.js';
import { createStaticNetwork } from '../apps/content-node/src/core/network.js';
import { streamEncodeArgs } from '../apps/content-node/src/core/transcode.js';
import { ListenJournal } from '../apps/content-node/src/db/listenJournal.js';
import { createContentNode } from '../apps/content-node/src/node.js';
import { everyWalletIsAUserForTests } from '../apps/content-node/src/testing.js';
import { freePort } from '../apps/content-node/src/testing.js';

const run = promisify(execFile);
/** The upload path may take at most this multiple of a bare transcode. */
const TARGET_RATIO = 1.3;
const ROUNDS = 3;
const seconds = Number(process.argv[2] ?? 180);
if (!Number.isInteger(seconds) || seconds < 5)
  throw new Error('seconds of audio must be an integer >= 5');

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'coliving-bench-upload-'));
  const ffmpeg = await findFfmpegBinaries();
  const landlord = privateKeyToAccount(generatePrivateKey());
  const discovery = privateKeyToAccount(generatePrivateKey());
  const members: { stop: () => Promise<void> }[] = [];
  try {
    const keys = [generatePrivateKey(), generatePrivateKey(), generatePrivateKey()];
    const ports = await Promise.all(keys.map(() => freePort()));
    const nodes = ports.map((port, i) => ({
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: privateKeyToAccount(keys[i]!).address,
    }));
    const stores: BlobStore[] = [];
    for (const [i, port] of ports.entries()) {
      const dataDir = join(dir, `node-${i}`);
      const store = await openBlobStore(join(dataDir, 'blobs'));
      const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
      const node = await createContentNode(
        {
          account: privateKeyToAccount(keys[i]!),
          store,
          listens,
          ffmpeg,
          logger: false,
          network: createStaticNetwork(nodes, [discovery.address]),
          // No discovery node in this bench: every signed wallet counts as a user.
          discovery: everyWalletIsAUserForTests(),
        },
        { publicUrl: nodes[i]!.endpoint, dataDir, version: 'bench', repairIntervalMs: 0 },
      );
      await node.start();
      await node.app.listen({ host: '127.0.0.1', port });
      stores.push(store);
      members.push({
        stop: async () => {
          await node.stop();
          await listens.close();
          await store.close();
        },
      });
    }

    /** One round: a fresh WAV (a different chord each round), its bare transcode, its upload. */
    async function round(
      index: number,
    ): Promise<{ bareMs: number; uploadedMs: number; playableMs: number }> {
      // A 3-minute stereo 44.1 kHz WAV: a chord with a slow tremolo, so the encoder has work to do.
      const wav = join(dir, `song-${index}.wav`);
      await run(ffmpeg.ffmpeg, [
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=${220 + index * 7}:duration=${seconds}`,
        '-f',
        'lavfi',
        '-i',
        `sine=frequency=330:duration=${seconds}`,
        '-f',
        'lavfi',
        '-i',
        `anoisesrc=d=${seconds}:c=pink:a=0.05`,
        '-filter_complex',
        '[0][1][2]amix=inputs=3,tremolo=f=0.5',
        '-ac',
        '2',
        '-ar',
        '44100',
        wav,
      ]);
      const bytes = await readFile(wav);
      if (index === 0) {
        console.log(
          `upload benchmark: ${seconds} s of audio, ${(bytes.length / 1e6).toFixed(1)} MB WAV, 3 content nodes (R = 3), ${ROUNDS} rounds`,
        );
      }

      const started = performance.now();
      await run(ffmpeg.ffmpeg, [
        '-loglevel',
        'error',
        '-y',
        '-i',
        wav,
        ...streamEncodeArgs(),
        join(dir, `bare-${index}.mp3`),
      ]);
      const bareMs = performance.now() - started;

      const uploadStarted = performance.now();
      const form = new FormData();
      form.set('template', 'audio');
      form.append('files', new Blob([bytes]), 'song.wav');
      const res = await fetch(`${nodes[0]!.endpoint}/uploads`, {
        method: 'POST',
        headers: await signRequest({
          account: landlord,
          method: 'POST',
          path: '/uploads',
          content: contentSha256Of(bytes),
        }),
        body: form,
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      const uploadedMs = performance.now() - uploadStarted;
      const [created] = ((await res.json()) as { data: UploadRecord[] }).data;
      let record: UploadRecord;
      const deadline = Date.now() + 15 * 60_000;
      for (;;) {
        record = (
          (await (await fetch(`${nodes[0]!.endpoint}/uploads/${created!.id}`)).json()) as {
            data: UploadRecord;
          }
        ).data;
        if (record.status === 'done' || record.status === 'error') break;
        if (Date.now() > deadline) throw new Error('the upload never finished');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const playableMs = performance.now() - uploadStarted;
      if (record.status !== 'done') throw new Error(`upload failed: ${record.error}`);
      const stream = record.results['320']!;
      const holders = (await Promise.all(stores.map((s) => s.head(stream)))).filter(Boolean).length;
      if (holders !== 3) throw new Error(`the stream file is on ${holders} nodes, not 3`);

      console.log(
        `round ${index + 1}: bare ${(bareMs / 1000).toFixed(2)} s, accepted ${(uploadedMs / 1000).toFixed(2)} s, playable ${(playableMs / 1000).toFixed(2)} s: ${(playableMs / bareMs).toFixed(2)}x`,
      );
      return { bareMs, uploadedMs, playableMs };
    }

    const rounds = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(i));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(rounds.map((r) => r.playableMs / r.bareMs));
    const inSeconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      `bare ffmpeg transcode (320 kbps, 48 kHz), median: ${inSeconds(median(rounds.map((r) => r.bareMs)))}`,
    );
    console.log(
      `upload sent and accepted (staged, probed, stored), median: ${inSeconds(median(rounds.map((r) => r.uploadedMs)))}`,
    );
    console.log(
      `upload to playable from 3 replicas (stream, preview, peaks, pushes), median: ${inSeconds(median(rounds.map((r) => r.playableMs)))}`,
    );
    console.log(
      `ratio, median of ${ROUNDS} rounds: ${ratio.toFixed(2)}x the bare transcode (target <= ${TARGET_RATIO})${ratio <= TARGET_RATIO ? '' : '  ABOVE TARGET'}`,
    );
  } finally {
    for (const m of members) await m.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
