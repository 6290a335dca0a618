/**
 * A stack is one combination a legacy app may run: socket.io server and client, Express,
 * Passport, express-session and a session store. The behaviour suite takes one and runs
 * everything against it; each matrix file under test/matrix names its own.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';

export type Any = any;

export interface StoreVariant {
  /** Shown in every test name, so a failure says which store it came from. */
  name: string;
  /** The service it needs; the suite skips (or, with CI=true, fails) when it is not reachable. */
  service?: 'redis' | 'postgres';
  /** Makes a store for one app; `cleanup` removes everything it wrote. */
  create(session: Any): Promise<{ store: Any; cleanup(): Promise<void> }>;
}

export interface Stack {
  name: string;
  socketIoMajor: 1 | 2 | 3 | 4;
  /** The installed versions, for assertions where a major or minor behaves differently. */
  versions: { socketIo: string; express: string; passport: string; session: string; cookieParser: string };
  createIoServer(http: HttpServer): Any;
  ioClient: Any;
  express: Any;
  session: Any;
  passportModule: Any;
  /** The cookie-parser module of the stack (the factory legacy apps pass as `cookieParser`). */
  cookieParser: Any;
  store: StoreVariant;
}

export const memoryStore: StoreVariant = {
  name: 'express-session MemoryStore',
  async create(session) {
    return { store: new session.MemoryStore(), cleanup: async () => {} };
  },
};

/**
 * The module aliases of devDependencies. Newest and oldest release of each line:
 * socket.io 4 (4.8 / v40 = 4.0.0), 3 (v3 = 3.1 / v30 = 3.0.0), 2 (v2 = 2.5 / v20 = 2.0.4),
 * 1 (v1 = 1.7.4 / v14 = 1.4.0); Passport 0.7 / 0.6.0, 0.5 (v05 / v050), 0.4 (v04 / v040),
 * 0.3 (v03 / v030), 0.2 (v02 / v020); express-session 1.19 / 1.17 / 1.11.0; cookie-parser 1.4 / 1.3.0.
 */
export interface StackParts {
  socketIo?:
    | 'socket.io'
    | 'socket.io-v40'
    | 'socket.io-v3'
    | 'socket.io-v30'
    | 'socket.io-v2'
    | 'socket.io-v20'
    | 'socket.io-v1'
    | 'socket.io-v14';
  express?: 'express' | 'express-v5' | 'express-v416';
  passport?:
    | 'passport'
    | 'passport-v06'
    | 'passport-v05'
    | 'passport-v050'
    | 'passport-v04'
    | 'passport-v040'
    | 'passport-v03'
    | 'passport-v030'
    | 'passport-v02'
    | 'passport-v020';
  session?: 'express-session' | 'express-session-v117' | 'express-session-v111';
  cookieParser?: 'cookie-parser' | 'cookie-parser-v13';
  store?: StoreVariant;
}

// A client of the same major (socket.io 1.x servers from 1.4 on speak to the 1.7 client).
const CLIENT_OF = {
  'socket.io': 'socket.io-client',
  'socket.io-v40': 'socket.io-client',
  'socket.io-v3': 'socket.io-client-v3',
  'socket.io-v30': 'socket.io-client-v3',
  'socket.io-v2': 'socket.io-client-v2',
  'socket.io-v20': 'socket.io-client-v2',
  'socket.io-v1': 'socket.io-client-v1',
  'socket.io-v14': 'socket.io-client-v1',
} as const;
const MAJOR_OF = {
  'socket.io': 4,
  'socket.io-v40': 4,
  'socket.io-v3': 3,
  'socket.io-v30': 3,
  'socket.io-v2': 2,
  'socket.io-v20': 2,
  'socket.io-v1': 1,
  'socket.io-v14': 1,
} as const;

/** The installed version of a module (aliases included); some packages do not export package.json. */
export function versionOf(name: string): string {
  for (const dir of require.resolve.paths(name) ?? []) {
    const manifest = join(dir, name, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).version;
  }
  throw new Error(`cannot find the installed version of ${name}`);
}

/** Builds a stack from the module aliases in devDependencies. */
export function defineStack(parts: StackParts = {}): Stack {
  const socketIoName = parts.socketIo ?? 'socket.io';
  const socketIo = require(socketIoName);
  const major = MAJOR_OF[socketIoName];
  const expressName = parts.express ?? 'express';
  const passportName = parts.passport ?? 'passport';
  const sessionName = parts.session ?? 'express-session';
  const cookieParserName = parts.cookieParser ?? 'cookie-parser';
  const store = parts.store ?? memoryStore;
  const versions = {
    socketIo: versionOf(socketIoName),
    express: versionOf(expressName),
    passport: versionOf(passportName),
    session: versionOf(sessionName),
    cookieParser: versionOf(cookieParserName),
  };
  return {
    name: [
      `socket.io@${versions.socketIo}`,
      `express@${versions.express}`,
      `passport@${versions.passport}`,
      `express-session@${versions.session}`,
      ...(parts.cookieParser ? [`cookie-parser@${versions.cookieParser}`] : []),
      store.name,
    ].join(' + '),
    socketIoMajor: major,
    versions,
    createIoServer: (http) => (major <= 2 ? socketIo(http) : new socketIo.Server(http)),
    ioClient: require(CLIENT_OF[socketIoName]),
    express: require(expressName),
    session: require(sessionName),
    passportModule: require(passportName),
    cookieParser: require(cookieParserName),
    store,
  };
}
