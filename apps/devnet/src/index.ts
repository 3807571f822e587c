// @coliving/devnet: a whole Coliving network on one machine. startNetwork runs the chains and the
// nodes as processes, seedDemoCatalog fills it with music made here, buildWeb and serveWeb put
// the web player in front of it. `coliving devnet up` (npm start) is these, in that order.
export { type AllocatePortsParameters, allocatePorts } from './allocatePorts.js';
export {
  type BuildWebParameters,
  type BuildWebReturnType,
  buildWeb,
  webSourceFingerprint,
} from './buildWeb.js';
export { type TrackRecipe, composeTrack } from './composeTrack.js';
export { advanceChainClock, waitForChainClock } from './chainClock.js';
export {
  DEFAULT_CONTENT_NODES,
  DEFAULT_DISCOVERY_NODES,
  DEMO_HISTORY_DAYS,
  DEMO_RESIDENT_DGCO,
  FAUCET_DGCO,
} from './constants.js';
export {
  type DemoImageKind,
  type RenderDemoImageParameters,
  type RenderDemoImageReturnType,
  renderDemoImage,
} from './demoImages.js';
export {
  DemoCatalogError,
  DevnetResumeError,
  NodeStartError,
  PortInUseError,
  WebBuildError,
} from './errors.js';
export {
  type DevnetTreasury,
  type PayFromTreasuryParameters,
  type PayFromTreasuryReturnType,
  dgcoBalance,
  devnetTreasuryAccount,
  payFromTreasury,
} from './payFromTreasury.js';
export { type DemoTrackGate, planDemoAccess } from './planDemoSocial.js';
export { FfmpegError } from './runFfmpeg.js';
export {
  DEMO_PASSWORD,
  type DemoAccount,
  type DemoCatalogScale,
  FULL_DEMO_CATALOG,
  type SeedDemoCatalogParameters,
  type SeedDemoCatalogReturnType,
  seedDemoCatalog,
} from './seedDemoCatalog.js';
export { type ServeWebParameters, type WebServer, serveWeb } from './serveWeb.js';
export {
  type DevnetAccount,
  type DevnetDiscoveryNode,
  type DevnetNode,
  type StartNetworkParameters,
  type StartNetworkReturnType,
  startNetwork,
} from './startNetwork.js';
export { type NodeExit, nodeExitWords } from './spawnNodeProcess.js';
export {
  type SynthesizeTrackParameters,
  type SynthesizeTrackReturnType,
  synthesizeTrack,
} from './synthesizeTrack.js';
