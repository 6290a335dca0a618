import type { IncomingMessage } from 'node:http';

/**
 * All namespaces of one connection share `socket.request`. A handshake that is refused must not
 * change the user the connection's sockets in other namespaces already read, so the refusal
 * puts back what the request held before it began.
 */
export function keepUserOfConnection(request: IncomingMessage, userProperty: string): () => void {
  const holder = request as unknown as Record<string, unknown>;
  const before = holder[userProperty];
  if (before === undefined) return noop;
  return () => {
    holder[userProperty] = before;
  };
}

function noop(): void {}
