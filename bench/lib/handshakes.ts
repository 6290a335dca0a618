/**
 * Handshakes for the in-process benchmark, as socket.io itself hands them to middlewares:
 * socket.io's own server-side `Socket` class on a real (not listening) server's main namespace,
 * over an `http.IncomingMessage` that carries the URL, query and headers captured from a real
 * socket.io-client websocket handshake. The engine middlewares get engine.io's response stand-in
 * for upgrades. Only the Cookie header differs from one handshake to the next.
 */
import { EventEmitter } from 'node:events';
import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket as NetSocket } from 'node:net';
import type { Contender, ContenderContext, EngineMiddleware, IoMiddleware } from './contenders';
import type { Any } from './fixtures';

export interface CapturedHandshake {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
}

/** Connects a real socket.io-client to a real server once and keeps what its handshake carried. */
export async function captureRealHandshake(): Promise<CapturedHandshake> {
  const { Server } = require('socket.io');
  const ioClient = require('socket.io-client');
  const http = createServer();
  const io = new Server(http);
  let captured: CapturedHandshake | undefined;
  io.use((socket: Any, next: () => void) => {
    const req = socket.request;
    captured = { url: req.url, headers: { ...req.headers }, query: { ...req._query } };
    next();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  const client = ioClient(`http://127.0.0.1:${port}`, {
    forceNew: true,
    reconnection: false,
    transports: ['websocket'],
    extraHeaders: { cookie: 'placeholder=1' },
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('connect_error', reject);
  });
  client.close();
  io.close();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  if (!captured) throw new Error('the real handshake was not captured');
  return captured;
}

/** engine.io's stand-in response for websocket upgrades (its `WebSocketResponse`, which it does not export). */
class UpgradeResponse extends EventEmitter {
  private readonly headers: Record<string, unknown> = {};
  statusCode = 200;
  constructor(private readonly onEnd: () => void) {
    super();
  }
  setHeader(name: string, value: unknown) {
    this.headers[name] = value;
  }
  getHeader(name: string) {
    return this.headers[name];
  }
  removeHeader(name: string) {
    delete this.headers[name];
  }
  write() {}
  writeHead(status?: number) {
    if (status !== undefined) this.statusCode = status;
  }
  end() {
    this.emit('finish');
    this.onEnd();
  }
}

export interface Handshake {
  socket: Any;
  req: IncomingMessage & Any;
  res: UpgradeResponse;
  /** Called when an engine middleware ends the response (the official pattern's 401). */
  onEnded: (() => void) | undefined;
}

export class HandshakeFactory {
  private readonly nsp: Any;
  private readonly SocketClass: Any;
  private readonly netSocket = new NetSocket();
  private counter = 0;

  constructor(private readonly captured: CapturedHandshake) {
    const { Server } = require('socket.io');
    this.SocketClass = require('socket.io').Socket;
    this.nsp = new Server().of('/');
  }

  create(cookie: string | undefined): Handshake {
    const req = new IncomingMessage(this.netSocket) as IncomingMessage & Any;
    req.method = 'GET';
    req.url = this.captured.url;
    const headers = { ...this.captured.headers };
    if (cookie === undefined) delete headers.cookie;
    else headers.cookie = cookie;
    req.headers = headers;
    req._query = { ...this.captured.query };
    const id = `engine${++this.counter}`;
    const conn = { id, protocol: 4, remoteAddress: '127.0.0.1', transport: { name: 'websocket' }, request: req };
    // The client: only what a socket's disconnect (see release) calls on it.
    const client = { id, conn, request: req, _remove() {} };
    const socket = new this.SocketClass(this.nsp, client, {});
    // Every connected socket is in a room of its own id (socket.io joins it right after the
    // middlewares): made here, outside what is measured, so that rows count only what they add.
    socket.join(socket.id);
    const handshake: Handshake = { socket, req, res: undefined as unknown as UpgradeResponse, onEnded: undefined };
    handshake.res = new UpgradeResponse(() => handshake.onEnded?.());
    return handshake;
  }
}

/**
 * Disconnects an authorized handshake's socket as a client going away would ('transport close'):
 * it leaves its rooms, and whatever listens for 'disconnect' lets go of it. A server's sockets come
 * and go; without this, every socket a contender keeps a hold of (live session checks) would pile
 * up round after round, and the growing heap would slow that contender's collections alone.
 */
export function release(handshake: Handshake): void {
  const socket = handshake.socket;
  socket.connected = true;
  socket._onclose('transport close');
}

/** What socket.io does with a handshake's middlewares, minus the network. */
export type Authorizer = (handshake: Handshake, done: (err?: unknown) => void) => void;

/**
 * Runs a contender's engine middlewares as engine.io does (a promise chain, then `res.writeHead()`
 * for an upgrade), then its namespace middlewares as socket.io's `Namespace.run` does, then the
 * namespace's 'connection' event for an accepted socket.
 */
export function authorizerOf(contender: Contender, context: ContenderContext): Authorizer {
  const { engine, io } = contender.build(context);
  // An accepted socket's namespace emits 'connection' (what the cluster features listen for).
  const runNamespace = (socket: Any, done: (err?: unknown) => void) =>
    runIoMiddlewares(io, socket, (err) => {
      if (!err) socket.nsp.emitReserved('connection', socket);
      done(err);
    });
  if (engine.length === 0) return (handshake, done) => runNamespace(handshake.socket, done);
  return (handshake, done) => {
    // The official pattern refuses with res.writeHead(401); res.end(): engine.io then drops the socket.
    handshake.onEnded = () => done(new Error(`response ended with ${handshake.res.statusCode}`));
    let chain = Promise.resolve();
    for (const middleware of engine) chain = chain.then(() => runEngineMiddleware(middleware, handshake.req, handshake.res));
    chain.then(
      () => {
        handshake.res.writeHead();
        runNamespace(handshake.socket, done);
      },
      (err) => done(err),
    );
  };
}

function runEngineMiddleware(middleware: EngineMiddleware, req: Any, res: UpgradeResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const next = (err?: unknown) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    try {
      Promise.resolve(middleware(req, res, next)).catch(next);
    } catch (err) {
      next(err);
    }
  });
}

function runIoMiddlewares(fns: IoMiddleware[], socket: Any, done: (err?: unknown) => void): void {
  if (fns.length === 0) {
    done();
    return;
  }
  const run = (i: number) => {
    (fns[i] as IoMiddleware)(socket, (err) => {
      if (err) return done(err);
      if (!fns[i + 1]) return done();
      run(i + 1);
    });
  };
  run(0);
}
