// @coliving/chain: viem clients for Coliving's eth chain and data chain, the local devchain,
// deployment of every contract, and helpers to fund accounts and register nodes.
export * from './constants.js';
export * from './clients.js';
export * from './startDevchain.js';
export * from './devAccountKeys.js';
export * from './deployAll.js';
export * from './helpers.js';
