import { z } from 'zod';
import { MAX_PRICE_WEI, percentageToBasisPoints } from './payments.js';
import { type Action, type EntityType } from './entityManager.js';
import { isCid } from './cid.js';
import { ValidationError } from './errors.js';
import { GENRES, MOODS } from './genres.js';
import {
  MAX_BIO,
  MAX_ENTITY_ID,
  MAX_METADATA_BYTES,
  MAX_PLAYLIST_TRACKS,
  MAX_TRACK_DESCRIPTION,
} from './limits.js';
import { formatIssues } from './validate.js';
import { uploadReceiptSchema } from './uploadReceipt.js';
import {
  developerAppDeleteSchema,
  developerAppMetadataSchema,
  developerAppUpdateSchema,
  grantAnswerSchema,
  grantMetadataSchema,
} from './developerApps.js';

// Every object is strict: an unknown field is an error, never silently dropped, so that two
// nodes can never disagree about what a piece of metadata means.

/**
 * An update's schema: any non-empty subset of the fields. Fields that are optional at create
 * also take `null`, which clears them; required fields cannot be cleared.
 */
function updateOf<F extends Record<string, z.ZodType>>(fields: F) {
  const clearable = Object.fromEntries(
    Object.entries(fields).map(([key, schema]) => [
      key,
      schema.safeParse(undefined).success ? schema.nullable() : schema,
    ]),
  ) as { [K in keyof F]: F[K] | z.ZodNullable<F[K]> };
  return z
    .strictObject(clearable)
    .partial()
    .refine((v) => Object.keys(v).length > 0, { message: 'must change at least one field' });
}

// The pattern is for JSON Schema readers; isCid is the real check.
const cid = z
  .string()
  .regex(/^bafkrei[a-z2-7]{52}$/)
  .refine(isCid, 'must be a CIDv1 raw sha2-256 (bafkrei…)');

const entityId = z.int().min(1).max(MAX_ENTITY_ID);
const text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), {
      message: 'must not contain control characters',
    });
const requiredText = (max: number) =>
  text(max).refine((s) => s.trim().length > 0, { message: 'must not be blank' });
const isoDate = z.iso.datetime({ offset: true });
const unixSeconds = z.int().min(0).max(253402300799);

export const genreSchema = z.enum(GENRES);
export const moodSchema = z.enum(MOODS);

/**
 * Handles: 1–30 letters, digits, `_` or `.`, not starting with `.` (so never `.` or `..` in a
 * URL path); unique case-insensitively (checked by the indexer).
 */
export const handleSchema = z
  .string()
  .min(1)
  .max(30)
  .regex(
    /^[A-Za-z0-9_][A-Za-z0-9_.]*$/,
    'may only contain letters, digits, "_" and ".", and may not start with "."',
  );

/**
 * A purchase gate (docs/design.md §9): the price in DGCO wei as a decimal string (lossless: DGCO
 * has 18 decimals, "2500000000000000000" is 2.5 DGCO), at most the supply cap, and how the
 * payment splits among users by percentage (at most two decimals, summing to 100; without
 * splits, all to the owner). payments.ts purchaseShares turns these into what a payment carries.
 */
export const purchaseConditionSchema = z.strictObject({
  dgco_purchase: z.strictObject({
    price: z
      .string()
      .regex(/^[1-9][0-9]{0,27}$/, 'must be a positive whole amount of DGCO wei, as a string')
      .refine((price) => BigInt(price) <= MAX_PRICE_WEI, {
        message: 'must be at most the DGCO supply (1,000,000,000 DGCO)',
      }),
    splits: z
      .array(
        z.strictObject({
          user_id: entityId,
          percentage: z.number().refine((p) => percentageToBasisPoints(p) !== undefined, {
            message: 'must be above 0 and at most 100, with at most two decimals',
          }),
        }),
      )
      .min(1)
      .max(10)
      .refine(
        (splits) =>
          splits.reduce((sum, s) => sum + (percentageToBasisPoints(s.percentage) ?? 0), 0) ===
          10_000,
        { message: 'percentages must sum to 100' },
      )
      .refine((splits) => new Set(splits.map((s) => s.user_id)).size === splits.length, {
        message: 'each user may appear once',
      })
      .optional(),
  }),
});

/** Access gates of docs/design.md §9: follow, tip or purchase. */
export const accessConditionsSchema = z.union([
  z.strictObject({ follow_user_id: entityId }),
  z.strictObject({ tip_user_id: entityId }),
  purchaseConditionSchema,
]);

const trackFields = {
  title: requiredText(200),
  description: text(MAX_TRACK_DESCRIPTION).optional(),
  genre: genreSchema,
  mood: moodSchema.optional(),
  tags: text(500).optional(),
  /** The 320 kbps MP3 stream file; a track never exists without it. */
  track_cid: cid,
  preview_cid: cid.optional(),
  orig_file_cid: cid.optional(),
  orig_filename: text(255).optional(),
  waveform_cid: cid.optional(),
  duration: z
    .number()
    .positive()
    .max(24 * 60 * 60),
  preview_start_seconds: z
    .number()
    .min(0)
    .max(24 * 60 * 60)
    .optional(),
  cover_art_sizes: cid.optional(),
  /**
   * The content node's signed receipt for the audio (docs/design.md §7): the indexer refuses a
   * track whose audio its owner did not upload.
   */
  upload_receipt: uploadReceiptSchema.optional(),
  release_date: isoDate.optional(),
  is_unlisted: z.boolean().optional(),
  is_downloadable: z.boolean().optional(),
  is_original_available: z.boolean().optional(),
  license: text(200).optional(),
  isrc: z
    .string()
    .regex(/^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/, 'must be a 12-character ISRC')
    .optional(),
  iswc: text(20).optional(),
  bpm: z.number().min(1).max(999).optional(),
  musical_key: text(16).optional(),
  field_visibility: z
    .strictObject({
      mood: z.boolean(),
      tags: z.boolean(),
      genre: z.boolean(),
      share: z.boolean(),
      play_count: z.boolean(),
      remixes: z.boolean(),
    })
    .partial()
    .optional(),
  remix_of: z
    .strictObject({
      tracks: z.array(z.strictObject({ parent_track_id: entityId })).max(10),
    })
    .optional(),
  stream_conditions: accessConditionsSchema.nullable().optional(),
  download_conditions: accessConditionsSchema.nullable().optional(),
};

/** Metadata of a Track Create. */
export const trackMetadataSchema = z.strictObject(trackFields);
/** Metadata of a Track Update: any subset of the fields, at least one. */
export const trackUpdateSchema = updateOf(trackFields);

const userFields = {
  name: requiredText(32),
  bio: text(MAX_BIO).optional(),
  location: text(60).optional(),
  website: z
    .url({ protocol: /^https?$/ })
    .max(200)
    .refine((u) => !/^https?:\/\/[^/?#]*@/i.test(u), 'must not contain a user name or password')
    .optional(),
  profile_picture_sizes: cid.optional(),
  cover_photo_sizes: cid.optional(),
  artist_pick_track_id: entityId.nullable().optional(),
  allow_ai_attribution: z.boolean().optional(),
};

/** Metadata of a User Create: the handle is chosen once, here. */
export const userMetadataSchema = z.strictObject({ handle: handleSchema, ...userFields });
/** Metadata of a User Update: any subset of the profile fields (not the handle), at least one. */
export const userUpdateSchema = updateOf({ ...userFields, is_deactivated: z.boolean().optional() });

export const playlistContentsSchema = z.strictObject({
  track_ids: z
    .array(
      z.strictObject({
        track: entityId,
        time: unixSeconds,
        metadata_time: unixSeconds.optional(),
      }),
    )
    .max(MAX_PLAYLIST_TRACKS),
});

const playlistFields = {
  playlist_name: requiredText(200),
  description: text(MAX_TRACK_DESCRIPTION).optional(),
  is_album: z.boolean().optional(),
  is_private: z.boolean().optional(),
  playlist_contents: playlistContentsSchema,
  playlist_image_sizes_multihash: cid.optional(),
  release_date: isoDate.optional(),
  upc: z
    .string()
    .regex(/^[0-9]{12,13}$/, 'must be a 12- or 13-digit UPC/EAN')
    .optional(),
  stream_conditions: accessConditionsSchema.nullable().optional(),
};

/** Metadata of a Playlist Create (albums are playlists with `is_album: true`). */
export const playlistMetadataSchema = z.strictObject(playlistFields);
/** Metadata of a Playlist Update: any subset of the fields, at least one. */
export const playlistUpdateSchema = updateOf(playlistFields);

export type TrackMetadata = z.output<typeof trackMetadataSchema>;
export type TrackUpdate = z.output<typeof trackUpdateSchema>;
export type UserMetadata = z.output<typeof userMetadataSchema>;
export type UserUpdate = z.output<typeof userUpdateSchema>;
export type PlaylistMetadata = z.output<typeof playlistMetadataSchema>;
export type PlaylistUpdate = z.output<typeof playlistUpdateSchema>;
export type AccessConditions = z.output<typeof accessConditionsSchema>;

/**
 * The inline metadata envelope `{"cid": "", "data": {...}}`. `cid` is "" or a CID; it is an
 * opaque reference kept for Audius compatibility and is not checked against the data. `data` is
 * left to the entity schema, which refuses every key it does not know (`__proto__` included).
 */
const envelopeSchema = z.strictObject({
  cid: z.union([z.literal(''), cid]),
  data: z.unknown(),
});

/** The metadata schema for a (entity type, action) pair, or null when the action carries none. */
export function metadataSchemaFor(entityType: EntityType, action: Action): z.ZodType | null {
  // Every action on an app or a grant names it in its metadata (its address, its grantee).
  if (entityType === 'DeveloperApp') {
    if (action === 'Create') return developerAppMetadataSchema;
    return action === 'Update' ? developerAppUpdateSchema : developerAppDeleteSchema;
  }
  if (entityType === 'Grant') {
    return action === 'Create' || action === 'Delete' ? grantMetadataSchema : grantAnswerSchema;
  }
  if (action !== 'Create' && action !== 'Update') return null;
  const create = action === 'Create';
  switch (entityType) {
    case 'User':
      return create ? userMetadataSchema : userUpdateSchema;
    case 'Track':
      return create ? trackMetadataSchema : trackUpdateSchema;
    case 'Playlist':
      return create ? playlistMetadataSchema : playlistUpdateSchema;
  }
}

/** Parsed metadata of an action: `data` is null for actions that carry none. */
export type EntityMetadata = { cid: string; data: Record<string, unknown> | null };

const textEncoder = new TextEncoder();

/** Why an action's details do not fit, in words that say what to cut. */
function tooLargeMessage(entityType: EntityType, size: number): string {
  const what =
    entityType === 'Playlist'
      ? 'a playlist of about 250 tracks fits: remove tracks or shorten its description'
      : 'shorten its description or other text';
  return `The ${entityType.toLowerCase()}'s details take ${size} bytes and one action holds at most ${MAX_METADATA_BYTES}; ${what}`;
}

/**
 * Parses and validates the inline metadata of a ManageEntity action (docs/design.md §6). Creates and
 * updates carry `{"cid":"","data":{...}}` checked against the entity's schema; other actions
 * carry `""`. Throws ValidationError (`invalid_metadata` or `metadata_too_large`).
 */
export function parseEntityMetadata(
  entityType: EntityType,
  action: Action,
  metadata: unknown,
): EntityMetadata {
  if (typeof metadata !== 'string') {
    throw new ValidationError('metadata must be a string', { code: 'invalid_metadata' });
  }
  const size = textEncoder.encode(metadata).length;
  if (size > MAX_METADATA_BYTES) {
    throw new ValidationError(tooLargeMessage(entityType, size), { code: 'metadata_too_large' });
  }
  const schema = metadataSchemaFor(entityType, action);
  if (schema === null) {
    if (metadata !== '') {
      throw new ValidationError(`${entityType} ${action} takes no metadata`, {
        code: 'invalid_metadata',
      });
    }
    return { cid: '', data: null };
  }
  let json: unknown;
  try {
    json = JSON.parse(metadata);
  } catch {
    throw new ValidationError('metadata is not valid JSON', { code: 'invalid_metadata' });
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) {
    throw new ValidationError(`Invalid metadata envelope: ${formatIssues(envelope.error.issues)}`, {
      code: 'invalid_metadata',
    });
  }
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new ValidationError(
      `Invalid ${entityType.toLowerCase()} metadata: ${formatIssues(data.error.issues)}`,
      { code: 'invalid_metadata' },
    );
  }
  return { cid: envelope.data.cid, data: data.data as Record<string, unknown> };
}

/** Builds the inline metadata string for a Create or Update (the inverse of parseEntityMetadata). */
export function encodeEntityMetadata(data: Record<string, unknown>): string {
  return JSON.stringify({ cid: '', data });
}

/** JSON Schema (draft 2020-12) of every metadata type, for OpenAPI and other-language clients. */
export function metadataJsonSchemas() {
  const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' });
  return {
    user: toJson(userMetadataSchema),
    userUpdate: toJson(userUpdateSchema),
    track: toJson(trackMetadataSchema),
    trackUpdate: toJson(trackUpdateSchema),
    playlist: toJson(playlistMetadataSchema),
    playlistUpdate: toJson(playlistUpdateSchema),
    developerApp: toJson(developerAppMetadataSchema),
    developerAppUpdate: toJson(developerAppUpdateSchema),
    grant: toJson(grantMetadataSchema),
  };
}
