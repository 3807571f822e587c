import { describe, expect, it } from 'vitest';
import { fakeFile } from './fixtures.js';
import {
  MAX_AUDIO_BYTES,
  formatBytes,
  normalizeTags,
  normalizeWebsite,
  profileChanges,
  safeNextPath,
  titleFromFileName,
  trackMetadata,
  validateAudioFile,
  validateConfirm,
  validateEmail,
  validateHandle,
  validateImageFile,
  validatePassword,
  validateSignUp,
  validateTrack,
  validateWebsite,
} from './validation.js';

describe('validateHandle', () => {
  it('takes handles the protocol takes', () => {
    for (const ok of ['nightowl', 'Night_Owl', 'dj.kat', '_x', 'a', 'a'.repeat(30), 'A1.b2_c3']) {
      expect(validateHandle(ok), ok).toBeUndefined();
    }
  });

  it('refuses handles the protocol refuses, saying why', () => {
    expect(validateHandle('')).toBe('Choose a handle.');
    expect(validateHandle('a'.repeat(31))).toBe('A handle is at most 30 characters.');
    expect(validateHandle('.hidden')).toBe('A handle may not start with ".".');
    expect(validateHandle('night owl')).toBe('A handle may not contain spaces.');
    expect(validateHandle('night-owl')).toMatch(/only contain letters, digits/);
    expect(validateHandle('nüght')).toMatch(/only contain letters, digits/);
    expect(validateHandle('a/b')).toMatch(/only contain letters, digits/);
  });

  it('refuses reserved handles whatever their case', () => {
    expect(validateHandle('upload')).toBe('@upload is reserved. Choose another.');
    expect(validateHandle('Settings')).toBe('@settings is reserved. Choose another.');
    expect(validateHandle('LOGIN')).toMatch(/reserved/);
  });
});

describe('password and email rules', () => {
  it('asks for at least 8 characters', () => {
    expect(validatePassword('')).toBe('Choose a password.');
    expect(validatePassword('1234567')).toBe('Use at least 8 characters.');
    expect(validatePassword('        ')).toBe('A password cannot be only spaces.');
    expect(validatePassword('12345678')).toBeUndefined();
  });

  it('wants the confirmation to match exactly', () => {
    expect(validateConfirm('secret-pass', '')).toBe('Type the password again.');
    expect(validateConfirm('secret-pass', 'secret-pas')).toBe('The passwords do not match.');
    expect(validateConfirm('secret-pass', 'secret-pass')).toBeUndefined();
  });

  it('checks the shape of an email', () => {
    expect(validateEmail('')).toBe('Enter your email.');
    expect(validateEmail('owl')).toMatch(/like name@example.com/);
    expect(validateEmail('owl@night')).toMatch(/like name@example.com/);
    expect(validateEmail(' owl@night.fm ')).toBeUndefined();
  });

  it('validates the whole sign-up form', () => {
    expect(
      validateSignUp({
        email: 'owl@night.fm',
        password: 'hunter22!',
        confirm: 'hunter22!',
        name: 'Night Owl',
        handle: 'nightowl',
      }),
    ).toEqual({
      email: undefined,
      password: undefined,
      confirm: undefined,
      name: undefined,
      handle: undefined,
    });
    const errors = validateSignUp({
      email: '',
      password: 'short',
      confirm: 'x',
      name: ' ',
      handle: '.x',
    });
    expect(Object.keys(errors).filter((k) => errors[k as keyof typeof errors])).toEqual([
      'email',
      'password',
      'confirm',
      'name',
      'handle',
    ]);
  });
});

describe('website', () => {
  it('adds https:// to a bare domain', () => {
    expect(normalizeWebsite(' example.com ')).toBe('https://example.com');
    expect(normalizeWebsite('http://example.com')).toBe('http://example.com');
    expect(normalizeWebsite('')).toBe('');
  });

  it('takes http(s) URLs and blank', () => {
    expect(validateWebsite('')).toBeUndefined();
    expect(validateWebsite('example.com')).toBeUndefined();
    expect(validateWebsite('https://night.fm/owl?x=1')).toBeUndefined();
  });

  it('refuses other schemes, non-URLs, credentials and long URLs', () => {
    expect(validateWebsite('ftp://example.com')).toBe(
      'A website must start with http:// or https://.',
    );
    expect(validateWebsite('javascript:alert(1)')).toMatch(/http:\/\/ or https:\/\//);
    expect(validateWebsite('not a url')).toMatch(/like https:\/\/example.com/);
    expect(validateWebsite('localhostish')).toMatch(/like https:\/\/example.com/);
    expect(validateWebsite('https://user:pw@example.com')).toMatch(/user name or password/);
    expect(validateWebsite(`https://example.com/${'a'.repeat(200)}`)).toMatch(/at most 200/);
  });
});

describe('files', () => {
  it('takes audio files by MIME type or, when untyped, by extension', () => {
    expect(validateAudioFile(fakeFile('song.mp3', 'audio/mpeg'))).toBeUndefined();
    expect(validateAudioFile(fakeFile('song.flac', ''))).toBeUndefined();
    expect(validateAudioFile(fakeFile('song.aiff', 'application/octet-stream'))).toBeUndefined();
  });

  it('refuses what is not audio', () => {
    expect(validateAudioFile(fakeFile('notes.txt', 'text/plain'))).toBe(
      '"notes.txt" is not an audio file. Choose an MP3, WAV, FLAC, AIFF, OGG or M4A file.',
    );
    expect(validateAudioFile(fakeFile('clip.mp4', 'video/mp4'))).toMatch(/not an audio file/);
    expect(validateAudioFile(fakeFile('mystery', ''))).toMatch(/not an audio file/);
  });

  it('refuses empty files and files over 200 MB', () => {
    expect(validateAudioFile(fakeFile('empty.wav', 'audio/wav', 0))).toBe('"empty.wav" is empty.');
    expect(validateAudioFile(fakeFile('ok.wav', 'audio/wav', MAX_AUDIO_BYTES))).toBeUndefined();
    expect(validateAudioFile(fakeFile('big.wav', 'audio/wav', MAX_AUDIO_BYTES + 1))).toBe(
      '"big.wav" is 200 MB; the largest file you can upload is 200 MB.',
    );
    expect(validateAudioFile(fakeFile('big.wav', 'audio/wav', 350 * 1024 * 1024))).toMatch(
      /is 350 MB; the largest/,
    );
  });

  it('takes images only', () => {
    expect(validateImageFile(fakeFile('cover.png', 'image/png'))).toBeUndefined();
    expect(validateImageFile(fakeFile('song.mp3', 'audio/mpeg'))).toMatch(/not an image/);
    expect(validateImageFile(fakeFile('huge.jpg', 'image/jpeg', 21 * 1024 * 1024))).toMatch(
      /at most 20 MB/,
    );
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(4.2 * 1024 * 1024)).toBe('4.2 MB');
    expect(formatBytes(42 * 1024 * 1024)).toBe('42 MB');
  });

  it('makes a title from the file name', () => {
    expect(titleFromFileName('Midnight Chords.wav')).toBe('Midnight Chords');
    expect(titleFromFileName('my_song-v2.final.mp3')).toBe('my song-v2.final');
    expect(titleFromFileName('.hidden')).toBe('.hidden');
    expect(titleFromFileName('noext')).toBe('noext');
  });
});

describe('safeNextPath', () => {
  it('keeps same-origin paths', () => {
    expect(safeNextPath('/upload')).toBe('/upload');
    expect(safeNextPath('/nightowl/midnight-chords?x=1#y')).toBe('/nightowl/midnight-chords?x=1#y');
  });

  it('drops anything that could leave the site', () => {
    for (const bad of [
      null,
      '',
      'upload',
      'https://evil.example/',
      '//evil.example/',
      '/\\evil.example',
      '/\t/evil.example',
      'javascript:alert(1)',
      // Dot segments that fold into "//host" once the path is parsed.
      '/.//evil.example',
      '/..//evil.example/x',
      '/%2e//evil.example',
      '/a/..//evil.example',
      '/./\\evil.example',
    ]) {
      expect(safeNextPath(bad), String(bad)).toBeUndefined();
    }
  });
});

describe('profileChanges', () => {
  const initial = { name: 'Night Owl', bio: 'Synths', location: null, website: 'https://a.fm' };

  it('sends nothing when nothing changed', () => {
    expect(
      profileChanges(initial, {
        name: 'Night Owl ',
        bio: 'Synths',
        location: '',
        website: 'https://a.fm',
      }),
    ).toEqual({});
  });

  it('sends only changed fields, clearing emptied ones with null', () => {
    expect(
      profileChanges(initial, { name: 'Owl', bio: '', location: 'Lisbon', website: 'b.fm' }),
    ).toEqual({ name: 'Owl', bio: null, location: 'Lisbon', website: 'https://b.fm' });
  });
});

describe('track form', () => {
  const valid = {
    title: ' Midnight Chords ',
    genre: 'Electronic',
    mood: '',
    tags: '',
    description: '',
    releaseDate: '',
    previewStartSeconds: '',
  };

  it('needs a title and a genre from the protocol list', () => {
    expect(validateTrack(valid).title).toBeUndefined();
    expect(validateTrack({ ...valid, title: '  ' }).title).toBe('Give the track a title.');
    expect(validateTrack({ ...valid, genre: '' }).genre).toBe('Choose a genre.');
    expect(validateTrack({ ...valid, genre: 'Polka' }).genre).toBe('Choose a genre from the list.');
    expect(validateTrack({ ...valid, mood: 'Sleepy' }).mood).toBe('Choose a mood from the list.');
  });

  it('checks the preview start is a number of seconds, 0 or more', () => {
    expect(validateTrack({ ...valid, previewStartSeconds: '-1' }).previewStartSeconds).toMatch(
      /0 or more/,
    );
    expect(validateTrack({ ...valid, previewStartSeconds: 'abc' }).previewStartSeconds).toMatch(
      /0 or more/,
    );
    expect(
      validateTrack({ ...valid, previewStartSeconds: '0' }).previewStartSeconds,
    ).toBeUndefined();
  });

  it('builds the SDK metadata, leaving empty fields out', () => {
    expect(trackMetadata(valid)).toEqual({ title: 'Midnight Chords', genre: 'Electronic' });
    const full = trackMetadata({
      ...valid,
      mood: 'Peaceful',
      tags: ' lofi, ,chill ',
      description: ' Late. ',
      releaseDate: '2025-06-01',
      previewStartSeconds: '30',
    });
    expect(full).toMatchObject({
      title: 'Midnight Chords',
      genre: 'Electronic',
      mood: 'Peaceful',
      tags: 'lofi,chill',
      description: 'Late.',
      previewStartSeconds: 30,
    });
    expect(full.releaseDate).toBe(new Date('2025-06-01T00:00:00').toISOString());
  });

  it('normalizes tags', () => {
    expect(normalizeTags('a,  b , ,c,')).toBe('a,b,c');
  });
});
