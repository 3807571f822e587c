// What wraps every API v1 answer: `data` and the node's block heights, or an error.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** The envelope's keys beside `data`, in the order a discovery node writes them. */
export const EnvelopeFields = Type.Object({
  latest_chain_block: Type.Integer(),
  latest_indexed_block: Type.Integer(),
  latest_chain_slot_plays: Type.Optional(Type.Integer()),
  latest_indexed_slot_plays: Type.Optional(Type.Integer()),
  timestamp: Type.Optional(Type.String()),
  /** The discovery node's delegate wallet, which signed the answer (docs/api-v1.md). */
  signer: Type.Optional(Type.String()),
  /** personal_sign of sha256(JSON of {data, signer, timestamp}) by `signer`. */
  signature: Type.Optional(Type.String()),
  version: Type.Object({ service: Type.String(), version: Type.String() }),
});

/** The API v1 envelope around an answer's `data` of schema `data`. */
export function Envelope<T extends TSchema>(data: T) {
  return Type.Object({ data, ...EnvelopeFields.properties });
}
/** The API v1 envelope around every answer's `data`. */
export type Envelope<T> = { data: T } & Static<typeof EnvelopeFields>;

/** The body of every error answer, whatever its status. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    /** Stable and machine-readable, e.g. `track_not_found`. */
    code: Type.String(),
    message: Type.String(),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;
