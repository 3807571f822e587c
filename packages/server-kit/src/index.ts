// @coliving/server-kit: what both nodes share at the HTTP edge.
export * from './constants.js';
export * from './config.js';
export * from './createApp.js';
export * from './createLogger.js';
export * from './httpError.js';
export * from './limitBytes.js';
export * from './registerCors.js';
export * from './registerErrorHandlers.js';
export * from './registerHealthCheck.js';
export * from './registerDiskMetrics.js';
export * from './registerMetrics.js';
export * from './registerServerRefusals.js';
export * from './bufferPool.js';
