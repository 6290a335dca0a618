/**
 * Store operations per handshake: a real app per contender over a MemoryStore whose methods are
 * counted, a real HTTP login for the accepted case, and real socket.io-client handshakes over
 * websocket and polling for each case.
 */
import { contenderById } from '../lib/contenders';
import { type Any, countStoreCalls, createStore, rejectedCookies, type StoreCounts } from '../lib/fixtures';
import { serve } from '../lib/ipc';
import { loginCookie, startBenchServer } from '../lib/server';

const ioClient = require('socket.io-client');

export type Transport = 'websocket' | 'polling';
export type CookieCase = 'accepted' | 'missing' | 'forged' | 'unknown';

function handshake(url: string, cookie: string | undefined, transport: Transport): Promise<boolean> {
  const socket = ioClient(url, {
    forceNew: true,
    reconnection: false,
    transports: [transport],
    extraHeaders: cookie ? { cookie } : {},
  });
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      socket.off('connect');
      socket.off('connect_error');
      socket.disconnect();
      resolve(ok);
    };
    socket.once('connect', () => finish(true));
    socket.once('connect_error', () => finish(false));
  });
}

async function settled(io: Any): Promise<void> {
  for (let waited = 0; io.engine.clientsCount > 0 && waited < 5000; waited += 5) await new Promise((r) => setTimeout(r, 5));
  // Writes that express-session starts after the response (saveUninitialized) land a moment later.
  await new Promise((r) => setTimeout(r, 20));
}

serve({
  async measure(args: { contender: string; handshakes: number }) {
    const { store } = await createStore('memory');
    const server = await startBenchServer({ contender: contenderById(args.contender), store });
    try {
      const cookies: Record<CookieCase, string | undefined> = { accepted: await loginCookie(server.url, 1), ...rejectedCookies() };
      const counter = countStoreCalls(store);
      const results: Record<string, StoreCounts & { accepted: number }> = {};
      for (const transport of ['websocket', 'polling'] as Transport[]) {
        for (const cookieCase of ['accepted', 'missing', 'forged', 'unknown'] as CookieCase[]) {
          await settled(server.io);
          counter.reset();
          let accepted = 0;
          for (let i = 0; i < args.handshakes; i++) {
            if (await handshake(server.url, cookies[cookieCase], transport)) accepted++;
          }
          await settled(server.io);
          const n = args.handshakes;
          const { get, set, touch, destroy } = counter.counts;
          results[`${transport}/${cookieCase}`] = {
            get: get / n,
            set: set / n,
            touch: touch / n,
            destroy: destroy / n,
            accepted: accepted / n,
          };
        }
      }
      return results;
    } finally {
      await server.close();
    }
  },
});
