import type { IncomingMessage } from 'node:http';
import proxyAddr from '@fastify/proxy-addr';

/**
 * The client's address as fastify's `request.ip` gives it with the node's `trustProxy` setting
 * (the same library, the same rule): the socket's peer, or with trustProxy the furthest address
 * in X-Forwarded-For. For answers fastify does not route (the stream route's fast lane).
 */
export function clientIpOf(trustProxy: boolean): (request: IncomingMessage) => string {
  if (!trustProxy) return (request) => request.socket.remoteAddress ?? '';
  const trustAll = () => true;
  return (request) => {
    const addresses = proxyAddr.all(request, trustAll);
    return addresses[addresses.length - 1] ?? '';
  };
}
