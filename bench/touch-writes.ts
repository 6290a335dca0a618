/**
 * Rolling expiry under an active socket load: real servers and real socket.io-client sockets
 * (several per session, as tabs), each emitting events all along, with
 * `authorize({ session: { rolling } })` over a counted MemoryStore. The target: at most one
 * `store.touch` per session per interval on the node, whatever the number of sockets and events.
 */
import { type Contender, compat, type IoMiddleware } from './lib/contenders';
import { type Any, countStoreCalls, createStore, SECRET } from './lib/fixtures';
import { loginCookie, startBenchServer } from './lib/server';

export interface TouchWritesConfig {
  sessions: number;
  socketsPerSession: number;
  /** Each socket emits an event this often. */
  eventEveryMs: number;
  seconds: number;
  /** The `rolling` interval. */
  intervalMs: number;
}

export const TOUCH_WRITES_FULL: TouchWritesConfig = {
  sessions: 20,
  socketsPerSession: 5,
  eventEveryMs: 100,
  seconds: 30,
  intervalMs: 5000,
};
export const TOUCH_WRITES_QUICK: TouchWritesConfig = { sessions: 5, socketsPerSession: 3, eventEveryMs: 100, seconds: 4, intervalMs: 1000 };

export interface TouchWritesResult {
  config: TouchWritesConfig;
  events: number;
  touches: number;
  gets: number;
  sets: number;
  /** Store touches per minute, all sessions together. */
  touchesPerMinute: number;
  /** The most the target allows: one per session per interval. */
  boundPerMinute: number;
  /** Touches per session per interval (≤ 1 meets the target). */
  perSessionPerInterval: number;
}

export async function runTouchWrites(config: TouchWritesConfig, progress: (line: string) => void): Promise<TouchWritesResult> {
  const ioClient = require('socket.io-client');
  const { store, cleanup } = await createStore('memory');
  const rolling: Contender = {
    id: 'compat-session-rolling',
    label: 'passport.socketio-compat + session (rolling)',
    build: ({ store: s, passport }) => {
      const options = { store: s, secret: SECRET, passport, session: { rolling: config.intervalMs } };
      return { engine: [], io: [compat().authorize(options as Parameters<typeof import('../src').authorize>[0]) as IoMiddleware] };
    },
    userOf: (socket) => socket.request.user,
  };
  const server = await startBenchServer({ contender: rolling, store });
  const sockets: Any[] = [];
  const timers: ReturnType<typeof setInterval>[] = [];
  try {
    const cookies: string[] = [];
    for (let i = 1; i <= config.sessions; i++) cookies.push(await loginCookie(server.url, i));
    for (const cookie of cookies) {
      for (let j = 0; j < config.socketsPerSession; j++) {
        const socket = ioClient(server.url, { forceNew: true, reconnection: false, transports: ['websocket'], extraHeaders: { cookie } });
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', resolve);
          socket.once('connect_error', reject);
        });
        sockets.push(socket);
      }
    }
    const counter = countStoreCalls(store);
    counter.reset();
    let events = 0;
    const started = Date.now();
    for (const socket of sockets) {
      timers.push(
        setInterval(() => {
          socket.emit('activity', events);
          events++;
        }, config.eventEveryMs),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, config.seconds * 1000));
    for (const timer of timers) clearInterval(timer);
    const elapsedMs = Date.now() - started;
    const { touch, get, set } = counter.counts;
    const minutes = elapsedMs / 60_000;
    const intervals = Math.ceil(elapsedMs / config.intervalMs);
    progress(`touch writes: ${touch} touches for ${events} events in ${Math.round(elapsedMs / 1000)} s`);
    return {
      config,
      events,
      touches: touch,
      gets: get,
      sets: set,
      touchesPerMinute: touch / minutes,
      boundPerMinute: (config.sessions * 60_000) / config.intervalMs,
      perSessionPerInterval: touch / (config.sessions * intervals),
    };
  } finally {
    for (const timer of timers) clearInterval(timer);
    for (const socket of sockets) socket.close();
    await server.close();
    await cleanup();
  }
}

export function touchWritesTable(result: TouchWritesResult): string {
  const c = result.config;
  const rows = [
    ['sessions × sockets', `${c.sessions} × ${c.socketsPerSession}`],
    ['events (each socket every ' + `${c.eventEveryMs} ms, ${c.seconds} s)`, String(result.events)],
    ['rolling interval', `${c.intervalMs} ms`],
    ['store.touch calls', String(result.touches)],
    ['store.get / store.set calls during the load', `${result.gets} / ${result.sets}`],
    ['touch writes per minute (all sessions)', result.touchesPerMinute.toFixed(1)],
    ['the bound: one per session per interval, per minute', result.boundPerMinute.toFixed(1)],
    ['touches per session per interval', result.perSessionPerInterval.toFixed(2)],
  ];
  return ['| measure | value |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
}
