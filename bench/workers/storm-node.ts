/**
 * One node of the reconnect-storm cluster: the bench app (Express, Passport, socket.io 4) with one
 * contender, sessions in Redis (connect-redis, a prefix shared by the three nodes), and the Redis
 * adapter. Counts the session store's reads and its own CPU time, so that the driver can report
 * them per re-authorization; the storm's victim is killed by the driver with SIGKILL.
 */
import { contenderById } from '../lib/contenders';
import { type Any, type BenchStore, countStoreCalls, createStore, redisAdapter, seedSessions } from '../lib/fixtures';
import { serve } from '../lib/ipc';
import { type BenchServer, startBenchServer } from '../lib/server';

let server: BenchServer | undefined;
let benchStore: BenchStore | undefined;
let counted: ReturnType<typeof countStoreCalls> | undefined;
const closers: Array<() => Promise<unknown>> = [];
let cpuAtReset = process.cpuUsage();
let connectionsAtReset = 0;

serve(
  {
    /** `seed`: how many sessions this node writes (the first node); the others share its prefix. */
    async init(args: { contender: string; seed: number; storePrefix?: string; adapterKey: string }) {
      benchStore = await createStore('redis', args.storePrefix);
      counted = countStoreCalls(benchStore.store);
      const cookies = args.seed > 0 ? await seedSessions(benchStore.store, args.seed) : [];
      server = await startBenchServer({
        contender: contenderById(args.contender),
        store: benchStore.store,
        io: { adapter: await redisAdapter(args.adapterKey, closers) },
      });
      return { url: server.url, cookies, storePrefix: benchStore.prefix };
    },

    /** Starts counting store reads, CPU time and accepted connections from now. */
    reset() {
      counted?.reset();
      cpuAtReset = process.cpuUsage();
      connectionsAtReset = server?.connections() ?? 0;
      return 0;
    },

    counts() {
      const cpu = process.cpuUsage(cpuAtReset);
      return {
        storeReads: counted?.counts.get ?? 0,
        cpuMs: (cpu.user + cpu.system) / 1000,
        connections: (server?.connections() ?? 0) - connectionsAtReset,
        sockets: server?.io.of('/').sockets.size ?? 0,
      };
    },

    /**
     * A user's sockets on every node, timed: this package's room lookup against the socket.io
     * guide's `io.fetchSockets()` and a filter on the user kept in `socket.data`. Returns µs per
     * call, per round, for each.
     */
    async lookups(args: { targets: number[]; rounds: number; iterations: number; expected: number }) {
      const io = server?.io as Any;
      const api = require(`${process.env.BENCH_BUILD_DIR}/src`);
      const methods: Record<string, (userId: number) => Promise<unknown[]>> = {
        'fetchSocketsByUser(io, id)': (userId) => api.fetchSocketsByUser(io, userId),
        'io.fetchSockets() + filter (the guide)': async (userId) =>
          (await io.fetchSockets()).filter((socket: Any) => socket.data?.passport?.id === userId),
      };
      for (const [name, lookup] of Object.entries(methods)) {
        const found = await lookup(args.targets[0] as number);
        if (found.length !== args.expected) throw new Error(`${name} found ${found.length} sockets, expected ${args.expected}`);
      }
      // Warm every method up first, so that no round times the JIT at work.
      for (const lookup of Object.values(methods)) for (const target of args.targets.slice(0, 4)) await lookup(target);
      const samples: Record<string, number[]> = Object.fromEntries(Object.keys(methods).map((name) => [name, []]));
      const names = Object.keys(methods);
      for (let round = 0; round < args.rounds; round++) {
        for (let k = 0; k < names.length; k++) {
          const name = names[(k + round) % names.length] as string;
          const started = process.hrtime.bigint();
          for (let i = 0; i < args.iterations; i++) {
            await methods[name]?.(args.targets[(round * args.iterations + i) % args.targets.length] as number);
          }
          samples[name]?.push(Number(process.hrtime.bigint() - started) / 1000 / args.iterations);
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
