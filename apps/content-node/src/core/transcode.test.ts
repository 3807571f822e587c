import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { UnprocessableError } from '@coliving/protocol';
import { type FfmpegBinaries, findFfmpegBinaries } from './ffmpegBinaries.js';
import {
  PREVIEW_SECONDS,
  checkDecodedLength,
  formatDuration,
  WAVEFORM_PEAKS,
  previewWindow,
  probeAudio,
  transcodeAudio,
} from './transcode.js';

const run = promisify(execFile);

describe('transcode', () => {
  let binaries: FfmpegBinaries;
  let dir: string;
  let song: string;

  before(async () => {
    binaries = await findFfmpegBinaries();
    dir = await mkdtemp(join(tmpdir(), 'coliving-transcode-'));
    song = join(dir, 'song.wav');
    // 40 s of a chord whose loudness swells: a 44.1 kHz WAV, as a landlord might upload.
    await run(binaries.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=220:duration=40:sample_rate=44100',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=277:duration=40:sample_rate=44100',
      '-filter_complex',
      '[0][1]amix=inputs=2,volume=eval=frame:volume=t/40',
      '-ac',
      '2',
      song,
    ]);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The mean volume (dB) of one second of `file` from `start`. */
  async function meanVolume(file: string, start: number): Promise<number> {
    const { stderr } = await run(binaries.ffmpeg, [
      '-hide_banner',
      '-ss',
      String(start),
      '-t',
      '1',
      '-i',
      file,
      '-af',
      'volumedetect',
      '-f',
      'null',
      '-',
    ]);
    const match = /mean_volume: (-?[\d.]+) dB/.exec(stderr);
    assert.ok(match, stderr);
    return Number(match[1]);
  }

  /** A `seconds`-long stereo sine, as a WAV. */
  async function tone(seconds: number): Promise<string> {
    const file = join(dir, `tone-${seconds}.wav`);
    await run(binaries.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=330:duration=${seconds}`,
      '-ac',
      '2',
      file,
    ]);
    return file;
  }

  it('makes a 320 kbps 48 kHz MP3, a preview of half the track and waveform peaks', async () => {
    const out = await mkdtemp(join(dir, 'job-'));
    const result = await transcodeAudio({
      binaries,
      input: song,
      outDir: out,
      previewStartSeconds: 5,
    });
    assert.ok(Math.abs(result.durationSeconds - 40) < 0.1, `duration ${result.durationSeconds}`);

    const { stdout } = await run(binaries.ffprobe, [
      '-v',
      'error',
      '-print_format',
      'json',
      '-show_streams',
      '-show_format',
      result.stream,
    ]);
    const probe = JSON.parse(stdout) as {
      streams: { codec_name: string; sample_rate: string; channels: number; bit_rate: string }[];
      format: { duration: string };
    };
    const [audio] = probe.streams;
    assert.equal(audio?.codec_name, 'mp3');
    assert.equal(audio?.sample_rate, '48000');
    assert.equal(audio?.channels, 2);
    assert.equal(audio?.bit_rate, '320000');
    assert.ok(Math.abs(Number(probe.format.duration) - 40) < 0.2);

    // A 40 s track's preview is half of it, 20 s (at most 30 s, at most half).
    const preview = await probeAudio(binaries, result.preview);
    assert.ok(
      preview.durationSeconds > 19.85 && preview.durationSeconds <= 20,
      `preview ${preview.durationSeconds}`,
    );
    // The preview starts where asked: its first second is as loud as the track's sixth (the
    // swell makes every second's loudness different), not as loud as the first.
    const previewStart = await meanVolume(result.preview, 0);
    assert.ok(Math.abs(previewStart - (await meanVolume(result.stream, 5))) < 0.5);
    assert.ok(Math.abs(previewStart - (await meanVolume(result.stream, 0))) > 6);

    const { version, peaks } = JSON.parse(await readFile(result.peaks, 'utf8')) as {
      version: number;
      peaks: number[];
    };
    assert.equal(version, 1);
    assert.equal(peaks.length, WAVEFORM_PEAKS);
    for (const p of peaks) assert.ok(p >= 0 && p <= 1);
    // The swell: the last tenth is louder than the first tenth.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(peaks.slice(900)) > 4 * mean(peaks.slice(0, 100)));
  });

  it('starts a preview early enough to last its length when asked to start near the end', async () => {
    const out = await mkdtemp(join(dir, 'job-'));
    const result = await transcodeAudio({
      binaries,
      input: song,
      outDir: out,
      previewStartSeconds: 39,
    });
    const preview = await probeAudio(binaries, result.preview);
    assert.ok(
      preview.durationSeconds > 19.85 && preview.durationSeconds <= 20,
      `preview ${preview.durationSeconds}`,
    );
    // It is the track's second half: it ends as loud as the track does.
    assert.ok(
      Math.abs((await meanVolume(result.preview, 18.5)) - (await meanVolume(result.stream, 38.5))) <
        0.5,
    );
  });

  it('cuts a 20 s track a preview of at most 10 s, never the whole track', async () => {
    const out = await mkdtemp(join(dir, 'job-'));
    const result = await transcodeAudio({
      binaries,
      input: await tone(20),
      outDir: out,
      previewStartSeconds: 15,
    });
    assert.notEqual(result.preview, result.stream);
    const preview = await probeAudio(binaries, result.preview);
    assert.ok(
      preview.durationSeconds > 9.85 && preview.durationSeconds <= 10,
      `preview ${preview.durationSeconds}`,
    );
  });

  it('makes previews at most 30 s and at most half the track, starting where they fit', () => {
    assert.deepEqual(previewWindow(200, 50), { start: 50, seconds: PREVIEW_SECONDS });
    assert.deepEqual(previewWindow(200, 190), { start: 170, seconds: PREVIEW_SECONDS });
    assert.deepEqual(previewWindow(40, 5), { start: 5, seconds: 20 });
    assert.deepEqual(previewWindow(20, 15), { start: 10, seconds: 10 });
    assert.deepEqual(previewWindow(1, 0), { start: 0, seconds: 0.5 });
    assert.deepEqual(previewWindow(20.0015, 0), { start: 0, seconds: 10 });
  });

  it('refuses what is not audio with a clear 422 error', async () => {
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not a song\n'.repeat(100));
    const png = join(dir, 'cover.png');
    await run(binaries.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=red:s=64x64',
      '-frames:v',
      '1',
      png,
    ]);
    for (const input of [text, png, join(dir, 'missing.wav')]) {
      await assert.rejects(transcodeAudio({ binaries, input, outDir: dir }), (error: unknown) => {
        assert.ok(error instanceof UnprocessableError, String(error));
        assert.equal(error.code, 'not_audio');
        // Words a person reads, naming no tool.
        assert.doesNotMatch(error.shortMessage, /ffmpeg|ffprobe|transcode/i);
        return true;
      });
    }
  });

  it('refuses a cut-off MP3 whose header says 2:00 and takes the decoded length of a whole one', async () => {
    // A 2-minute MP3 as an encoder writes it (its Xing header declares the length), then cut to
    // its first 20 kB, as a broken download or copy leaves it: about 1.2 s of audio.
    const whole = join(dir, 'whole.mp3');
    await run(binaries.ffmpeg, [
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=120',
      '-b:a',
      '128k',
      whole,
    ]);
    const cut = join(dir, 'cut.mp3');
    await run('sh', ['-c', `head -c 20000 '${whole}' > '${cut}'`]);
    // The header still claims the whole length: the reason to decode.
    assert.ok((await probeAudio(binaries, cut)).durationSeconds > 119);

    const outDir = await mkdtemp(join(dir, 'cut-'));
    await assert.rejects(transcodeAudio({ binaries, input: cut, outDir }), (error: unknown) => {
      assert.ok(error instanceof UnprocessableError, String(error));
      assert.equal(error.code, 'truncated_audio');
      assert.equal(
        error.shortMessage,
        'This file ends early: it says 2:00 but holds only 0:01 of audio. Export it again and upload the whole file.',
      );
      return true;
    });

    const wholeOut = await mkdtemp(join(dir, 'whole-'));
    const result = await transcodeAudio({ binaries, input: whole, outDir: wholeOut });
    assert.ok(Math.abs(result.durationSeconds - 120) < 0.1, `duration ${result.durationSeconds}`);
  });

  it('lets small differences between declared and decoded lengths pass', () => {
    assert.doesNotThrow(() => checkDecodedLength(120, 119.5));
    // Short by more than 10 % but by less than 2 s: a short clip's padding, not a cut file.
    assert.doesNotThrow(() => checkDecodedLength(3, 1.5));
    assert.doesNotThrow(() => checkDecodedLength(120, 108.5));
    assert.throws(
      () => checkDecodedLength(120, 107),
      /ends early: it says 2:00 but holds only 1:47/,
    );
    assert.equal(formatDuration(3725), '1:02:05');
  });
});
