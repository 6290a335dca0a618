/**
 * The clients of the reconnect storm: N socket.io-client connections (websocket), each with the
 * cookie of its own session, all on the node that will be killed. When a connection drops, the
 * client connects at once to one of the surviving nodes, as a load balancer would send it, and
 * asks `whoami`: it counts as re-authorized when the answer is its own user. Times are
 * `performance.timeOrigin + performance.now()` (ms), comparable with the driver's.
 */
import { performance } from 'node:perf_hooks';
import { serve } from '../lib/ipc';

const ioClient = require('socket.io-client');

interface Client {
  index: number;
  userId: number;
  cookie: string;
  socket: any;
  droppedAt?: number;
  authorizedAt?: number;
  attempts: number;
  refusals: string[];
  wrongUser?: unknown;
}

const clients: Client[] = [];
let survivors: string[] = [];
const MAX_ATTEMPTS = 20;
const now = () => performance.timeOrigin + performance.now();

function connect(url: string, client: Client): Promise<any> {
  const socket = ioClient(url, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: { cookie: client.cookie },
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error) => {
      socket.close();
      reject(err);
    });
  });
}

function whoami(socket: any): Promise<any> {
  return new Promise((resolve) => socket.timeout(30_000).emit('whoami', (err: unknown, user: unknown) => resolve(err ? undefined : user)));
}

async function moveOver(client: Client): Promise<void> {
  client.droppedAt = now();
  while (client.attempts < MAX_ATTEMPTS) {
    const url = survivors[(client.index + client.attempts) % survivors.length] as string;
    client.attempts++;
    try {
      const socket = await connect(url, client);
      const user = await whoami(socket);
      client.socket = socket;
      if (user?.id !== client.userId) client.wrongUser = user ?? null;
      client.authorizedAt = now();
      return;
    } catch (err) {
      client.refusals.push(err instanceof Error ? err.message : String(err));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

serve(
  {
    /** Opens one client per cookie (user i + 1 has cookie i) on `url`, `concurrency` at a time. */
    async open(args: { url: string; cookies: string[]; concurrency: number }) {
      let next = 0;
      const lane = async () => {
        while (next < args.cookies.length) {
          const index = next++;
          const client: Client = {
            index,
            userId: index + 1,
            cookie: args.cookies[index] as string,
            socket: undefined,
            attempts: 0,
            refusals: [],
          };
          client.socket = await connect(args.url, client);
          clients.push(client);
        }
      };
      await Promise.all(Array.from({ length: args.concurrency }, lane));
      return clients.length;
    },

    /** From now on, a dropped client moves to one of `urls`. */
    arm(args: { urls: string[] }) {
      survivors = args.urls;
      for (const client of clients) {
        client.socket.once('disconnect', () => void moveOver(client));
      }
      return clients.length;
    },

    /** Resolves once every client is authorized again (or gave up), with what each saw. */
    async results(args: { timeoutMs: number }) {
      const deadline = Date.now() + args.timeoutMs;
      while (Date.now() < deadline && clients.some((c) => c.authorizedAt === undefined && c.attempts < MAX_ATTEMPTS)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return clients.map((c) => ({
        droppedAt: c.droppedAt,
        authorizedAt: c.authorizedAt,
        attempts: c.attempts,
        refusals: c.refusals.length,
        firstRefusal: c.refusals[0],
        wrongUser: c.wrongUser !== undefined,
      }));
    },

    closeAll() {
      for (const client of clients.splice(0)) client.socket?.close();
      return 0;
    },
  },
  () => {
    for (const client of clients.splice(0)) client.socket?.close();
  },
);
