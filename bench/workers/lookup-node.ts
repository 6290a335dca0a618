/**
 * One socket.io node holding many authorized sockets, for the user-lookup benchmark. Alone it
 * uses socket.io's in-memory adapter; in a pair, @socket.io/redis-adapter and a shared Redis
 * session store. Sockets join their user's room through `authorize({ rooms: true })` where this
 * tree has the cluster features, else through the app's own 'connection' handler.
 */
import { COMPAT, type Contender, compat, hasClusterFeatures } from '../lib/contenders';
import { type Any, type BenchStore, createStore, redisAdapter, SECRET, seedSessions } from '../lib/fixtures';
import { serve } from '../lib/ipc';
import { type BenchServer, startBenchServer } from '../lib/server';

let server: BenchServer | undefined;
let benchStore: BenchStore | undefined;
const closers: Array<() => Promise<unknown>> = [];
const roomOf = (userId: number) => `passport:user:${userId}`;

const WITH_ROOMS: Contender = {
  ...COMPAT,
  id: 'compat-rooms',
  build: ({ store, passport }) => ({
    engine: [],
    io: [compat().authorize({ store, secret: SECRET, passport, rooms: true } as Parameters<ReturnType<typeof compat>['authorize']>[0])],
  }),
};

/** `iterations` calls of `lookup`, timed together (µs per call). */
async function timeLookups(iterations: number, lookup: (i: number) => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const result = lookup(i);
    if (result instanceof Promise) await result;
  }
  return Number(process.hrtime.bigint() - started) / 1000 / iterations;
}

serve(
  {
    /** `seed`: this node writes the sessions (the first node of a pair); `adapterKey`: Redis adapter channel prefix. */
    async init(args: { store: 'memory' | 'redis'; users: number; seed: boolean; storePrefix?: string; adapterKey?: string }) {
      benchStore = await createStore(args.store, args.storePrefix);
      const cookies = args.seed ? await seedSessions(benchStore.store, args.users) : [];
      const rooms = hasClusterFeatures();
      const contender = rooms ? WITH_ROOMS : COMPAT;
      const io = args.adapterKey ? { adapter: await redisAdapter(args.adapterKey, closers) } : {};
      server = await startBenchServer({ contender, store: benchStore.store, io });
      if (!rooms) {
        server.io.on('connection', (socket: Any) => socket.join(roomOf(socket.request.user.id)));
      }
      return { url: server.url, cookies, storePrefix: benchStore.prefix, rooms };
    },

    connected() {
      return server?.io.of('/').sockets.size ?? 0;
    },

    /**
     * Looks up users' sockets every way there is, interleaved, and checks each answer's size.
     * `expected` is the number of sockets each target user has (on this node / in the cluster).
     */
    async measure(args: {
      targets: number[];
      rounds: number;
      iterations: number;
      expectedLocal: number;
      expectedTotal: number;
      cluster: boolean;
    }) {
      const io = server!.io;
      const api = compat() as Any;
      const methods: Record<string, (userId: number) => unknown> = {
        'filterSocketsByUser (linear scan, this node)': (userId) =>
          api.filterSocketsByUser(io, (user: Any) => user.logged_in === true && user.id === userId),
        'adapter.rooms.get(room) (sync room read, this node)': (userId) => {
          const ids = io.of('/').adapter.rooms.get(roomOf(userId));
          const sockets: unknown[] = [];
          if (ids) for (const id of ids) sockets.push(io.of('/').sockets.get(id));
          return sockets;
        },
        'io.in(room).fetchSockets()': (userId) => io.in(roomOf(userId)).fetchSockets(),
      };
      if (typeof api.fetchSocketsByUser === 'function') {
        methods['fetchSocketsByUser(io, id) (room)'] = (userId) => api.fetchSocketsByUser(io, userId);
      }
      const expected: Record<string, number> = {};
      for (const name of Object.keys(methods)) {
        const local = name.includes('this node');
        expected[name] = local || !args.cluster ? args.expectedLocal : args.expectedTotal;
      }
      for (const [name, lookup] of Object.entries(methods)) {
        const found = await lookup(args.targets[0] as number);
        const size = (found as unknown[]).length;
        if (size !== expected[name]) throw new Error(`${name} found ${size} sockets, expected ${expected[name]}`);
      }
      // Warm every method up first, so that no round times the JIT at work.
      for (const lookup of Object.values(methods))
        await timeLookups(args.iterations * 3, (i) => lookup(args.targets[i % args.targets.length] as number));
      const samples: Record<string, number[]> = Object.fromEntries(Object.keys(methods).map((name) => [name, []]));
      const names = Object.keys(methods);
      for (let round = 0; round < args.rounds; round++) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + round) % names.length] as string;
          const lookup = methods[name]!;
          const us = await timeLookups(args.iterations, (i) =>
            lookup(args.targets[(round * args.iterations + i) % args.targets.length] as number),
          );
          samples[name]!.push(us);
        }
      }
      return samples;
    },
  },
  async () => {
    await server?.close();
    for (const close of closers) await close().catch(() => {});
    await benchStore?.cleanup();
  },
);
