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
  socketIoMajor: 2 | 3 | 4;
  /** The installed versions, for assertions where a major or minor behaves differently. */
  versions: { socketIo: string; express: string; passport: string; session: string };
  createIoServer(http: HttpServer): Any;
  ioClient: Any;
  express: Any;
  session: Any;
  passportModule: Any;
  store: StoreVariant;
}

export const memoryStore: StoreVariant = {
  name: 'express-session MemoryStore',
  async create(session) {
    return { store: new session.MemoryStore(), cleanup: async () => {} };
  },
};

export interface StackParts {
  socketIo?: 'socket.io' | 'socket.io-v3' | 'socket.io-v2';
  express?: 'express' | 'express-v5';
  passport?: 'passport' | 'passport-v06' | 'passport-v05' | 'passport-v04';
  session?: 'express-session' | 'express-session-v117';
  store?: StoreVariant;
}

const CLIENT_OF = {
  'socket.io': 'socket.io-client',
  'socket.io-v3': 'socket.io-client-v3',
  'socket.io-v2': 'socket.io-client-v2',
} as const;
const MAJOR_OF = { 'socket.io': 4, 'socket.io-v3': 3, 'socket.io-v2': 2 } as const;

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
  const store = parts.store ?? memoryStore;
  const versions = {
    socketIo: versionOf(socketIoName),
    express: versionOf(expressName),
    passport: versionOf(passportName),
    session: versionOf(sessionName),
  };
  return {
    name: [
      `socket.io@${versions.socketIo}`,
      `express@${versions.express}`,
      `passport@${versions.passport}`,
      `express-session@${versions.session}`,
      store.name,
    ].join(' + '),
    socketIoMajor: major,
    versions,
    createIoServer: (http) => (major === 2 ? socketIo(http) : new socketIo.Server(http)),
    ioClient: require(CLIENT_OF[socketIoName]),
    express: require(expressName),
    session: require(sessionName),
    passportModule: require(passportName),
    store,
  };
}
