/**
 * Opens and holds many socket.io-client connections (websocket), each with its user's cookie,
 * spread over one or more nodes, for the user-lookup benchmark.
 */
import { serve } from '../lib/ipc';

const ioClient = require('socket.io-client');
const sockets: any[] = [];

function open(url: string, cookie: string): Promise<void> {
  const socket = ioClient(url, { forceNew: true, reconnection: false, transports: ['websocket'], extraHeaders: { cookie } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error) => reject(err));
  });
}

serve(
  {
    /** Opens sockets number `from` to `to - 1`: socket i belongs to user floor(i / perUser) and goes to node i mod nodes. */
    async open(args: { urls: string[]; cookies: string[]; from: number; to: number; perUser: number; concurrency: number }) {
      let next = args.from;
      const lane = async () => {
        while (next < args.to) {
          const i = next++;
          await open(args.urls[i % args.urls.length] as string, args.cookies[Math.floor(i / args.perUser)] as string);
        }
      };
      await Promise.all(Array.from({ length: args.concurrency }, lane));
      return sockets.length;
    },
    closeAll() {
      for (const socket of sockets.splice(0)) socket.disconnect();
      return 0;
    },
  },
  () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
  },
);
