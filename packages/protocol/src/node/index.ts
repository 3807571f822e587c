// Node-only helpers (node:crypto); the main entry stays browser-safe.
export * from './cidHasher.js';
