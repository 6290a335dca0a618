/**
 * What every benchmark shares: the users, a Passport per contender, sessions written in the shape
 * express-session writes them, signed cookies as a browser sends them, and the two stores.
 */
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { sign } from 'cookie-signature';

export type Any = any;

export const SECRET = 'keyboard cat';
export const COOKIE_NAME = 'connect.sid';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SESSION_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface BenchUser {
  id: number;
  username: string;
  name: string;
  email: string;
}

/** The app's user table; `deserializeUser` returns a fresh copy, as a database lookup would. */
const USERS = new Map<number, BenchUser>();

export function userById(id: number): BenchUser | undefined {
  let user = USERS.get(id);
  if (user === undefined && Number.isInteger(id) && id > 0 && id <= 1_000_000) {
    user = { id, username: `user${id}`, name: `User ${id}`, email: `user${id}@example.test` };
    USERS.set(id, user);
  }
  return user;
}

/** A Passport of its own for each contender, with the same (synchronous, in-memory) user lookup. */
export function createPassport(): Any {
  const { Passport } = require('passport');
  const passport = new Passport();
  passport.serializeUser((user: BenchUser, done: (err: unknown, id?: number) => void) => done(null, user.id));
  passport.deserializeUser((id: number, done: (err: unknown, user?: unknown) => void) => {
    const user = userById(id);
    done(null, user ? { ...user } : false);
  });
  return passport;
}

/** A session id as express-session makes one (24 random bytes, base64url). */
export function newSessionId(): string {
  return randomBytes(24).toString('base64url');
}

/** What express-session stores after a Passport login: the cookie's JSON and `passport.user`. */
export function storedSession(userId: number): Record<string, unknown> {
  const { Cookie } = require('express-session');
  const cookie = new Cookie({ maxAge: SESSION_MAX_AGE_MS, httpOnly: true, path: '/' });
  return { cookie, passport: { user: userId } };
}

/** The session cookie's value as express-session sets it: `s:<sid>.<hmac>`, URL-encoded. */
export function signedCookieValue(sessionId: string, secret = SECRET): string {
  return encodeURIComponent(`s:${sign(sessionId, secret)}`);
}

/** A browser's Cookie header: the session cookie among two unrelated ones, as real sites have. */
export function cookieHeader(sessionCookieValue: string): string {
  return `_ga=GA1.1.1234567890.1700000000; theme=dark; ${COOKIE_NAME}=${sessionCookieValue}`;
}

/** The secret, alone or with older ones after it (express-session's key rotation), `count` in all. */
export function secretsFor(count: number): string | string[] {
  const all = [SECRET, 'rotated out last month', 'rotated out last year'].slice(0, count);
  return all.length === 1 ? SECRET : all;
}

/**
 * Issue 12's hostile header: about `bytes` of junk signed cookies of distinct names (`j0=s:.`),
 * each of which a reader that verifies every `s:` cookie pays one HMAC per secret for.
 */
export function junkSignedCookies(bytes = 15 * 1024, value = 's:.'): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const part = `j${i}=${value}`;
    parts.push(part);
    length += part.length + 2;
  }
  return parts.join('; ');
}

/** The same header with ordinary cookies in place of the junk signed ones (`j0=x.`): its size alone. */
export function largeOrdinaryCookies(bytes = 15 * 1024): string {
  return junkSignedCookies(bytes, 'x:.');
}

/** The rejected cases of the store-operations table, each a Cookie header (or none). */
export function rejectedCookies(): Record<'missing' | 'forged' | 'unknown', string | undefined> {
  return {
    missing: undefined,
    // A well-formed cookie whose signature was made with another secret.
    forged: cookieHeader(signedCookieValue(newSessionId(), 'not the secret')),
    // Correctly signed, but for a session the store never had (expired and purged, or made up
    // by someone who knows the secret).
    unknown: cookieHeader(signedCookieValue(newSessionId())),
  };
}

export type StoreKind = 'memory' | 'redis';

export interface BenchStore {
  kind: StoreKind;
  store: Any;
  /** The Redis key prefix (Redis only), for another process to share the sessions. */
  prefix: string | undefined;
  cleanup(): Promise<void>;
}

/**
 * express-session's MemoryStore, or connect-redis@9 over a node-redis@5 client with a key prefix
 * of its own (or the given one, to share another process's sessions); cleanup deletes its keys.
 */
export async function createStore(kind: StoreKind, sharedPrefix?: string): Promise<BenchStore> {
  const session = require('express-session');
  if (kind === 'memory') return { kind, store: new session.MemoryStore(), prefix: undefined, cleanup: async () => {} };
  const { createClient } = require('redis');
  const { RedisStore } = require('connect-redis');
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  const prefix = sharedPrefix ?? `bench:${process.pid}:${randomBytes(4).toString('hex')}:`;
  const store = new RedisStore({ client, prefix });
  return {
    kind,
    store,
    prefix,
    async cleanup() {
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
      if (keys.length > 0) await client.del(keys);
      await client.quit();
    },
  };
}

/**
 * @socket.io/redis-adapter over two node-redis clients of its own; `closers` gets what quits them.
 */
export async function redisAdapter(key: string, closers: Array<() => Promise<unknown>>): Promise<unknown> {
  const { createClient } = require('redis');
  const { createAdapter } = require('@socket.io/redis-adapter');
  const pub = createClient({ url: REDIS_URL });
  const sub = pub.duplicate();
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  closers.push(
    () => pub.quit(),
    () => sub.quit(),
  );
  return createAdapter(pub, sub, { key });
}

/** Writes `count` logged-in sessions (user ids 1..count) and returns their Cookie headers. */
export async function seedSessions(store: Any, count: number, firstUserId = 1): Promise<string[]> {
  const headers: string[] = [];
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const sid = newSessionId();
    headers.push(cookieHeader(signedCookieValue(sid)));
    writes.push(
      new Promise<void>((resolve, reject) =>
        store.set(sid, storedSession(firstUserId + i), (err: unknown) => (err ? reject(err) : resolve())),
      ),
    );
    if (writes.length >= 200) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
  return headers;
}

/** Whether Redis answers at REDIS_URL (the Redis rows are skipped with a line saying so when not). */
export function redisReachable(timeoutMs = 1000): Promise<boolean> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve) => {
    const socket = createConnection({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => {
      const auth = url.password ? `AUTH ${decodeURIComponent(url.username || 'default')} ${decodeURIComponent(url.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString('latin1');
      if (answer.includes('+PONG')) done(true);
      else if (answer.startsWith('-')) done(false);
    });
  });
}

/** Counts the calls of a real store's methods (the store still does the work). */
export interface StoreCounts {
  get: number;
  set: number;
  touch: number;
  destroy: number;
}

export function countStoreCalls(store: Any): { counts: StoreCounts; reset(): void } {
  const counts: StoreCounts = { get: 0, set: 0, touch: 0, destroy: 0 };
  for (const method of ['get', 'set', 'touch', 'destroy'] as const) {
    const original = store[method];
    if (typeof original !== 'function') continue;
    store[method] = function counted(this: unknown, ...args: unknown[]) {
      counts[method]++;
      return original.apply(this, args);
    };
  }
  return {
    counts,
    reset() {
      counts.get = 0;
      counts.set = 0;
      counts.touch = 0;
      counts.destroy = 0;
    },
  };
}
