/**
 * A real socket.io server with one contender installed (or none), for the end-to-end benchmark.
 * Reports its own CPU time, so that the driver can charge each run's handshakes to the server.
 */
import { contenderById } from '../lib/contenders';
import { createStore, seedSessions } from '../lib/fixtures';
import { serve } from '../lib/ipc';
import { type BenchServer, startBenchServer } from '../lib/server';

const [contenderId = 'none'] = process.argv.slice(2);
let server: BenchServer | undefined;

serve(
  {
    async init(args: { sessions: number }) {
      const { store } = await createStore('memory');
      const cookies = await seedSessions(store, args.sessions);
      server = await startBenchServer({ contender: contenderById(contenderId), store });
      return { url: server.url, cookies };
    },

    /** CPU used so far, once every connection of the last run has been torn down. */
    async cpu() {
      const io = server?.io;
      for (let waited = 0; io && io.engine.clientsCount > 0 && waited < 5000; waited += 5) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const usage = process.cpuUsage();
      return { cpuUs: usage.user + usage.system, connections: server?.connections() ?? 0, open: io?.engine.clientsCount ?? 0 };
    },
  },
  async () => {
    await server?.close();
  },
);
