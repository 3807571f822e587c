// @coliving/protocol: the wire formats every Coliving part agrees on. Pure code, no I/O, safe in
// browsers; Node-only helpers live in `@coliving/protocol/node`.
export * from './api/index.js';
export * from './errors.js';
export * from './limits.js';
export * from './hashids.js';
export * from './authRecordSignature.js';
export * from './cid.js';
export * from './canonicalJson.js';
export * from './developerApps.js';
export * from './entityManager.js';
export * from './genres.js';
export * from './handles.js';
export * from './listenerProof.js';
export * from './metadata.js';
export * from './oauth.js';
export * from './relayRequest.js';
export * from './requestSignature.js';
export * from './placement.js';
export * from './payments.js';
export * from './plays.js';
export * from './streamSignature.js';
export * from './uploadRecord.js';
export * from './uploadReceipt.js';
export { formatIssues, parseWith } from './validate.js';
