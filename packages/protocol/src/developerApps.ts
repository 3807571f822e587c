// Developer apps and grants (docs/design.md §6): the metadata their ManageEntity actions carry,
// and the app signature that proves an app's creator holds the app's key.
import { type Address, type Hex, type LocalAccount, getAddress, recoverMessageAddress } from 'viem';
import { z } from 'zod';

/** A developer app's name, description and redirect URIs: how many, how long. */
export const MAX_APP_NAME = 50;
export const MAX_APP_DESCRIPTION = 280;
export const MAX_REDIRECT_URIS = 10;

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address')
  // One spelling on the chain, so every node keys the same row: lower case.
  .refine((a) => a === a.toLowerCase(), 'must be in lower case');

const text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), {
      message: 'must not contain control characters',
    });

const httpUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .refine((u) => !/^https?:\/\/[^/?#]*@/i.test(u), 'must not contain a user name or password')
  .refine((u) => !u.includes('#'), 'must not contain a fragment');

/** Where a login may send the user back: absolute http(s) URIs, at most ten. */
export const redirectUrisSchema = z.array(httpUrl).max(MAX_REDIRECT_URIS);

const appSignatureSchema = z.strictObject({
  message: z.string().max(500),
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, 'must be 65 bytes of 0x-prefixed hex'),
});

const appFields = {
  name: text(MAX_APP_NAME).refine((s) => s.trim().length > 0, { message: 'must not be blank' }),
  description: text(MAX_APP_DESCRIPTION).optional(),
  image_url: httpUrl.optional(),
  redirect_uris: redirectUrisSchema.optional(),
};

/** Metadata of a DeveloperApp Create: the app's own address and its owner's proof of its key. */
export const developerAppMetadataSchema = z.strictObject({
  address,
  ...appFields,
  app_signature: appSignatureSchema,
});

/** Metadata of a DeveloperApp Update: the app's address and the fields it changes. */
export const developerAppUpdateSchema = z
  .strictObject({
    address,
    name: appFields.name.optional(),
    description: appFields.description.nullable(),
    image_url: appFields.image_url.nullable(),
    redirect_uris: appFields.redirect_uris.nullable(),
  })
  .refine((v) => Object.keys(v).length > 1, { message: 'must change at least one field' });

/** Metadata of a DeveloperApp Delete: the app's address. */
export const developerAppDeleteSchema = z.strictObject({ address });

/** Metadata of a Grant Create or Delete: the app or manager wallet the user authorizes. */
export const grantMetadataSchema = z.strictObject({ grantee_address: address });

/** Metadata of a Grant Approve or Reject, by the manager: the user who asked it to manage. */
export const grantAnswerSchema = z.strictObject({
  grantor_user_id: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
});

export type DeveloperAppMetadata = z.output<typeof developerAppMetadataSchema>;
export type DeveloperAppUpdate = z.output<typeof developerAppUpdateSchema>;
export type AppSignature = { message: string; signature: Hex };

/**
 * The message an app's key signs (personal_sign) when its owner registers it: it names the owner
 * and the app, so a signature made for one user's app proves nothing for another's.
 */
export function developerAppMessage(userId: number | bigint, appAddress: string): string {
  return `Coliving developer app ${appAddress.toLowerCase()} for user ${userId.toString()}`;
}

/** Signs the app-registration message with the app's key. */
export async function signDeveloperApp(parameters: {
  account: Pick<LocalAccount, 'address' | 'signMessage'>;
  userId: number | bigint;
}): Promise<AppSignature> {
  const message = developerAppMessage(parameters.userId, parameters.account.address);
  return { message, signature: await parameters.account.signMessage({ message }) };
}

/**
 * Whether `data.app_signature` is the app key's signature of the registration message naming
 * `userId` and `data.address`: true only then (a malformed signature is false, never a throw).
 */
export async function isValidAppSignature(
  userId: number | bigint,
  data: { address: string; app_signature: { message: string; signature: string } },
): Promise<boolean> {
  const { message, signature } = data.app_signature;
  if (message !== developerAppMessage(userId, data.address)) return false;
  try {
    const signer: Address = await recoverMessageAddress({ message, signature: signature as Hex });
    return getAddress(signer) === getAddress(data.address);
  } catch {
    return false;
  }
}
