import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type UploadRecord, contentSha256Of, signRequest } from '@coliving/protocol';
import { statusClassOf } from '@coliving/server-kit';
import {
  checkQueries,
  scrapedMetrics,
  shippedOperationsQueries,
} from '@coliving/server-kit/testing';
import { type BlobStore, openBlobStore } from '@coliving/storage';
import { privateKeyToAccount } from 'viem/accounts';
import { type FfmpegBinaries, findFfmpegBinaries } from './core/ffmpegBinaries.js';
import { createStaticNetwork } from './core/network.js';
import { ListenJournal } from './db/listenJournal.js';
import { type ContentNode, createContentNode } from './node.js';
import { everyWalletIsAUserForTests, freePort, waitForUpload } from './testing.js';

const run = promisify(execFile);
const landlord = privateKeyToAccount(
  '0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a',
);
const discovery = privateKeyToAccount(
  '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
);
const nodeKeys = [
  '0x689af8efa8c651a91ad287602527f3af2fe9f6501a7ac4b061667b5a93e037fd',
  '0xde9be858da4a475276426320d5e9262ecfc3ba460bfac56360bfa6c4c28b4ee0',
] as const;

type Member = { endpoint: string; node: ContentNode; store: BlobStore; listens: ListenJournal };

/** A scrape as series (`name{labels}`) to values. */
async function scrape(endpoint: string): Promise<Map<string, number>> {
  const res = await fetch(`${endpoint}/metrics`);
  assert.equal(res.status, 200);
  const series = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    series.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return series;
}

/** The metric names a PromQL text or dashboard uses (every `coliving_…` word). */
function metricNamesIn(text: string): Set<string> {
  return new Set(text.match(/\bcoliving_[a-z0-9_]+/g) ?? []);
}

describe('content node metrics', () => {
  let dir: string;
  let ffmpeg: FfmpegBinaries;
  let members: Member[] = [];
  let song: string;
  let cut: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coliving-metrics-'));
    ffmpeg = await findFfmpegBinaries();
    const ports = await Promise.all(nodeKeys.map(() => freePort()));
    const accounts = nodeKeys.map((k) => privateKeyToAccount(k));
    const nodes = ports.map((port, i) => ({
      endpoint: `http://127.0.0.1:${port}`,
      delegateWallet: accounts[i]!.address,
    }));
    members = await Promise.all(
      nodes.map(async ({ endpoint }, i) => {
        const dataDir = join(dir, `node-${i}`);
        const store = await openBlobStore(join(dataDir, 'blobs'));
        const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
        const node = await createContentNode(
          {
            account: accounts[i]!,
            store,
            listens,
            ffmpeg,
            logger: false,
            network: createStaticNetwork(nodes, [discovery.address]),
            discovery: everyWalletIsAUserForTests(),
          },
          {
            publicUrl: endpoint,
            dataDir,
            version: '0.1.0',
            transcodeWorkers: 1,
            replicationFactor: 2,
            repairIntervalMs: 0,
          },
        );
        await node.start();
        await node.app.listen({ host: '127.0.0.1', port: ports[i]! });
        return { endpoint, node, store, listens };
      }),
    );
    song = join(dir, 'song.wav');
    await run(ffmpeg.ffmpeg, [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=6'],
      song,
    ]);
    // A 2-minute MP3 cut to its first 20 kB: its header still says 2:00, it holds about 1.2 s.
    const whole = join(dir, 'whole.mp3');
    await run(ffmpeg.ffmpeg, [
      ...['-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=120'],
      ...['-b:a', '128k', whole],
    ]);
    cut = join(dir, 'cut.mp3');
    await run('sh', ['-c', `head -c 20000 '${whole}' > '${cut}'`]);
  });

  after(async () => {
    for (const m of members) {
      await m.node.stop();
      await m.listens.close();
      await m.store.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  async function upload(member: Member, file: string, name: string): Promise<UploadRecord> {
    const bytes = await readFile(file);
    const form = new FormData();
    form.set('template', 'audio');
    form.append('files', new Blob([bytes]), name);
    const headers = await signRequest({
      account: landlord,
      method: 'POST',
      path: '/uploads',
      content: contentSha256Of(bytes),
    });
    const res = await fetch(`${member.endpoint}/uploads`, { method: 'POST', headers, body: form });
    assert.equal(res.status, 201);
    const [created] = ((await res.json()) as { data: UploadRecord[] }).data;
    return waitForUpload(() => member.node.uploads.get(created!.id));
  }

  it('has the named series and they move with uploads, failed jobs and repair', async () => {
    const [a, b] = members as [Member, Member];
    const before = await scrape(a.endpoint);
    assert.ok(before.get('coliving_content_node_disk_capacity_bytes')! > 0);
    assert.ok(before.get('coliving_content_node_disk_free_bytes')! > 0);
    assert.equal(before.get('coliving_content_node_jobs_queued'), 0);
    assert.equal(before.get('coliving_content_node_blob_storage_bytes'), 0);
    // No repair pass has run yet: "none ran" is a 0, not a missing series an alert cannot see.
    assert.equal(before.get('coliving_content_node_repair_passes_total{outcome="ran"}'), 0);
    assert.equal(before.get('coliving_content_node_repair_blobs_total{action="pulled"}'), 0);

    const done = await upload(a, song, 'song.wav');
    assert.equal(done.status, 'done', done.error);
    assert.ok(Math.abs(done.durationSeconds! - 6) < 0.1, `duration ${done.durationSeconds}`);

    // The cut file is refused in words, with a stable code, and counted as a failed job.
    const refused = await upload(a, cut, 'cut.mp3');
    assert.equal(refused.status, 'error');
    assert.equal(refused.errorCode, 'truncated_audio');
    assert.equal(
      refused.error,
      'This file ends early: it says 2:00 but holds only 0:01 of audio. Export it again and upload the whole file.',
    );
    assert.equal(refused.durationSeconds, undefined);
    // Any node answers the same (the record is shared).
    const shared = (await (await fetch(`${b.endpoint}/uploads/${refused.id}`)).json()) as {
      data: UploadRecord;
    };
    assert.equal(shared.data.errorCode, 'truncated_audio');

    const worked = await scrape(a.endpoint);
    assert.equal(
      worked.get(
        'coliving_content_node_jobs_failed_total{template="audio",code="truncated_audio"}',
      ),
      1,
    );
    assert.equal(
      worked.get('coliving_content_node_uploads_total{template="audio",outcome="done"}'),
      1,
    );
    // Request latency by route pattern and status class, never by raw URL.
    assert.ok(
      worked.get(
        'coliving_content_node_http_request_duration_seconds_count{method="POST",route="/uploads",status_class="2xx"}',
      )! >= 2,
    );
    assert.ok(![...worked.keys()].some((k) => k.includes(refused.id)));

    // Node B lost a blob it should hold: repair pulls it back, and the gauges follow.
    await b.store.delete(done.results['320']!);
    const pulledBefore = (await scrape(b.endpoint)).get(
      'coliving_content_node_repair_blobs_total{action="pulled"}',
    );
    const report = await b.node.repairOnce();
    assert.deepEqual(report.pulled, [done.results['320']]);
    const repaired = await scrape(b.endpoint);
    assert.equal(
      repaired.get('coliving_content_node_repair_blobs_total{action="pulled"}'),
      (pulledBefore ?? 0) + 1,
    );
    assert.equal(repaired.get('coliving_content_node_repair_blobs_missing'), 0);
    assert.equal(repaired.get('coliving_content_node_peers{state="healthy"}'), 1);
    assert.equal(repaired.get('coliving_content_node_peers{state="unhealthy"}'), 0);
    let bytes = 0;
    let blobs = 0;
    for await (const cid of b.store.list()) {
      bytes += (await b.store.head(cid))!.size;
      blobs++;
    }
    assert.ok(bytes > 0);
    assert.equal(repaired.get('coliving_content_node_blob_storage_bytes'), bytes);
    assert.equal(repaired.get('coliving_content_node_blobs'), blobs);

    // A blob no peer has any more stays missing, and says so.
    await a.store.delete(done.results.peaks!);
    await b.store.delete(done.results.peaks!);
    await b.node.repairOnce();
    const backlog = await scrape(b.endpoint);
    assert.equal(backlog.get('coliving_content_node_repair_blobs_missing'), 1);
  });

  it('counts a repair pass that fails (its blob store unreachable) as failed, and answers unhealthy', async () => {
    // A real S3 store whose endpoint nothing listens on (keys given: no credential lookups).
    const closed = await freePort();
    const store = await openBlobStore(
      `s3://key:secret@coliving-blobs/cn?endpoint=http://127.0.0.1:${closed}&region=us-east-1`,
    );
    const dataDir = join(dir, 'node-s3');
    const listens = await ListenJournal.open(join(dataDir, 'listens.jsonl'));
    const account = privateKeyToAccount(nodeKeys[0]);
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const node = await createContentNode(
      {
        account,
        store,
        listens,
        ffmpeg,
        logger: false,
        network: createStaticNetwork(
          [{ endpoint, delegateWallet: account.address }],
          [discovery.address],
        ),
        discovery: everyWalletIsAUserForTests(),
      },
      { publicUrl: endpoint, dataDir, version: '0.1.0', transcodeWorkers: 1, repairIntervalMs: 0 },
    );
    await node.start();
    try {
      await assert.rejects(node.repairOnce());
      const res = await node.app.inject({ method: 'GET', url: '/metrics' });
      assert.match(res.body, /^coliving_content_node_repair_passes_total\{outcome="failed"\} 1$/m);
      assert.match(res.body, /^coliving_content_node_repair_passes_total\{outcome="ran"\} 0$/m);
      // Its health check says so too: a node that cannot reach its blobs is not healthy.
      const health = await node.app.inject({ method: 'GET', url: '/health_check' });
      assert.equal(health.statusCode, 503, health.body);
      const { data } = health.json<{ data: Record<string, unknown> }>();
      assert.equal(data.healthy, false);
      assert.equal(data.storageReachable, false);
      assert.match(String(data.storageProblem), /^the blob store did not answer: /);
    } finally {
      await node.stop();
      await listens.close();
      await store.close();
    }
  });

  it('exposes every content-node metric, label and value the alert rules and the dashboard use', async () => {
    const [a, b] = members as [Member, Member];
    // One of each: a job failed, a repair pass ran (labelled series appear once observed).
    const scraped = scrapedMetrics(
      ...(await Promise.all(
        [a, b].map(async (m) => (await fetch(`${m.endpoint}/metrics`)).text()),
      )),
    );
    const { queries, problems } = await shippedOperationsQueries();
    assert.deepEqual(problems, []);
    // Each parses as PromQL; each metric, label and compared value is in the real scrape.
    assert.deepEqual(
      checkQueries(queries, scraped, {
        prefix: 'coliving_content_node_',
        possibleValues: { status_class: [200, 300, 400, 500].map(statusClassOf) },
      }),
      [],
    );
    const used = new Set(queries.flatMap(({ expr }) => [...metricNamesIn(expr)]));
    const ours = [...used].filter((name) => name.startsWith('coliving_content_node_'));
    assert.ok(ours.length >= 8, `only ${ours.length} content-node names used`);
    // Every name is one of the two nodes'.
    for (const name of used)
      assert.match(name, /^coliving_(content|discovery)_node_/, `${name} belongs to no node`);
  });
});
