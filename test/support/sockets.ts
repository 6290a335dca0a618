/**
 * The client sockets a test opened, closed together after it: `track(socket)` where it is
 * opened, `closeSockets()` in the test's `finally` or `afterEach`.
 */
export interface SocketTracker {
  track<T>(socket: T): T;
  closeSockets(): void;
}

export function trackSockets(): SocketTracker {
  const open: { close(): unknown }[] = [];
  return {
    track<T>(socket: T): T {
      open.push(socket as { close(): unknown });
      return socket;
    },
    closeSockets(): void {
      for (const socket of open.splice(0)) socket.close();
    },
  };
}
