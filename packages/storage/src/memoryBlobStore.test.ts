import { runBlobStoreCompliance } from './compliance.js';
import { openBlobStore } from './openBlobStore.js';

runBlobStoreCompliance('memory://', () => openBlobStore('memory://'));
