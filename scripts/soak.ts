/**
 * Load and soak: thousands of concurrent handshakes with a mix of valid, anonymous and forged
 * cookies against a real Redis session store, then many connect/disconnect cycles. Every client
 * knows what it is entitled to; the run fails (exit 1) on any wrongly accepted or wrongly refused
 * connection, a handshake that never ends, a crash, or anything left behind: sockets, timers,
 * handshake requests that cannot be collected, or heap growth beyond the bound.
 *
 *   npm run soak                                   # the full run (see DEFAULTS)
 *   npm run soak -- --clients 300 --cycles 400     # a short run
 *   npm run soak -- --json                         # the report as JSON on the last line
 *
 * Options: --clients N (concurrent handshakes), --cycles N, --workers N (parallel cycles),
 * --users N, --max-heap-growth-mb N, --redis-url URL (else REDIS_URL, else redis://127.0.0.1:6379).
 * --inject fail-open|leak breaks the app on purpose (a `fail` that lets everyone in; a request and
 * an armed timer kept per connection), to prove the checks catch it: the run must then fail.
 */
import { createHook } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RedisStore } from 'connect-redis';
import { sign } from 'cookie-signature';
import express from 'express';
import session from 'express-session';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as ioClient } from 'socket.io-client';
import { authorize } from '../src';

const DEFAULTS = { clients: 3000, cycles: 20000, workers: 50, users: 200, maxHeapGrowthMb: 6 };
const SECRET = 'soak secret';
/** Generous: a local Redis answers in well under a millisecond; only a hang reaches this. */
const CLIENT_GIVE_UP_MS = 30_000;

type Kind = 'valid' | 'signedQuery' | 'noCookie' | 'anonymousSession' | 'forgedSignature' | 'wrongSecret' | 'rawQuery' | 'loggedOut';
const MIX: [Kind, number][] = [
  ['valid', 50],
  ['signedQuery', 5],
  ['noCookie', 10],
  ['anonymousSession', 10],
  ['forgedSignature', 10],
  ['wrongSecret', 5],
  ['rawQuery', 5],
  ['loggedOut', 5],
];
const NOT_LOGGED_IN = ['No session found', 'User not authorized through passport. (User Property not found)'];
const REFUSAL_OF: Record<Exclude<Kind, 'valid' | 'signedQuery'>, string[]> = {
  noCookie: ['No session found'],
  anonymousSession: ['Passport was not initialized'],
  forgedSignature: ['No session found'],
  wrongSecret: ['No session found'],
  rawQuery: ['No session found'],
  loggedOut: NOT_LOGGED_IN,
};

interface Options {
  clients: number;
  cycles: number;
  workers: number;
  users: number;
  maxHeapGrowthMb: number;
  redisUrl: string;
  json: boolean;
  inject: 'fail-open' | 'leak' | undefined;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { ...DEFAULTS, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', json: false, inject: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--json') {
      options.json = true;
      continue;
    }
    const value = argv[i + 1];
    i += 1;
    const number = Number(value);
    switch (arg) {
      case '--clients':
        options.clients = number;
        break;
      case '--cycles':
        options.cycles = number;
        break;
      case '--workers':
        options.workers = number;
        break;
      case '--users':
        options.users = number;
        break;
      case '--max-heap-growth-mb':
        options.maxHeapGrowthMb = number;
        break;
      case '--redis-url':
        options.redisUrl = String(value);
        break;
      case '--inject':
        if (value !== 'fail-open' && value !== 'leak') throw new Error('--inject takes fail-open or leak');
        options.inject = value;
        break;
      default:
        throw new Error(`unknown option ${arg} (see the header of scripts/soak.ts)`);
    }
  }
  for (const name of ['clients', 'cycles', 'workers', 'users', 'maxHeapGrowthMb'] as const) {
    if (!Number.isFinite(options[name]) || options[name] < 1) throw new Error(`--${name} must be a positive number`);
  }
  return options;
}

/** What one client presents and what it is entitled to. */
interface Credential {
  kind: Kind;
  cookie?: string;
  query?: Record<string, string>;
  userId?: number;
}

interface Outcome {
  kind: Kind;
  ms: number;
  verdict: 'ok' | 'wrongly accepted' | 'wrongly refused' | 'hung';
  detail?: string;
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();

async function collectGarbage(): Promise<void> {
  for (let round = 0; round < 4; round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    gc();
  }
}

/** Timers alive now that were created since `mark()` (unref'd ones too, which getActiveResourcesInfo omits). */
function timerTracker() {
  const live = new Set<number>();
  let tracking = false;
  const hook = createHook({
    init(asyncId, type) {
      if (tracking && type === 'Timeout') live.add(asyncId);
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  return {
    mark() {
      live.clear();
      tracking = true;
    },
    stop() {
      tracking = false;
    },
    get alive() {
      return live.size;
    },
    disable: () => hook.disable(),
  };
}

/**
 * Latency samples in a buffer allocated up front, so that measuring allocates nothing per
 * handshake and the heap comparison sees the app, not the bookkeeping.
 */
class Samples {
  private readonly values: Float64Array;
  private count = 0;
  constructor(capacity: number) {
    this.values = new Float64Array(capacity);
  }
  add(value: number): void {
    if (this.count < this.values.length) this.values[this.count++] = value;
  }
  percentiles() {
    return percentiles(Array.from(this.values.subarray(0, this.count)));
  }
}

/** Outcomes counted per kind as they come; only wrong ones keep an example. */
class Tally {
  readonly byKind: Record<string, { clients: number; accepted: number; refused: number; wrong: number }> = {};
  constructor(private readonly wrong: Map<string, { count: number; example: string }>) {
    for (const [kind] of MIX) this.byKind[kind] = { clients: 0, accepted: 0, refused: 0, wrong: 0 };
  }
  get total(): number {
    return Object.values(this.byKind).reduce((sum, row) => sum + row.clients, 0);
  }
  add(outcome: Outcome): void {
    const row = this.byKind[outcome.kind]!;
    row.clients += 1;
    if (outcome.verdict === 'ok') {
      if (outcome.kind === 'valid' || outcome.kind === 'signedQuery') row.accepted += 1;
      else row.refused += 1;
      return;
    }
    row.wrong += 1;
    const key = `${outcome.verdict}: ${outcome.kind}`;
    const seen = this.wrong.get(key);
    if (seen) seen.count += 1;
    else this.wrong.set(key, { count: 1, example: outcome.detail ?? '' });
  }
}

function percentiles(values: number[]): Record<'p50' | 'p90' | 'p99' | 'max', number> {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (n: number) => Math.round(n * 100) / 100;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(sorted.at(-1) ?? 0) };
}

function activeTimeouts(): number {
  return process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const problems: string[] = [];
  const crashes: unknown[] = [];
  process.on('uncaughtException', (err) => crashes.push(err));
  process.on('unhandledRejection', (err) => crashes.push(err));
  const timers = timerTracker();
  const started = performance.now();

  // The app: Express, express-session on Redis, passport-local, socket.io 4 with authorize().
  const prefix = `pssio_soak_${process.pid}_${randomBytes(4).toString('hex')}:`;
  const redis = createClient({ url: options.redisUrl });
  redis.on('error', () => {});
  await redis.connect();
  const store = new RedisStore({ client: redis, prefix });
  const users = Array.from({ length: options.users }, (_, i) => ({ id: i + 1, username: `user${i + 1}` }));
  const passport = new Passport();
  passport.use(
    new LocalStrategy((username, _password, done) => {
      const user = users.find((candidate) => candidate.username === username);
      done(null, user ? ({ ...user } as Express.User) : false);
    }),
  );
  passport.serializeUser((user: Express.User, done) => done(null, (user as { id: number }).id));
  passport.deserializeUser((id: number, done) => done(null, (users.find((user) => user.id === id) as Express.User | undefined) ?? false));
  const app = express();
  app.use(express.json());
  app.use(session({ secret: SECRET, store, resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/login', passport.authenticate('local'), (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/visit', (req, res) => {
    (req.session as unknown as Record<string, unknown>).visited = true;
    res.json({ ok: true });
  });
  app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.json({ ok: true }))));
  const http = createServer(app);
  const io = new Server(http);
  // Every handshake request of the measured cycles, to count how many are ever collected.
  const requests = { tracked: 0, collected: 0, tracking: false };
  const collected = new FinalizationRegistry<null>(() => {
    requests.collected += 1;
  });
  io.use((socket, next) => {
    if (requests.tracking) {
      requests.tracked += 1;
      collected.register(socket.request, null);
    }
    next();
  });
  // The package's own time per decision (store round trip included), from its decision events.
  const phaseCapacity = Math.max(options.clients, options.cycles, 1000);
  let decisionMs = new Samples(phaseCapacity);
  const injectedLeak: object[] = [];
  io.use(
    authorize({
      store,
      secret: SECRET,
      passport,
      onDecision: (event) => decisionMs.add(event.totalMs),
      ...(options.inject === 'fail-open' ? { fail: (_data, _message, _critical, accept) => accept() } : {}),
      ...(options.inject === 'leak'
        ? {
            success(data, accept) {
              injectedLeak.push(data);
              setTimeout(() => injectedLeak.length, 3_600_000).unref();
              accept();
            },
          }
        : {}),
    }),
  );
  io.on('connection', (socket) => {
    socket.on('whoami', (ack: (id: unknown) => void) => ack((socket.request as { user?: { id?: unknown } }).user?.id));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const sessionCookie = async (path: string, body?: unknown, cookie?: string): Promise<string> => {
    const response = await fetch(url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body ?? {}),
    });
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    const pair = response.headers
      .getSetCookie()
      .map((line) => line.split(';')[0] as string)
      .find((candidate) => candidate.startsWith('connect.sid='));
    await response.arrayBuffer();
    if (!pair && cookie) return cookie;
    if (!pair) throw new Error(`${path} set no session cookie`);
    return pair;
  };

  // The credentials: real logins, saved anonymous sessions, logged-out sessions, and forgeries.
  const logins: { cookie: string; userId: number }[] = [];
  for (const user of users)
    logins.push({ cookie: await sessionCookie('/login', { username: user.username, password: 'pw' }), userId: user.id });
  const anonymous = await Promise.all(Array.from({ length: 20 }, () => sessionCookie('/visit')));
  const loggedOut: string[] = [];
  for (let i = 0; i < 20; i += 1) {
    const cookie = await sessionCookie('/login', { username: 'user1', password: 'pw' });
    await sessionCookie('/logout', {}, cookie);
    loggedOut.push(cookie);
  }
  const signedValue = (cookie: string) => decodeURIComponent(cookie.slice('connect.sid='.length));
  const sidOf = (cookie: string) => {
    const value = signedValue(cookie);
    return value.slice(2, value.lastIndexOf('.'));
  };
  const totalWeight = MIX.reduce((sum, [, weight]) => sum + weight, 0);
  const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)] as T;
  const credential = (): Credential => {
    const roll = Math.random() * totalWeight;
    let upTo = 0;
    const kind = (MIX.find(([, weight]) => {
      upTo += weight;
      return roll < upTo;
    }) ?? MIX[0]!)[0];
    const login = pick(logins);
    switch (kind) {
      case 'valid':
        return { kind, cookie: login.cookie, userId: login.userId };
      case 'signedQuery':
        return { kind, query: { session_id: signedValue(login.cookie) }, userId: login.userId };
      case 'noCookie':
        return { kind };
      case 'anonymousSession':
        return { kind, cookie: pick(anonymous) };
      case 'forgedSignature':
        return { kind, cookie: `connect.sid=${encodeURIComponent(`s:${sign(sidOf(login.cookie), 'forged')}`)}` };
      case 'wrongSecret':
        return { kind, cookie: `connect.sid=${encodeURIComponent(`s:${sidOf(login.cookie)}.${randomBytes(32).toString('base64')}`)}` };
      case 'rawQuery':
        return { kind, query: { session_id: sidOf(login.cookie) } };
      case 'loggedOut':
        return { kind, cookie: pick(loggedOut) };
    }
  };

  /** One client: connect, check the decision against the entitlement, ask whoami, leave. */
  const handshake = (cred: Credential): Promise<Outcome> =>
    new Promise((resolve) => {
      const begin = performance.now();
      const socket: ClientSocket = ioClient(url, {
        forceNew: true,
        reconnection: false,
        transports: ['websocket'],
        extraHeaders: cred.cookie ? { cookie: cred.cookie } : {},
        query: cred.query,
        timeout: CLIENT_GIVE_UP_MS,
      });
      let done = false;
      const finish = (verdict: Outcome['verdict'], detail?: string) => {
        if (done) return;
        done = true;
        clearTimeout(giveUp);
        socket.close();
        resolve({ kind: cred.kind, ms: handshakeMs, verdict, ...(detail ? { detail } : {}) });
      };
      let handshakeMs = 0;
      const giveUp = setTimeout(() => finish('hung', 'no decision'), CLIENT_GIVE_UP_MS + 1000);
      socket.on('connect', () => {
        handshakeMs = performance.now() - begin;
        if (cred.userId === undefined) return finish('wrongly accepted', `${cred.kind} client let in`);
        socket.timeout(CLIENT_GIVE_UP_MS).emit('whoami', (err: unknown, id: unknown) => {
          if (err) return finish('hung', 'no answer to whoami');
          finish(id === cred.userId ? 'ok' : 'wrongly accepted', id === cred.userId ? undefined : `user ${cred.userId} got user ${id}`);
        });
      });
      socket.on('connect_error', (err: Error) => {
        handshakeMs = performance.now() - begin;
        if (cred.userId !== undefined) return finish('wrongly refused', `${cred.kind}: ${err.message}`);
        const expected = REFUSAL_OF[cred.kind as keyof typeof REFUSAL_OF];
        finish(
          expected.includes(err.message) ? 'ok' : 'wrongly refused',
          expected.includes(err.message) ? undefined : `${cred.kind}: ${err.message}`,
        );
      });
    });

  const wrong = new Map<string, { count: number; example: string }>();

  // Phase 1: a burst of concurrent handshakes.
  const burst = { tally: new Tally(wrong), handshakeMs: new Samples(options.clients), decisionMs };
  const burstStarted = performance.now();
  for (const outcome of await Promise.all(Array.from({ length: options.clients }, () => handshake(credential())))) {
    burst.tally.add(outcome);
    burst.handshakeMs.add(outcome.ms);
  }
  const burstSeconds = (performance.now() - burstStarted) / 1000;

  const runCycles = async (count: number, tally: Tally, handshakeMs: Samples): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        next += 1;
        const outcome = await handshake(credential());
        tally.add(outcome);
        handshakeMs.add(outcome.ms);
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.workers, count) }, worker));
  };
  const serverIdle = async () => {
    for (let attempt = 0; attempt < 200 && (io.of('/').sockets.size > 0 || io.engine.clientsCount > 0); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };

  // Phase 2: one client at a time, for the latency of an uncontended handshake.
  decisionMs = new Samples(phaseCapacity);
  const sequential = { tally: new Tally(wrong), handshakeMs: new Samples(200), decisionMs };
  for (let i = 0; i < 200; i += 1) {
    const outcome = await handshake(credential());
    sequential.tally.add(outcome);
    sequential.handshakeMs.add(outcome.ms);
  }

  // Phase 3: warm up (JIT, pools), then measure across many connect/disconnect cycles.
  const warmupCount = Math.min(500, Math.ceil(options.cycles / 5));
  const cycles = {
    tally: new Tally(wrong),
    handshakeMs: new Samples(options.cycles + warmupCount),
    decisionMs: new Samples(phaseCapacity),
  };
  await runCycles(warmupCount, cycles.tally, new Samples(warmupCount));
  decisionMs = cycles.decisionMs;
  await serverIdle();
  await collectGarbage();
  const before = process.memoryUsage();
  const timeoutsBefore = activeTimeouts();
  timers.mark();
  requests.tracking = true;
  const cyclesStarted = performance.now();
  await runCycles(options.cycles, cycles.tally, cycles.handshakeMs);
  const cyclesSeconds = (performance.now() - cyclesStarted) / 1000;
  requests.tracking = false;
  timers.stop();
  await serverIdle();
  await collectGarbage();
  const after = process.memoryUsage();
  const timeoutsAfter = activeTimeouts();
  const retainedRequests = requests.tracked - requests.collected;

  const leftSockets = io.of('/').sockets.size;
  const leftEngineClients = io.engine.clientsCount;
  const heapGrowthMb = (after.heapUsed - before.heapUsed) / 1024 / 1024;
  const report = {
    options: { ...options, redisUrl: undefined },
    burst: {
      clients: options.clients,
      seconds: Math.round(burstSeconds * 100) / 100,
      byKind: burst.tally.byKind,
      handshakeMs: burst.handshakeMs.percentiles(),
      decisionMs: burst.decisionMs.percentiles(),
    },
    sequential: {
      clients: sequential.tally.total,
      byKind: sequential.tally.byKind,
      handshakeMs: sequential.handshakeMs.percentiles(),
      decisionMs: sequential.decisionMs.percentiles(),
    },
    cycles: {
      cycles: options.cycles,
      warmup: warmupCount,
      seconds: Math.round(cyclesSeconds * 100) / 100,
      byKind: cycles.tally.byKind,
      handshakeMs: cycles.handshakeMs.percentiles(),
      decisionMs: cycles.decisionMs.percentiles(),
    },
    memory: {
      heapUsedBeforeMb: Math.round((before.heapUsed / 1024 / 1024) * 100) / 100,
      heapUsedAfterMb: Math.round((after.heapUsed / 1024 / 1024) * 100) / 100,
      heapGrowthMb: Math.round(heapGrowthMb * 100) / 100,
      heapGrowthBytesPerCycle: Math.round((after.heapUsed - before.heapUsed) / options.cycles),
      rssBeforeMb: Math.round((before.rss / 1024 / 1024) * 10) / 10,
      rssAfterMb: Math.round((after.rss / 1024 / 1024) * 10) / 10,
      maxHeapGrowthMb: options.maxHeapGrowthMb,
    },
    leftBehind: {
      sockets: leftSockets,
      engineClients: leftEngineClients,
      timersCreatedDuringCyclesStillArmed: timers.alive,
      activeTimeoutsBefore: timeoutsBefore,
      activeTimeoutsAfter: timeoutsAfter,
      handshakeRequestsTracked: requests.tracked,
      handshakeRequestsStillReachable: retainedRequests,
    },
    crashes: crashes.map(String),
    problems: [] as string[],
    seconds: 0,
  };

  for (const [key, { count, example }] of wrong) problems.push(`${key} x${count} (e.g. ${example})`);
  if (leftSockets > 0 || leftEngineClients > 0)
    problems.push(`${leftSockets} sockets and ${leftEngineClients} engine clients left after disconnect`);
  if (timers.alive > 0) problems.push(`${timers.alive} timers created during the cycles are still armed after every client left`);
  if (timeoutsAfter > timeoutsBefore) problems.push(`active Timeouts grew from ${timeoutsBefore} to ${timeoutsAfter}`);
  // A few requests may still be held by the last sockets' teardown; per-socket state would hold thousands.
  if (retainedRequests > Math.max(5, requests.tracked / 100)) {
    problems.push(`${retainedRequests} of ${requests.tracked} handshake requests were never collected after GC`);
  }
  if (requests.tracked !== options.cycles) problems.push(`tracked ${requests.tracked} handshakes, expected ${options.cycles}`);
  if (heapGrowthMb > options.maxHeapGrowthMb)
    problems.push(`heap grew by ${heapGrowthMb.toFixed(2)} MB (bound ${options.maxHeapGrowthMb} MB)`);
  if (crashes.length > 0) problems.push(`${crashes.length} uncaught exceptions or rejections`);

  // Cleanup: the app, and every key this run wrote.
  await new Promise<void>((resolve) => io.close(() => resolve()));
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch);
  if (keys.length > 0) await redis.del(keys);
  await redis.close();
  timers.disable();

  report.problems = problems;
  report.seconds = Math.round((performance.now() - started) / 10) / 100;
  print(report, options.json);
  return problems.length === 0 ? 0 : 1;
}

function print(report: Record<string, any>, json: boolean): void {
  const line = (label: string, value: unknown) =>
    console.log(`${label.padEnd(34)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  console.log('passport.socketio-compat soak');
  line('burst: concurrent handshakes', `${report.burst.clients} in ${report.burst.seconds} s`);
  for (const [kind, row] of Object.entries(report.burst.byKind)) line(`  ${kind}`, row);
  line('burst: client handshake (ms)', report.burst.handshakeMs);
  line('burst: authorize decision (ms)', report.burst.decisionMs);
  line('one at a time: client handshake', report.sequential.handshakeMs);
  line('one at a time: authorize decision', report.sequential.decisionMs);
  line('cycles: connect/disconnect', `${report.cycles.cycles} (+${report.cycles.warmup} warm-up) in ${report.cycles.seconds} s`);
  for (const [kind, row] of Object.entries(report.cycles.byKind)) line(`  ${kind}`, row);
  line(`cycles (${report.options.workers} at a time): handshake`, report.cycles.handshakeMs);
  line('cycles: authorize decision (ms)', report.cycles.decisionMs);
  line(
    'heap used before/after GC (MB)',
    `${report.memory.heapUsedBeforeMb} -> ${report.memory.heapUsedAfterMb} (growth ${report.memory.heapGrowthMb}, bound ${report.memory.maxHeapGrowthMb})`,
  );
  line('heap growth per cycle (bytes)', report.memory.heapGrowthBytesPerCycle);
  line('RSS before/after (MB)', `${report.memory.rssBeforeMb} -> ${report.memory.rssAfterMb}`);
  line('left behind', report.leftBehind);
  line('result', report.problems.length === 0 ? 'PASS' : `FAIL\n  ${report.problems.slice(0, 20).join('\n  ')}`);
  if (json) console.log(JSON.stringify(report));
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('soak crashed:', err);
    process.exit(1);
  },
);
