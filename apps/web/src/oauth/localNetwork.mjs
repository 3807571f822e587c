// For the consent page's component test: a real local network (both chains, one discovery node,
// no content node) in a process of its own, as `coliving devnet` starts one. Prints
// `{"endpoint": …}` once ready; stops the network on SIGTERM or when its parent goes away
// (stdin closes). Usage: node localNetwork.mjs <dir>
import { register } from 'tsx/esm/api';

register();
const { startNetwork } = await import('../../../devnet/src/index.ts');
const network = await startNetwork({ dir: process.argv[2], contentNodes: 0, discoveryNodes: 1 });
process.stdout.write(`${JSON.stringify({ endpoint: network.discoveryNodes[0].endpoint })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await network.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
