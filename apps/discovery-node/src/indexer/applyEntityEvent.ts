// The rules of docs/design.md §6 common to every entity type: whether a ManageEntity event is an action
// at all, who may take it, and which handler (entities/registry.ts) decides the rest. Every
// decision depends only on the event and the state before it, so every node decides alike.
import {
  type EntityMetadata,
  MAX_ENTITY_ID,
  ValidationError,
  isAction,
  isEntityType,
  isValidEntityAction,
  isValidAppSignature,
  parseEntityMetadata,
} from '@coliving/protocol';
import { checkActor, granteeMay } from '../core/entityRules.js';
import type { ReceiptVerdict, ReceiptVerifier } from '../core/uploadReceipts.js';
import type { EntityBatch } from './entityBatch.js';
import { type ActionContext, type ActionNeeds, SkipReason } from './entities/entityHandler.js';
import { developerApps } from './entities/developerApp.js';
import { grantKey, grants, needGrant } from './entities/grant.js';
import { ENTITY_HANDLERS } from './entities/registry.js';
import { users } from './entities/user.js';
import type { EntityEvent } from './readEntityEvents.js';

/** An event with its ids and metadata read once, before the batch loads what it needs. */
export type PreparedEvent = EntityEvent & {
  /** The ids as numbers, or undefined when out of range (the event is then skipped). */
  user: number | undefined;
  entity: number | undefined;
  parsed: EntityMetadata | ValidationError | undefined;
  /** The verdict on the upload receipt its metadata carries, if it carries one. */
  receipt?: ReceiptVerdict;
  /** A DeveloperApp Create's: whether its app_signature is the app key's, naming the user. */
  appSignatureValid?: boolean;
};

function idOf(value: bigint): number | undefined {
  return value >= 1n && value <= BigInt(MAX_ENTITY_ID) ? Number(value) : undefined;
}

/** Reads an event's ids and parses its metadata (once; the rules use the result). */
export function prepareEvent(event: EntityEvent): PreparedEvent {
  let parsed: PreparedEvent['parsed'];
  if (isEntityType(event.entityType) && isAction(event.action)) {
    if (isValidEntityAction(event.entityType, event.action)) {
      try {
        parsed = parseEntityMetadata(event.entityType, event.action, event.metadata);
      } catch (error) {
        parsed =
          error instanceof ValidationError
            ? error
            : new ValidationError('metadata could not be read', { code: 'invalid_metadata' });
      }
    }
  }
  return { ...event, user: idOf(event.userId), entity: idOf(event.entityId), parsed };
}

/**
 * Checks the upload receipts that events' metadata carry (a track's audio), against the eth
 * chain, and a DeveloperApp Create's app signature: asynchronous, so it runs while the blocks
 * are read, before their transaction.
 */
export async function checkReceipts(
  events: PreparedEvent[],
  verifier: ReceiptVerifier,
): Promise<PreparedEvent[]> {
  return Promise.all(
    events.map(async (event) => {
      const data = event.parsed instanceof ValidationError ? undefined : event.parsed?.data;
      if (event.entityType === 'DeveloperApp' && event.action === 'Create' && data) {
        const valid = await isValidAppSignature(
          event.userId,
          data as Parameters<typeof isValidAppSignature>[1],
        );
        return { ...event, appSignatureValid: valid };
      }
      const receipt = data?.upload_receipt;
      if (receipt === undefined || receipt === null) return event;
      return { ...event, receipt: await verifier.verify(receipt) };
    }),
  );
}

/** Asks `batch` to load every row `event` may read: the signer's user, then its handler's. */
export function needRows(batch: EntityBatch, event: PreparedEvent): void {
  const { user, entity, entityType, action } = event;
  if (user === undefined || entity === undefined) return;
  const signers = batch.table(users);
  signers.needId(user);
  signers.needWallet(event.signer);
  // A signer other than the user's wallet acts only by its grant (an app's missing one is named).
  needGrant(batch, user, event.signer);
  batch.table(developerApps).need(event.signer);
  if (!isEntityType(entityType) || !isAction(action)) return;
  const handler = ENTITY_HANDLERS[entityType];
  const rule = handler.actions[action];
  if (!rule) return;
  const data = event.parsed instanceof ValidationError ? undefined : event.parsed?.data;
  const needs: ActionNeeds = { user, entity, signer: event.signer, action, data };
  handler.need(batch, needs);
  rule.need?.(batch, needs);
}

/** Where an event sits: its block's time decides every timestamp it writes. */
export type EventBlock = { number: number; time: Date };

/**
 * Applies `event` to the batch, or records it as skipped with its reason; a skipped event
 * changes nothing else.
 */
export function applyEntityEvent(
  batch: EntityBatch,
  event: PreparedEvent,
  block: EventBlock,
): void {
  try {
    applyOrThrow(batch, event, block);
    batch.applied += 1;
  } catch (error) {
    if (!(error instanceof SkipReason)) throw error;
    batch.skip({
      block_number: event.blockNumber,
      log_index: event.logIndex,
      tx_hash: event.txHash,
      user_id: event.userId.toString(),
      signer: event.signer,
      entity_type: event.entityType.slice(0, 64),
      entity_id: event.entityId.toString(),
      action: event.action.slice(0, 64),
      reason_code: error.code,
      reason: error.message,
    });
  }
}

function applyOrThrow(batch: EntityBatch, event: PreparedEvent, block: EventBlock): void {
  const { entityType, action } = event;
  if (!isEntityType(entityType) || !isAction(action) || !isValidEntityAction(entityType, action)) {
    throw new SkipReason('invalid_action', `${entityType} ${action} is not an action`);
  }
  if (event.user === undefined || event.entity === undefined) {
    throw new SkipReason('invalid_id', `ids must be from 1 to ${MAX_ENTITY_ID}`);
  }
  if (event.parsed instanceof ValidationError) {
    throw new SkipReason(event.parsed.code, event.parsed.shortMessage);
  }
  const rule = ENTITY_HANDLERS[entityType].actions[action];
  if (!rule) throw new SkipReason('invalid_action', `${entityType} ${action} is not an action`);
  const context: ActionContext = {
    user: event.user,
    entity: event.entity,
    signer: event.signer,
    action,
    metadata: event.parsed!,
    stamp: { block: block.number, time: block.time, tx: event.txHash },
    edge: { created_block: block.number, created_at: block.time },
    ...(event.receipt ? { receipt: event.receipt } : {}),
    ...(event.appSignatureValid !== undefined
      ? { appSignatureValid: event.appSignatureValid }
      : {}),
  };
  if (rule.by === 'signer') return rule.apply(batch, context);
  const signerApp = batch.table(developerApps).get(event.signer);
  const actor = checkActor(
    batch.table(users).get(event.user),
    event.user,
    event.signer,
    rule.by ?? 'active user',
    {
      grant: batch.table(grants).get(grantKey(event.user, event.signer)),
      isApp: signerApp != null && !signerApp.is_deleted,
      isDeletedApp: signerApp?.is_deleted === true,
      may: granteeMay(entityType, action, context.metadata.data, event.signer),
      what: `${entityType} ${action}`,
    },
  );
  rule.apply(batch, context, actor);
}
