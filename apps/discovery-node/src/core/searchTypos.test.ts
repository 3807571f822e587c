import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.js';
import { addTrack, addUser } from '../catalogFixtures.js';
import { ENGINES, openTestDatabase, postgresUnavailable } from '../testing.js';
import { refreshSearchWords, searchTracks } from './search.js';
import { lengthWithin, typoBudget, typosBetween, wordsWithin } from './searchTypos.js';
import { TrackSearch } from './trackSearch.js';

describe('typo rules', () => {
  it("allows no typo under 4 letters, one from 4, two from 7 (Typesense's thresholds)", () => {
    assert.equal(typoBudget('gld'), 0);
    assert.equal(typoBudget('hart'), 1);
    assert.equal(typoBudget('ocean'), 1);
    assert.equal(typoBudget('sunset'), 1);
    assert.equal(typoBudget('melodie'), 2);
    assert.equal(typoBudget('satellite'), 2);
    assert.equal(typosBetween('hart', 'heart', typoBudget('hart'), false), 1);
    assert.equal(typosBetween('lovr', 'love', typoBudget('lovr'), true), 1);
    assert.equal(typosBetween('melodie', 'melody', typoBudget('melodie'), false), 2);
  });

  it('counts a swap of adjacent letters as one typo', () => {
    assert.equal(typosBetween('ocaen', 'ocean', 1, false), 1);
    assert.equal(typosBetween('ligths', 'lights', 1, false), 1);
    assert.equal(typosBetween('ligths', 'lights', 2, false), 1); // plain Levenshtein: 2
    // two letters swapped that are not neighbours: two typos
    assert.equal(typosBetween('ecoan', 'ocean', 1, false), undefined);
    assert.equal(typosBetween('ecoan', 'ocean', 2, false), 2);
  });

  it('takes the last word as the start of a word, typos allowed on that start', () => {
    assert.equal(typosBetween('midni', 'midnight', 1, true), 0);
    assert.equal(typosBetween('mindi', 'midnight', 1, true), 1);
    assert.equal(typosBetween('mindi', 'midnight', 1, false), undefined);
  });

  it('finds every known word within the typos, even one sharing no trigram with the query', () => {
    const sorted = (words: string[]) =>
      [...new Set(words)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // "bacd" as a start shares no trigram with "abcdef"; "bacdfeg" none with "abcdefg"
    const known = sorted([
      'abcdef',
      'abcdefg',
      'heart',
      'hearts',
      'harbour',
      'love',
      'lover',
      'melody',
      'night',
    ]);
    assert.deepEqual(wordsWithin(known, 'bacd', 1, true), ['abcdef', 'abcdefg']);
    assert.deepEqual(wordsWithin(known, 'bacdfeg', 2, false), ['abcdefg']);
    assert.deepEqual(wordsWithin(known, 'hart', 1, true).sort(), ['harbour', 'heart', 'hearts']);
    assert.deepEqual(wordsWithin(known, 'hart', 1, false), ['heart']);
    assert.deepEqual(wordsWithin(known, 'melodie', 2, false), ['melody']);
    assert.deepEqual(wordsWithin(known, 'nite', 1, false), ['night']); // "-ite" for "-ight"
    // the same as checking every known word, on random words and their random typos
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const letter = () => 'abcdeilmnorst'[random(13)]!;
    const dictionary = sorted(
      Array.from({ length: 400 }, () => Array.from({ length: 2 + random(9) }, letter).join('')),
    );
    for (let k = 0; k < 300; k++) {
      const base = dictionary[random(dictionary.length)]!.split('');
      for (let edits = random(3); edits > 0; edits--) {
        const at = random(base.length);
        const kind = random(4);
        if (kind === 0) base[at] = letter();
        else if (kind === 1) base.splice(at, 0, letter());
        else if (kind === 2 && base.length > 1) base.splice(at, 1);
        else if (at + 1 < base.length) [base[at], base[at + 1]] = [base[at + 1]!, base[at]!];
      }
      const word = base.join('');
      for (const prefix of [false, true]) {
        const max = typoBudget(word);
        const expected = dictionary.filter(
          (w) =>
            lengthWithin(word, w, max, prefix) && typosBetween(word, w, max, prefix) !== undefined,
        );
        assert.deepEqual(sorted(wordsWithin(dictionary, word, max, prefix)), expected, word);
      }
    }
  });

  it('counts "-ite" for "-ight" as one typo', () => {
    assert.equal(typosBetween('lites', 'lights', 1, false), 1);
    assert.equal(typosBetween('midnite', 'midnight', 1, false), 1);
    assert.equal(typosBetween('midnite', 'midnight', 0, false), undefined);
  });
});

/** Titles for the search tests: [id, title, reposts + saves]. */
const TRACKS: [number, string, number][] = [
  [1, 'Harbour Lights', 5],
  [2, 'Ocean Drive', 0],
  [3, 'Ocean Drive', 40],
  [4, 'Heart of Gold', 0],
  [5, 'Satellite Radio', 0],
  [6, 'Midnight Rain', 0],
  // one typo from "ocean" and far more popular than the exact titles
  [7, 'Ocear Drive', 5000],
  [8, 'Hearts on Fire', 0],
  [9, 'Sunset Lights', 0],
  [10, 'Love Song', 0],
  [11, 'Melody', 0],
  [12, 'Gold Rush', 0],
];
/** Tracks of "Lunar Tides" (user 2), whose name a query may match as typed. */
const TIDES_TRACKS: [number, string, number][] = [
  [13, 'Neap Tide', 2], // its title one typo from "tides", its owner exactly "tides"
  [14, 'Copper Kettle', 1],
  [15, 'Paper Boats', 15],
];

/** Track search runs in the database, or from the node's in-memory index: the same answers. */
for (const engine of ENGINES)
  for (const from of ['database', 'memory'] as const)
    describe(`search with typos on ${engine}, tracks from ${from}`, () => {
      let database: Database | undefined;
      let trackSearch: TrackSearch | undefined;
      let skip: string | undefined;
      const find = (query: string) =>
        searchTracks(database!.db, { query, limit: 10, offset: 0 }, trackSearch);

      before(async () => {
        skip = engine === 'postgres' ? await postgresUnavailable() : undefined;
        if (skip && process.env.CI === 'true') throw new Error(`${skip}; CI must have it`);
        if (skip) return;
        database = await openTestDatabase(engine);
        const db = database.db;
        await addUser(db, 1, { followers: 0 });
        for (const [id, title, popularity] of TRACKS) {
          await addTrack(db, id, 1, 10, { title });
          await db
            .insertInto('aggregate_track')
            .values({ track_id: id, repost_count: popularity, save_count: 0 })
            .execute();
        }
        await addUser(db, 2, { followers: 0 });
        await db
          .updateTable('users')
          .set({ name: 'Lunar Tides' })
          .where('user_id', '=', 2)
          .execute();
        for (const [id, title, popularity] of TIDES_TRACKS) {
          await addTrack(db, id, 2, 10, { title });
          await db
            .insertInto('aggregate_track')
            .values({ track_id: id, repost_count: popularity, save_count: 0 })
            .execute();
        }
        await refreshSearchWords(db);
        if (from === 'memory') {
          trackSearch = new TrackSearch(db);
          await trackSearch.rebuild();
          assert.ok(trackSearch.current);
        }
      });
      after(async () => {
        await database?.close();
      });

      const test = (name: string, fn: () => Promise<void>) =>
        it(name, async (t) => {
          if (skip) return t.skip(skip);
          await fn();
        });

      test('"harbur lites" finds "Harbour Lights"', async () => {
        assert.deepEqual(await find('harbur lites'), [1]);
      });

      test('forgives a swap of two letters', async () => {
        assert.deepEqual(await find('ligths'), [1, 9]);
        assert.deepEqual((await find('ocaen')).slice(0, 2), [3, 2]);
      });

      test('takes one typo in a word of 4 letters, none in a word of 3', async () => {
        // "hart" as the start of a word, one typo: "heart", "hearts" and "harbour" ("harb")
        assert.deepEqual((await find('hart')).sort(), [1, 4, 8]);
        assert.deepEqual(await find('hart of gold'), [4]);
        assert.deepEqual(await find('lovr'), [10]);
        assert.deepEqual(await find('lovr song'), [10]);
        assert.deepEqual(await find('lvoe'), [10]); // a swap: one trigram of five left
        assert.deepEqual(await find('lvoe song'), [10]);
        assert.deepEqual(await find('heart'), [4, 8]);
        // "gld" is 3 letters: no typo, so no "gold"
        assert.deepEqual(await find('gld'), []);
        assert.deepEqual(await find('gld rush'), []);
        assert.deepEqual(await find('gold'), [12, 4]); // the title's start first
      });

      test('takes two typos in a word of 7 letters or more, one below', async () => {
        assert.deepEqual(await find('melodie'), [11]); // two typos, 7 letters
        assert.deepEqual(await find('satelitte'), [5]); // two typos, 9 letters
        assert.deepEqual(await find('staelitte radio'), []); // three
        assert.deepEqual(await find('mdinigth rain'), [6]); // two typos, 8 letters
        assert.deepEqual(await find('snuset lights'), [9]); // one typo, 6 letters
        assert.deepEqual(await find('snusat lights'), []); // two typos, 6 letters
      });

      test('takes the last word as the start of a word, with its typos', async () => {
        assert.deepEqual(await find('midni'), [6]);
        assert.deepEqual(await find('rain mindi'), [6]);
        // not a word before the last
        assert.deepEqual(await find('mindi rain'), []);
      });

      test('ranks exact matches above typo matches, however popular', async () => {
        // "Ocear Drive" is one typo from "ocean" and 125 times as popular as "Ocean Drive"
        assert.deepEqual(await find('ocean drive'), [3, 2, 7]);
        assert.deepEqual(await find('ocean'), [3, 2, 7]);
      });

      test('counts a track whose owner matches as typed as an exact match', async () => {
        // "tides" is the owner's name word as typed: all three match exactly, so none ranks
        // below the others for "Neap Tide" being one typo away; the title match ranks first.
        assert.deepEqual(await find('tides'), [13, 15, 14]);
      });

      test('matches every word, each with its own allowance', async () => {
        assert.deepEqual(await find('sunset ligths'), [9]);
        assert.deepEqual(await find('harbur ocean'), []);
      });
    });
