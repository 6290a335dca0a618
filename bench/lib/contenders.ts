/**
 * Every way of authorizing a socket.io handshake that the benchmarks compare, each written the
 * way its own documentation shows it, as socket.io engine middlewares (`io.engine.use`) and
 * namespace middlewares (`io.use`). The same definitions run in one process (auth-layer) and
 * on real servers (end-to-end, store operations, lookups).
 */

import { join } from 'node:path';
import { parse as parseCookieHeader } from 'cookie';
import { unsign } from 'cookie-signature';
import { type Any, COOKIE_NAME, SECRET } from './fixtures';

/**
 * This package, compiled (see build.ts); loaded on first use so that the driver never needs it.
 * BENCH_COMPAT_DIR points at another compiled copy instead (to compare a change with the code
 * before it: compile the old src with tsc and run a worker with this set).
 */
export function compat(): typeof import('../../src') {
  const other = process.env.BENCH_COMPAT_DIR;
  if (other) return require(other);
  const buildDir = process.env.BENCH_BUILD_DIR;
  if (!buildDir) throw new Error('the benchmark is not compiled: call buildBench() first');
  return require(join(buildDir, 'src'));
}

/** Whether this tree has the cluster features (issue 4): rooms, live session checks, fetchSocketsByUser. */
export function hasClusterFeatures(): boolean {
  return typeof (compat() as Record<string, unknown>).fetchSocketsByUser === 'function';
}

/** A sink for decision events, so that the listener is not optimised away. */
export let lastDecision: unknown;

export type IoMiddleware = (socket: Any, next: (err?: Error) => void) => void;
export type EngineMiddleware = (req: Any, res: Any, next: (err?: unknown) => void) => void;

export interface ContenderContext {
  store: Any;
  passport: Any;
  /** The session secret(s), newest first; SECRET unless a benchmark rotates keys. */
  secret?: string | string[];
}

export interface Contender {
  id: string;
  label: string;
  build(context: ContenderContext): { engine: EngineMiddleware[]; io: IoMiddleware[] };
  /** Where this contender leaves the user (to check that it really authorized). */
  userOf(socket: Any): Any;
}

const requestUser = (socket: Any) => socket.request.user;

function sessionMiddleware(store: Any, extra: Record<string, unknown> = {}): EngineMiddleware {
  const session = require('express-session');
  return session({ secret: SECRET, name: COOKIE_NAME, store, resave: false, saveUninitialized: false, ...extra });
}

/** socket.io's guide "How to use with Passport.js" (socket.io 4.6 and later). */
function officialEngineUse(extraSessionOptions: Record<string, unknown> = {}) {
  return ({ store, passport }: ContenderContext) => {
    const onlyForHandshake =
      (middleware: EngineMiddleware): EngineMiddleware =>
      (req, res, next) => {
        if (req._query.sid === undefined) middleware(req, res, next);
        else next();
      };
    return {
      engine: [
        onlyForHandshake(sessionMiddleware(store, extraSessionOptions)),
        onlyForHandshake(passport.session()),
        onlyForHandshake((req, res, next) => {
          if (req.user) next();
          else {
            res.writeHead(401);
            res.end();
          }
        }),
      ],
      io: [],
    };
  };
}

export const NO_AUTH: Contender = {
  id: 'none',
  label: 'no authorization (the harness alone)',
  build: () => ({ engine: [], io: [] }),
  userOf: () => undefined,
};

export const COMPAT: Contender = {
  id: 'compat',
  label: 'passport.socketio-compat',
  build: ({ store, passport, secret = SECRET }) => ({ engine: [], io: [compat().authorize({ store, secret, passport }) as IoMiddleware] }),
  userOf: requestUser,
};

/** Called as a legacy app calls it, following the legacy README: `key` and the cookie-parser factory. */
export const COMPAT_LEGACY_OPTIONS: Contender = {
  id: 'compat-legacy-options',
  label: 'passport.socketio-compat, legacy options (cookieParser)',
  build: ({ store, passport, secret = SECRET }) => {
    const options = { key: COOKIE_NAME, secret, store, passport, cookieParser: require('cookie-parser') };
    return { engine: [], io: [compat().authorize(options) as IoMiddleware] };
  },
  userOf: requestUser,
};

export const COMPAT_OBSERVED: Contender = {
  id: 'compat-observed',
  label: 'passport.socketio-compat + onDecision',
  build: ({ store, passport }) => {
    const onDecision = (event: unknown) => {
      lastDecision = event;
    };
    return { engine: [], io: [compat().authorize({ store, secret: SECRET, passport, onDecision }) as IoMiddleware] };
  },
  userOf: requestUser,
};

/** With the cluster features of issue 4 on: session and user rooms, identity in socket.data, live session checks. */
export const COMPAT_CLUSTER: Contender = {
  id: 'compat-cluster',
  label: 'passport.socketio-compat + rooms + liveSession',
  build: ({ store, passport }) => {
    const options = { store, secret: SECRET, passport, rooms: true, liveSession: true };
    return { engine: [], io: [compat().authorize(options as Parameters<typeof import('../../src').authorize>[0]) as IoMiddleware] };
  },
  userOf: requestUser,
};

/** `rooms` alone (session and user rooms, identity in socket.data): to tell its share from liveSession's. */
export const COMPAT_ROOMS: Contender = {
  id: 'compat-rooms',
  label: 'passport.socketio-compat + rooms',
  build: ({ store, passport }) => ({
    engine: [],
    io: [compat().authorize({ store, secret: SECRET, passport, rooms: true }) as IoMiddleware],
  }),
  userOf: requestUser,
};

/** `liveSession` alone (the session watched on a timer). */
export const COMPAT_LIVE: Contender = {
  id: 'compat-live',
  label: 'passport.socketio-compat + liveSession',
  build: ({ store, passport }) => ({
    engine: [],
    io: [compat().authorize({ store, secret: SECRET, passport, liveSession: true }) as IoMiddleware],
  }),
  userOf: requestUser,
};

/**
 * The same options on another compiled copy of this package (BENCH_BEFORE_DIR: `src` of an
 * earlier commit compiled with tsc), to compare a change with the code before it in one run.
 */
export const COMPAT_CLUSTER_BEFORE: Contender = {
  id: 'compat-cluster-before',
  label: 'passport.socketio-compat + rooms + liveSession (before the change)',
  build: ({ store, passport }) => {
    const before = process.env.BENCH_BEFORE_DIR;
    if (!before) throw new Error('compat-cluster-before needs BENCH_BEFORE_DIR (a compiled copy of an earlier src)');
    const options = { store, secret: SECRET, passport, rooms: true, liveSession: true };
    return { engine: [], io: [(require(before) as typeof import('../../src')).authorize(options as never) as IoMiddleware] };
  },
  userOf: requestUser,
};

/** Whether this tree has `authorize({ session })` (issue 15): the socket's express-session Session. */
export function hasSessionFeature(): boolean {
  return typeof (compat() as Record<string, unknown>).loadSocketSession === 'function';
}

/** With `session: true` (issue 15): `socket.request.session` is express-session's Session, from the one store read. */
export const COMPAT_SESSION: Contender = {
  id: 'compat-session',
  label: 'passport.socketio-compat + session',
  build: ({ store, passport }) => {
    const options = { store, secret: SECRET, passport, session: true };
    return { engine: [], io: [compat().authorize(options as Parameters<typeof import('../../src').authorize>[0]) as IoMiddleware] };
  },
  userOf: requestUser,
};

export const LEGACY: Contender = {
  id: 'legacy',
  label: 'passport.socketio 3.7.0 (legacy)',
  build: ({ store, passport, secret = SECRET }) => ({
    engine: [],
    io: [require('passport.socketio').authorize({ key: COOKIE_NAME, secret, store, passport })],
  }),
  userOf: requestUser,
};

export const ENGINE_USE: Contender = {
  id: 'engine-use',
  label: 'io.engine.use(session) + passport.session()',
  build: officialEngineUse(),
  userOf: requestUser,
};

/** The guide's variant with `saveUninitialized: true`, as many Express apps configure it. */
export const ENGINE_USE_SAVE_UNINITIALIZED: Contender = {
  id: 'engine-use-saveuninit',
  label: 'io.engine.use(session), saveUninitialized: true',
  build: officialEngineUse({ saveUninitialized: true }),
  userOf: requestUser,
};

/** socket.io's earlier guide: `wrap(middleware)` on each namespace middleware. */
export const WRAP: Contender = {
  id: 'wrap',
  label: 'io.use(wrap(session)) + wrap(passport.session())',
  build: ({ store, passport, secret = SECRET }) => {
    const wrap =
      (middleware: EngineMiddleware): IoMiddleware =>
      (socket, next) =>
        middleware(socket.request, {}, next as (err?: unknown) => void);
    return {
      engine: [],
      io: [
        wrap(sessionMiddleware(store, { secret })),
        wrap(passport.initialize()),
        wrap(passport.session()),
        (socket, next) => (socket.request.user ? next() : next(new Error('unauthorized'))),
      ],
    };
  },
  userOf: requestUser,
};

/** express-socket.io-session loads the session on `socket.handshake`; the app then deserializes. */
export const EXPRESS_SOCKETIO_SESSION: Contender = {
  id: 'esio',
  label: 'express-socket.io-session + deserializeUser',
  build: ({ store, passport }) => {
    const sharedSession = require('express-socket.io-session');
    return {
      engine: [],
      io: [
        sharedSession(sessionMiddleware(store)),
        (socket, next) => {
          const serialized = socket.handshake.session?.passport?.user;
          if (serialized === undefined) return next(new Error('unauthorized'));
          passport.deserializeUser(serialized, socket.handshake, (err: unknown, user: unknown) => {
            if (err || !user) return next(new Error('unauthorized'));
            socket.handshake.user = user;
            next();
          });
        },
      ],
    };
  },
  userOf: (socket) => socket.handshake.user,
};

/**
 * The floor: the least any correct cookie-session authorizer must do. Parse the Cookie header,
 * verify one HMAC, read the store once, deserialize; no callbacks, no timeouts, no legacy contract.
 */
export const FLOOR: Contender = {
  id: 'floor',
  label: 'floor (hand-written minimum)',
  build: ({ store, passport }) => ({
    engine: [],
    io: [
      (socket, next) => {
        const req = socket.request;
        const header = req.headers.cookie;
        const value = typeof header === 'string' ? parseCookieHeader(header)[COOKIE_NAME] : undefined;
        const sid = value?.startsWith('s:') ? unsign(value.slice(2), SECRET) : false;
        if (!sid) return next(new Error('unauthorized'));
        store.get(sid, (err: unknown, session: Any) => {
          const serialized = session?.passport?.user;
          if (err || serialized === undefined) return next(new Error('unauthorized'));
          passport.deserializeUser(serialized, req, (error: unknown, user: unknown) => {
            if (error || !user) return next(new Error('unauthorized'));
            req.user = user;
            next();
          });
        });
      },
    ],
  }),
  userOf: requestUser,
};

/** The contenders of the authorization tables, in the order the tables list them. */
export function authContenders(): Contender[] {
  const ours = hasClusterFeatures()
    ? [COMPAT, COMPAT_LEGACY_OPTIONS, COMPAT_OBSERVED, COMPAT_CLUSTER]
    : [COMPAT, COMPAT_LEGACY_OPTIONS, COMPAT_OBSERVED];
  if (hasSessionFeature()) ours.push(COMPAT_SESSION);
  return [...ours, LEGACY, ENGINE_USE, WRAP, EXPRESS_SOCKETIO_SESSION, FLOOR];
}

const ALL = [
  NO_AUTH,
  COMPAT,
  COMPAT_LEGACY_OPTIONS,
  COMPAT_OBSERVED,
  COMPAT_CLUSTER,
  COMPAT_ROOMS,
  COMPAT_LIVE,
  COMPAT_CLUSTER_BEFORE,
  COMPAT_SESSION,
  LEGACY,
  ENGINE_USE,
  ENGINE_USE_SAVE_UNINITIALIZED,
  WRAP,
  EXPRESS_SOCKETIO_SESSION,
  FLOOR,
];

export function contenderById(id: string): Contender {
  const found = ALL.find((c) => c.id === id);
  if (!found) throw new Error(`unknown contender ${id}`);
  return found;
}

/** Installs a contender on a real socket.io server, as an app would. */
export function install(io: Any, contender: Contender, context: ContenderContext): void {
  const { engine, io: namespace } = contender.build(context);
  for (const middleware of engine) io.engine.use(middleware);
  for (const middleware of namespace) io.use(middleware);
}
