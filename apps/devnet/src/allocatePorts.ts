import { type Server, createServer } from 'node:net';
import { PortInUseError } from './errors.js';

export type AllocatePortsParameters = {
  /** What each port is for, in order (named in the error when one is taken). */
  uses: readonly string[];
  /** Ports portBase, portBase + 1, ... in the order of `uses`; free ports from the OS without it. */
  portBase?: number;
};

function listen(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Chooses one TCP port on 127.0.0.1 per use and checks that each can be listened on; a taken
 * port throws PortInUseError naming it. Every port is held until all are chosen, so the OS
 * never hands out the same one twice.
 */
export async function allocatePorts({
  uses,
  portBase,
}: AllocatePortsParameters): Promise<number[]> {
  if (portBase !== undefined) {
    const last = portBase + uses.length - 1;
    if (!Number.isInteger(portBase) || portBase < 1 || last > 65_535) {
      throw new RangeError(`portBase ${portBase} leaves no room for ${uses.length} ports`);
    }
  }
  const held: Server[] = [];
  try {
    for (const [i, use] of uses.entries()) {
      const port = portBase === undefined ? 0 : portBase + i;
      try {
        held.push(await listen(port));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
          throw new PortInUseError(port, use, error);
        throw error;
      }
    }
    return held.map((server) => {
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('not a TCP server');
      return address.port;
    });
  } finally {
    await Promise.all(held.map(close));
  }
}
