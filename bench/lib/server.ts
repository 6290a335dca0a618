/**
 * A real app as the benchmarks' servers run it: Express with express-session, Passport with a
 * passport-local login route, and a socket.io 4 server on the same HTTP server with one
 * contender installed. Used by the end-to-end, store-operations and lookup workers.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Contender, type ContenderContext, install } from './contenders';
import { type Any, COOKIE_NAME, createPassport, SECRET, userById } from './fixtures';

export interface BenchServer {
  url: string;
  io: Any;
  http: HttpServer;
  passport: Any;
  /** Sockets accepted so far ('connection' events). */
  connections(): number;
  close(): Promise<void>;
}

export interface ServerOptions {
  contender: Contender;
  store: Any;
  /** socket.io server options (an adapter, for instance). */
  io?: Record<string, unknown>;
  /** Replaces the contender's own middleware context (for example a contender built by the caller). */
  context?: Partial<ContenderContext>;
}

export async function startBenchServer(options: ServerOptions): Promise<BenchServer> {
  const express = require('express');
  const session = require('express-session');
  const { Server } = require('socket.io');
  const { Strategy: LocalStrategy } = require('passport-local');

  const passport = createPassport();
  passport.use(
    new LocalStrategy((username: string, password: string, done: (err: unknown, user?: unknown) => void) => {
      const id = Number(username.replace(/^user/, ''));
      const user = userById(id);
      done(null, user && password === `${username}-pw` ? { ...user } : false);
    }),
  );
  const app = express();
  app.use(express.json());
  app.use(session({ secret: SECRET, name: COOKIE_NAME, store: options.store, resave: false, saveUninitialized: false }));
  app.use(passport.initialize());
  app.use(passport.session());
  app.post('/login', passport.authenticate('local'), (req: Any, res: Any) => res.json({ id: req.user.id }));

  const http = createServer(app);
  const io = new Server(http, options.io ?? {});
  install(io, options.contender, { store: options.store, passport, ...options.context });
  let connections = 0;
  io.on('connection', (socket: Any) => {
    connections++;
    socket.on('whoami', (ack: (user: unknown) => void) => ack(options.contender.userOf(socket) ?? null));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    url,
    io,
    http,
    passport,
    connections: () => connections,
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      http.closeAllConnections?.();
    },
  };
}

/** Logs in through the app's real login route and returns the Cookie header the browser would send. */
export async function loginCookie(url: string, userId: number): Promise<string> {
  const response = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `user${userId}`, password: `user${userId}-pw` }),
  });
  if (response.status !== 200) throw new Error(`login failed with status ${response.status}`);
  const sessionCookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] as string)
    .find((pair) => pair.startsWith(`${COOKIE_NAME}=`));
  if (!sessionCookie) throw new Error('no session cookie after login');
  return `_ga=GA1.1.1234567890.1700000000; theme=dark; ${sessionCookie}`;
}
