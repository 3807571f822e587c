import type { Hex } from 'viem';
import { z } from 'zod';
import {
  type ManageEntityMessage,
  Action,
  EntityType,
  assertManageEntityMessage,
} from './entityManager.js';
import { MAX_METADATA_BYTES } from './limits.js';
import { parseWith } from './validate.js';

/**
 * The JSON body of `POST /relay`: a signed ManageEntity action. uint256 ids travel as decimal
 * strings so that no JSON parser rounds them.
 */
export const relayRequestSchema = z.strictObject({
  userId: z.string().regex(/^[1-9][0-9]{0,77}$/, 'must be a positive decimal integer string'),
  entityType: z.enum(Object.values(EntityType) as [EntityType, ...EntityType[]]),
  entityId: z.string().regex(/^[1-9][0-9]{0,77}$/, 'must be a positive decimal integer string'),
  action: z.enum(Object.values(Action) as [Action, ...Action[]]),
  // Characters, not bytes: the byte limit is checked with the rest of the message below.
  metadata: z.string().max(MAX_METADATA_BYTES),
  nonce: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be 32 bytes of 0x-prefixed hex'),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be 65 bytes of 0x-prefixed hex'),
});
export type RelayRequest = z.input<typeof relayRequestSchema>;

/** Parses a relay body into the message and signature; throws ValidationError with every problem. */
export function parseRelayRequest(body: unknown): { message: ManageEntityMessage; signature: Hex } {
  const parsed = parseWith(relayRequestSchema, body, 'relay request', 'invalid_action');
  const message: ManageEntityMessage = {
    userId: BigInt(parsed.userId),
    entityType: parsed.entityType,
    entityId: BigInt(parsed.entityId),
    action: parsed.action,
    metadata: parsed.metadata,
    // Lower case, so one nonce or signature has one spelling in logs, rate limits and dedup.
    nonce: parsed.nonce.toLowerCase() as Hex,
  };
  assertManageEntityMessage(message);
  return { message, signature: parsed.signature.toLowerCase() as Hex };
}

/** Builds the relay body for a signed message. */
export function toRelayRequest(message: ManageEntityMessage, signature: Hex): RelayRequest {
  return {
    userId: message.userId.toString(),
    entityType: message.entityType,
    entityId: message.entityId.toString(),
    action: message.action,
    metadata: message.metadata,
    nonce: message.nonce,
    signature,
  };
}
