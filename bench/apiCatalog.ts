// The api bench's synthetic catalog: users, tracks, follows, saves and reposts generated inside
// the database (INSERT ... SELECT FROM generate_series), deterministic from the row numbers.
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { GENRES, MOODS, cidFromBytes } from '@coliving/protocol';
import type { DatabaseEngine } from '../apps/discovery-node/src/db/database.js';

/** The synthetic chain has 2-second blocks: block numbers follow created_at. */
const BLOCKS_PER_YEAR = (365 * 86_400) / 2;

// Titles are an adjective (or place, or time) and a noun, sometimes a third word and a suffix:
// 3,500 distinct pairs, so every word is in many titles, as common words are.
const TITLE_FIRST = (
  'midnight golden electric broken silent endless summer neon velvet crystal wild lonely ' +
  'burning frozen hidden sweet cosmic fading restless secret northern paper silver purple ' +
  'gentle lucky hollow ocean desert city morning falling rising distant heavy tender ' +
  'crimson faded brave sacred quiet lost little holy dangerous beautiful forgotten infinite ' +
  'tropical winter'
).split(' ');
const TITLE_NOUNS = (
  'sunset dreams lights heart love fire rain river shadows waves stars memories highway ' +
  'paradise thunder whispers horizon garden echoes mirror skyline heartbeat storm moonlight ' +
  'letters forever melody journey feelings butterflies silence dance island tears wonder ' +
  'angel diamonds kingdom daylight gravity satellite strangers window ghost fever breeze ' +
  'tonight roses runaway blossom harmony flames galaxy tides wildfire lullaby avenue voices ' +
  'colors season thoughts promises streets mountains eclipse sunrise summertime heaven ' +
  'nights rhythm'
).split(' ');
const TITLE_SUFFIXES = [
  ...Array<string>(14).fill(''),
  ' (Remix)',
  ' (Live)',
  ' (Acoustic)',
  ' Pt. 2',
  ' (Radio Edit)',
  ' Interlude',
];
export const FIRST_NAMES = (
  'nova luna kai milo zara eli ivy jules rio sage theo maya leo aria finn nina omar lila ' +
  'ezra cleo dante freya hugo iris jasper kira lena marco noor otis pia quinn remy sofia ' +
  'tariq uma vince wren xavi yara'
).split(' ');
const LAST_NAMES = (
  'rivers stone vega moreau okafor lindqvist tanaka silva novak haddad kowalski fischer ' +
  'delgado nakamura osei petrov rossi santos weber young adeyemi bauer castro dubois ' +
  'eriksen ferreira garcia hansen ito jensen'
).split(' ');
const CITIES = ['Lagos', 'Berlin', 'Austin', 'Seoul', 'Lisbon', 'Toronto', 'Bogotá', 'Accra'];
/** Realistic misspellings of title words: each must still find tracks. */
export const TYPOS = [
  ...(
    'sunst midnght lovr drems ligths hart shadws paradize thundr whispres horizn memries ' +
    'moonlite electirc goldn velvett crystl satelite butterflys heartbeet skylin diamons ' +
    'kingdon gravty strangrs melodie jurney feelins silense endles restles cosmik summr ' +
    'brokn highwy ocaen forver wispers galaxi lulaby harmoney eclipce sunrize wildfyre'
  ).split(' '),
  'midnite city',
  'goldn sunset',
  'electric dreems',
  'brokn heart',
  'midnite ligths',
  'cosmik horizn',
  'velvett thundr',
  'restles heartbeet',
];

/** How many rows of each kind a catalog has. */
export type Scale = {
  tracks: number;
  users: number;
  follows: number;
  saves: number;
  reposts: number;
};

/** A catalog of `trackCount` tracks, with users, follows, saves and reposts in proportion. */
export function scaleOf(trackCount: number): Scale {
  return {
    tracks: trackCount,
    users: Math.floor(trackCount / 10),
    follows: trackCount * 5,
    saves: trackCount * 2,
    reposts: trackCount,
  };
}

/** A count as the api bench prints it. */
export const n = (value: number) => value.toLocaleString('en-US');
/** A duration as the api bench prints it. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** A SQL array literal of strings. */
function sqlArray(values: readonly string[]): string {
  return `array[${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',')}]::text[]`;
}

/** A uniform pseudo-random float8 in [0, 1) from `expr` and `seed`: deterministic, server-side. */
function rnd(expr: string, seed: number): string {
  return `(((hashint8extended((${expr})::int8, ${seed}) >> 11) & 9007199254740991)::float8 / 9007199254740992.0)`;
}

/** `array[1 + floor(r * length)]`: a pseudo-random element of a SQL array literal. */
function pick(values: readonly string[], expr: string, seed: number): string {
  return `(${sqlArray(values)})[1 + floor(${rnd(expr, seed)} * ${values.length})::int]`;
}

/** A multiplier coprime to `modulus`: `(k * m) % modulus` permutes 0..modulus-1. */
function permutationMultiplier(modulus: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const m of [7919, 104_729, 1_299_709, 15_485_863]) if (gcd(m, modulus) === 1) return m;
  throw new Error(`no permutation multiplier for ${modulus}`);
}

/**
 * Generates the catalog with INSERT ... SELECT FROM generate_series, server-side. Everything is a
 * function of the row number, so a run is reproducible. Time is a fraction of the past year
 * (`frac`, 1 = now): users and tracks are created in id order, an owner exists before its tracks,
 * and a follow, save or repost comes after both of its ends, mostly soon after the later one.
 */
export async function loadCatalog(
  client: pg.PoolClient,
  scale: Scale,
  now: Date,
  engine: DatabaseEngine,
): Promise<{ steps: string[] }> {
  const { users: U, tracks: T } = scale;
  const cids = await Promise.all(
    Array.from({ length: 16 }, (_, i) => cidFromBytes(new TextEncoder().encode(`bench ${i}`))),
  );
  const nowSql = `'${now.toISOString()}'::timestamptz`;
  const at = (frac: string) => `(${nowSql} - interval '365 days' * (1 - (${frac})))`;
  const block = (frac: string) => `(1 + floor((${frac}) * ${BLOCKS_PER_YEAR}))::int8`;
  const mulU = permutationMultiplier(U);
  const mulT = permutationMultiplier(T);
  const steps: string[] = [];
  const step = async (what: string, work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    steps.push(`${what} ${seconds(performance.now() - t0)}`);
  };

  // Bulk-load the usual way: foreign-key triggers off for this session (the rows are consistent
  // by construction), secondary indexes dropped and rebuilt after, once. Constraint indexes stay:
  // the pair tables rely on their primary keys to drop duplicate pairs.
  const tables = ['users', 'tracks', 'follows', 'saves', 'reposts'];
  await client.query('set session_replication_role = replica');
  if (engine === 'postgres') {
    await client.query('set synchronous_commit = off');
    await client.query(`set maintenance_work_mem = '1GB'`);
  }
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i join pg_class c on c.oid = i.indrelid
     where c.relnamespace = 'public'::regnamespace and c.relname = any($1)
       and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
    [tables],
  );
  for (const index of indexes) await client.query(`drop index ${index.name}`);

  await step('users', () =>
    client.query(`
      insert into users (user_id, wallet, handle, handle_lc, name, metadata, created_block,
        created_at, updated_block, updated_at, tx_hash)
      select g, wallet, handle, lower(handle), name,
        jsonb_strip_nulls(jsonb_build_object('handle', handle, 'name', name, 'bio', bio,
          'location', location, 'profile_picture_sizes', picture, 'cover_photo_sizes', cover)),
        ${block('frac')}, ${at('frac')}, ${block('frac')}, ${at('frac')},
        '0x' || md5('user tx ' || g) || md5('user tx 2 ' || g)
      from (
        select g, g::float8 / ${U} as frac,
          '0x' || substr(md5('wallet ' || g), 1, 32) || lpad(to_hex(g), 8, '0') as wallet,
          case when g % 2 = 0 then ${pick(FIRST_NAMES, 'g', 11)} || g
            else initcap(${pick(FIRST_NAMES, 'g', 11)}) || '_' || g end as handle,
          initcap(${pick(FIRST_NAMES, 'g', 11)}) || ' ' || initcap(${pick(LAST_NAMES, 'g', 12)})
            as name,
          case when g % 3 <> 2 then 'Producer and songwriter from '
            || ${pick(CITIES, 'g', 13)} || '. New music every month.' end as bio,
          case when g % 4 = 0 then ${pick(CITIES, 'g', 13)} end as location,
          case when g % 3 = 0 then ${pick(cids, 'g', 14)} end as picture,
          case when g % 3 = 0 then ${pick(cids, 'g', 15)} end as cover
        from generate_series(1, ${U}) g
      ) s`),
  );

  await step('tracks', () =>
    client.query(`
      insert into tracks (track_id, owner_id, title, genre, mood, track_cid, duration, metadata,
        created_block, created_at, updated_block, updated_at, tx_hash)
      select g, owner_id, title, genre, mood, track_cid, duration,
        jsonb_strip_nulls(jsonb_build_object('title', title, 'genre', genre, 'mood', mood,
          'tags', tags, 'track_cid', track_cid, 'duration', duration,
          'description', description, 'cover_art_sizes', cover_art)),
        ${block('frac')}, ${at('frac')}, ${block('frac')}, ${at('frac')},
        '0x' || md5('track tx ' || g) || md5('track tx 2 ' || g)
      from (
        select g, frac, owner_id, title, genre, mood, track_cid, duration, cover_art,
          lower(genre) || ',' || first_word || coalesce(',' || lower(mood), '') as tags,
          case when g % 5 = 0 then 'From the ' || lower(title) || ' sessions.' end as description
        from (
          select g, g::float8 / ${T} as frac,
            -- an owner who existed already: early users have more tracks, as early artists do
            1 + floor(${rnd('g', 21)} * ceil(${U}::float8 * g / ${T}))::int8 as owner_id,
            ${pick(TITLE_FIRST, 'g', 22)} as first_word,
            initcap(${pick(TITLE_FIRST, 'g', 22)}) || ' ' || initcap(${pick(TITLE_NOUNS, 'g', 23)})
              || case when ${rnd('g', 24)} < 0.2
                then ' ' || initcap(${pick(TITLE_NOUNS, 'g', 25)}) else '' end
              || ${pick(TITLE_SUFFIXES, 'g', 26)} as title,
            ${pick(GENRES, 'g', 27)} as genre,
            case when ${rnd('g', 28)} < 0.8 then ${pick(MOODS, 'g', 29)} end as mood,
            (${sqlArray(cids)})[1 + g % ${cids.length}] as track_cid,
            round((90 + ${rnd('g', 30)} * 330)::numeric, 3)::float8 as duration,
            case when g % 2 = 0 then ${pick(cids, 'g', 31)} end as cover_art
          from generate_series(1, ${T}) g
        ) a
      ) s`),
  );

  // Pairs: candidates from generate_series, duplicates dropped by the primary key, and rounds
  // until the count is exact (LIMIT caps a round at what is still missing).
  const loadPairs = async (
    what: string,
    count: number,
    insert: (candidates: number, need: number, seed: number) => string,
  ) => {
    let loaded = 0;
    for (let round = 0; loaded < count; round++) {
      const need = count - loaded;
      const result = await client.query(
        insert(Math.ceil(need * 1.05) + 100, need, 100 + round * 10),
      );
      loaded += result.rowCount ?? 0;
      if (round > 50) throw new Error(`${what}: ${loaded} of ${count} unique rows after 50 rounds`);
    }
  };
  // Followees are skewed (rank ~ r^2, spread over ids by a permutation): the top accounts have
  // thousands of followers, the median a few dozen.
  await step('follows', () =>
    loadPairs(
      'follows',
      scale.follows,
      (candidates, need, seed) => `
        insert into follows (follower_id, followee_id, created_block, created_at)
        select a, b, ${block('f')}, ${at('f')}
        from (
          select a, b, f0 + (1 - f0) * power(${rnd('g', seed + 2)}, 2) as f
          from (
            select g, a, b, greatest(a, b)::float8 / ${U} as f0
            from (
              select g, 1 + floor(${rnd('g', seed)} * ${U})::int8 as a,
                1 + (floor(power(${rnd('g', seed + 1)}, 2) * ${U})::int8 * ${mulU}) % ${U} as b
              from generate_series(1, ${candidates}) g
            ) c
            where a <> b
          ) d
        ) e
        limit ${need}
        on conflict do nothing`,
    ),
  );
  // Saves and reposts: popular tracks (rank ~ r^2) spread over the year; most come soon after
  // the track is out, so the week window holds the newest tracks' activity.
  for (const table of ['saves', 'reposts'] as const) {
    await step(table, () =>
      loadPairs(
        table,
        scale[table],
        (candidates, need, seed) => `
          insert into ${table} (user_id, item_type, item_id, created_block, created_at)
          select a, 'track', b, ${block('f')}, ${at('f')}
          from (
            select a, b, f0 + (1 - f0) * power(${rnd('g', seed + 2)}, 2) as f
            from (
              select g, a, b, greatest(a::float8 / ${U}, b::float8 / ${T}) as f0
              from (
                select g, 1 + floor(${rnd('g', seed + (table === 'saves' ? 0 : 5))} * ${U})::int8 as a,
                  1 + (floor(power(${rnd('g', seed + 1)}, 2) * ${T})::int8 * ${mulT}) % ${T} as b
                from generate_series(1, ${candidates}) g
              ) c
            ) d
          ) e
          limit ${need}
          on conflict do nothing`,
      ),
    );
  }

  await step('counts', async () => {
    await client.query(`
      insert into aggregate_user (user_id, track_count, follower_count, following_count,
        repost_count, save_count)
      select u.user_id, coalesce(t.n, 0), coalesce(fr.n, 0), coalesce(fg.n, 0), coalesce(r.n, 0),
        coalesce(s.n, 0)
      from users u
      left join (select owner_id, count(*) n from tracks where not is_deleted group by 1) t
        on t.owner_id = u.user_id
      left join (select followee_id, count(*) n from follows group by 1) fr
        on fr.followee_id = u.user_id
      left join (select follower_id, count(*) n from follows group by 1) fg
        on fg.follower_id = u.user_id
      left join (select user_id, count(*) n from reposts group by 1) r on r.user_id = u.user_id
      left join (select user_id, count(*) n from saves group by 1) s on s.user_id = u.user_id`);
    await client.query(`
      insert into aggregate_track (track_id, save_count, repost_count)
      select t.track_id, coalesce(s.n, 0), coalesce(r.n, 0)
      from tracks t
      left join (select item_id, count(*) n from saves where item_type = 'track' group by 1) s
        on s.item_id = t.track_id
      left join (select item_id, count(*) n from reposts where item_type = 'track' group by 1) r
        on r.item_id = t.track_id`);
  });

  await step(`${indexes.length} indexes`, async () => {
    for (const index of indexes) await client.query(index.def);
  });
  await client.query('set session_replication_role = origin');
  // Vacuum as well as analyze: otherwise autovacuum would reach these fresh tables during wrk.
  await step('vacuum analyze', () => client.query('vacuum analyze'));
  return { steps };
}
