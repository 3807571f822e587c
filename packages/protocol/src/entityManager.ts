import {
  type Address,
  type Hex,
  type LocalAccount,
  bytesToHex,
  getAddress,
  isAddress,
  isHex,
  recoverTypedDataAddress,
} from 'viem';
import { InvalidSignatureError, ValidationError } from './errors.js';
import { MAX_ENTITY_ID, MAX_METADATA_BYTES } from './limits.js';

/** Kinds of entity a ManageEntity action names (docs/design.md §6, first set). */
export const EntityType = {
  User: 'User',
  Track: 'Track',
  Playlist: 'Playlist',
  DeveloperApp: 'DeveloperApp',
  Grant: 'Grant',
} as const;
export type EntityType = (typeof EntityType)[keyof typeof EntityType];

/** What a ManageEntity action does to its entity. */
export const Action = {
  Create: 'Create',
  Update: 'Update',
  Delete: 'Delete',
  Follow: 'Follow',
  Unfollow: 'Unfollow',
  Save: 'Save',
  Unsave: 'Unsave',
  Repost: 'Repost',
  Unrepost: 'Unrepost',
  Approve: 'Approve',
  Reject: 'Reject',
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/**
 * The actions each entity type takes. Follows name the followed User as the entity; saves and
 * reposts name the Track or Playlist. Users are deactivated by Update, not deleted.
 */
export const ACTIONS_BY_ENTITY_TYPE: Readonly<Record<EntityType, readonly Action[]>> = {
  User: ['Create', 'Update', 'Follow', 'Unfollow'],
  Track: ['Create', 'Update', 'Delete', 'Save', 'Unsave', 'Repost', 'Unrepost'],
  Playlist: ['Create', 'Update', 'Delete', 'Save', 'Unsave', 'Repost', 'Unrepost'],
  // Developer apps and grants name the acting user as the entity too; the app or grantee is in
  // the metadata (docs/design.md §6). A manager approves or rejects a grant it was offered.
  DeveloperApp: ['Create', 'Update', 'Delete'],
  Grant: ['Create', 'Delete', 'Approve', 'Reject'],
};

const ENTITY_TYPES = Object.values(EntityType) as readonly string[];
const ACTIONS = Object.values(Action) as readonly string[];

export function isEntityType(value: unknown): value is EntityType {
  return typeof value === 'string' && ENTITY_TYPES.includes(value);
}

export function isAction(value: unknown): value is Action {
  return typeof value === 'string' && ACTIONS.includes(value);
}

/** True when `action` is one that `entityType` takes. */
export function isValidEntityAction(entityType: EntityType, action: Action): boolean {
  return ACTIONS_BY_ENTITY_TYPE[entityType].includes(action);
}

/** The EIP-712 domain of the EntityManager contract on a given data chain. */
export function entityManagerDomain(chainId: number, verifyingContract: Address) {
  return {
    name: 'Entity Manager',
    version: '1',
    chainId,
    verifyingContract,
  } as const;
}

/** `ManageEntity(uint256 userId,string entityType,uint256 entityId,string action,string metadata,bytes32 nonce)` */
export const manageEntityTypes = {
  ManageEntity: [
    { name: 'userId', type: 'uint256' },
    { name: 'entityType', type: 'string' },
    { name: 'entityId', type: 'uint256' },
    { name: 'action', type: 'string' },
    { name: 'metadata', type: 'string' },
    { name: 'nonce', type: 'bytes32' },
  ],
} as const;

/** The signed content of one ManageEntity action. */
export type ManageEntityMessage = {
  userId: bigint;
  entityType: EntityType;
  entityId: bigint;
  action: Action;
  /** Inline JSON `{"cid":"","data":{...}}` for creates and updates, `""` otherwise. */
  metadata: string;
  /** A random 32-byte nonce; EntityManager refuses a nonce it has seen. */
  nonce: Hex;
};

/** Where a ManageEntity signature is valid: the data chain and its EntityManager. */
export type EntityManagerTarget = { chainId: number; verifyingContract: Address };

/** A fresh random 32-byte nonce from the platform's CSPRNG (Node and browsers). */
export function randomNonce(): Hex {
  return bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(32)));
}

/** Half the secp256k1 group order: a larger `s` is the malleable twin of a valid signature. */
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const textEncoder = new TextEncoder();

/**
 * Checks the shape of a ManageEntity message: known entity type and action and a valid pair,
 * ids within uint256 (and positive), metadata a string within the size limit, a bytes32 nonce.
 * Returns the message; throws ValidationError on anything else.
 */
export function assertManageEntityMessage(message: ManageEntityMessage): ManageEntityMessage {
  const { userId, entityType, entityId, action, metadata, nonce } = message;
  for (const [field, value] of [
    ['userId', userId],
    ['entityId', entityId],
  ] as const) {
    // The chain takes any uint256, but ids are exact JS numbers (docs/design.md §5): a larger id could
    // never be stored or served, so it is refused here, by clients, relays and indexers alike.
    if (typeof value !== 'bigint' || !isStorableEntityId(value)) {
      throw new ValidationError(`${field} must be an integer from 1 to ${MAX_ENTITY_ID}`, {
        code: 'invalid_action',
      });
    }
  }
  if (!isEntityType(entityType)) {
    throw new ValidationError(`Unknown entity type "${String(entityType)}"`, {
      code: 'invalid_action',
    });
  }
  if (!isAction(action) || !isValidEntityAction(entityType, action)) {
    throw new ValidationError(`${entityType} does not take action "${String(action)}"`, {
      code: 'invalid_action',
    });
  }
  if (typeof metadata !== 'string') {
    throw new ValidationError('metadata must be a string', { code: 'invalid_action' });
  }
  if (textEncoder.encode(metadata).length > MAX_METADATA_BYTES) {
    throw new ValidationError(`metadata is larger than ${MAX_METADATA_BYTES} bytes`, {
      code: 'metadata_too_large',
    });
  }
  if (typeof nonce !== 'string' || !isHex(nonce, { strict: true }) || nonce.length !== 66) {
    throw new ValidationError('nonce must be 32 bytes of 0x-prefixed hex', {
      code: 'invalid_action',
    });
  }
  return message;
}

export type SignManageEntityParameters = EntityManagerTarget & {
  account: Pick<LocalAccount, 'signTypedData'>;
  message: ManageEntityMessage;
};

/** Signs a ManageEntity action as EIP-712 typed data with the user's wallet. */
export async function signManageEntity({
  account,
  chainId,
  verifyingContract,
  message,
}: SignManageEntityParameters): Promise<Hex> {
  assertTarget({ chainId, verifyingContract });
  assertManageEntityMessage(message);
  return account.signTypedData({
    domain: entityManagerDomain(chainId, verifyingContract),
    types: manageEntityTypes,
    primaryType: 'ManageEntity',
    message,
  });
}

export type RecoverManageEntitySignerParameters = EntityManagerTarget & {
  message: ManageEntityMessage;
  signature: Hex;
};

const SIGNATURE_SHAPE = /^0x[0-9a-fA-F]{130}$/;

/**
 * Refuses what EntityManager (OpenZeppelin's ECDSA) would revert on, so a relay never pays gas
 * for it: a signature not 65 bytes, `v` other than 27 or 28, or a high `s`.
 */
function assertCanonicalSignature(signature: unknown): asserts signature is Hex {
  if (typeof signature !== 'string' || !SIGNATURE_SHAPE.test(signature)) {
    throw new InvalidSignatureError('Signature must be 65 bytes of 0x-prefixed hex', {
      code: 'malformed_signature',
    });
  }
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if ((v !== 27 && v !== 28) || s > SECP256K1_HALF_N) {
    throw new InvalidSignatureError('Signature is not in canonical form (v 27/28, low s)', {
      code: 'malformed_signature',
    });
  }
}

function assertTarget({ chainId, verifyingContract }: EntityManagerTarget): void {
  // A bad target is the caller's configuration, not the signer's fault: a plain Error (500).
  if (
    !Number.isSafeInteger(chainId) ||
    chainId <= 0 ||
    !isAddress(verifyingContract, { strict: false })
  ) {
    throw new Error(
      `Invalid EntityManager target: chain ${chainId}, contract ${verifyingContract}`,
    );
  }
}

/**
 * Recovers the wallet that signed a ManageEntity action. A malformed or unrecoverable signature is
 * an InvalidSignatureError; a well-formed signature over other data recovers some other address,
 * so callers compare the result with the wallet they expect.
 */
export async function recoverManageEntitySigner({
  chainId,
  verifyingContract,
  message,
  signature,
}: RecoverManageEntitySignerParameters): Promise<Address> {
  assertTarget({ chainId, verifyingContract });
  assertManageEntityMessage(message);
  assertCanonicalSignature(signature);
  try {
    return await recoverTypedDataAddress({
      domain: entityManagerDomain(chainId, verifyingContract),
      types: manageEntityTypes,
      primaryType: 'ManageEntity',
      message,
      signature,
    });
  } catch (cause) {
    throw new InvalidSignatureError('Signature cannot be recovered', { cause });
  }
}

/** Recovers the signer and throws InvalidSignatureError unless it is `expected`. */
export async function verifyManageEntitySignature(
  parameters: RecoverManageEntitySignerParameters & { expected: Address },
): Promise<Address> {
  if (!isAddress(parameters.expected, { strict: false })) {
    throw new ValidationError('Expected signer is not an address', { code: 'invalid_address' });
  }
  const signer = await recoverManageEntitySigner(parameters);
  if (getAddress(signer) !== getAddress(parameters.expected)) {
    throw new InvalidSignatureError('Action is not signed by the claimed wallet', {
      details: `recovered ${signer}, expected ${parameters.expected}`,
    });
  }
  return signer;
}

/** Entity ids in our database fit a JS number; larger uint256 ids are refused by the indexer. */
export function isStorableEntityId(id: bigint): boolean {
  return id >= 1n && id <= BigInt(MAX_ENTITY_ID);
}
