// @coliving/sdk: build apps on Coliving, in Node and in the browser. See README.md.
export { type ColivingSdk, type ColivingSdkInit, createColivingSdk } from './createColivingSdk.js';
export {
  type ColivingSdkErrorParameters,
  type ColivingSdkErrorType,
  ColivingSdkError,
  describeRefusal,
  isColivingSdkError,
} from './errors.js';
export type { AuthReturnType, ChangePasswordParameters, Credentials } from './auth.js';
export type { ChainTarget } from './discovery.js';
export {
  type CreateDeveloperAppParameters,
  type CreateDeveloperAppReturnType,
  type DeveloperAppsApi,
  type UpdateDeveloperAppParameters,
  toAppAddress,
} from './developerApps.js';
export type { AnswerGrantParameters, GrantParameters, GrantsApi } from './grants.js';
export type {
  LoginParameters,
  OAuthApi,
  OAuthPopupMessage,
  OAuthProfile,
  OAuthStorage,
  OAuthToken,
} from './oauth.js';
export type {
  AuthorizedApp,
  DeveloperApp,
  Grant,
  ManagedUser,
  UserManager,
} from '@coliving/protocol';
export {
  type AuthRecordInput,
  LOOKUP_KEY_SALT,
  SCRYPT_PARAMS,
  decryptEntropy,
  encryptEntropy,
  lookupKeyOf,
  mnemonicFromEntropy,
  walletFromEntropy,
} from './hedgehog.js';
export type {
  AccessConditionsInput,
  GenreInput,
  MoodInput,
  PlaylistFieldsInput,
  TrackFieldsInput,
  TrackFilesInput,
  TrackMetadataInput,
  TrackUpdateInput,
  UserFieldsInput,
} from './metadata.js';
export {
  type AmountInput,
  type BuyParameters,
  type ListTipsParameters,
  type PaymentOptions,
  type PaymentReturnType,
  type PaymentStatus,
  type PurchasesApi,
  type SendTipParameters,
  type TipsApi,
  type WalletApi,
  DGCO_DECIMALS,
  formatDgco,
  toWei,
} from './payments.js';
export type {
  CreatePlaylistParameters,
  CreatePlaylistReturnType,
  PlaylistsApi,
  UpdatePlaylistChanges,
} from './playlists.js';
export type { ResolveReturnType } from './resolve.js';
export type { WriteOptions } from './social.js';
export type {
  BulkTracksParameters,
  CreateTrackParameters,
  DownloadUrlOptions,
  SearchSortMethod,
  SearchTracksParameters,
  StreamUrlOptions,
  TracksApi,
  TrendingTime,
  TrendingTracksParameters,
  UpdateTrackChanges,
  UploadTrackParameters,
  UploadTrackReturnType,
} from './tracks.js';
export type * from './types.js';
export type { FileInput, UploadProgressEvent } from './upload.js';
export type {
  CreateUserParameters,
  CreateUserReturnType,
  ListenCountsMonthlyParameters,
  UpdateUserChanges,
  UserTracksParameters,
  UsersApi,
} from './users.js';
// Ids: the API's hashids and the numbers they stand for.
export { decodeHashId, encodeHashId } from '@coliving/protocol';
