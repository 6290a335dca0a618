/**
 * What the strategy and engine suites share: signed JWTs (HS256 and RS256, keys made per run),
 * the test app with passport-jwt registered and the middleware under test installed, and real
 * socket.io-client connections that can send a bearer header, `auth` and a query.
 */
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy as JwtStrategy, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import { authorizeEngine, authorizeStrategy, type DecisionEvent, type StrategyAuthorizeOptions } from '../../src';
import { type AppOptions, SECRET, startApp, type TestApp, USERS } from '../support/app';
import type { Any, Stack } from '../support/stack';

export const HS_SECRET = 'jwt secret for the tests, not the session secret';
export const ISSUER = 'https://auth.example.test';
export const AUDIENCE = 'chat-api';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const RSA_PUBLIC_PEM = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
export const RSA_PRIVATE_PEM = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An HS256 token for a user id, valid for an hour unless `claims` or `options` say otherwise. */
export function hsToken(sub: number, claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
  return jwt.sign({ sub, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 3600, ...claims }, HS_SECRET, {
    algorithm: 'HS256',
    ...options,
  });
}

/** An RS256 token signed with this run's private key. */
export function rsToken(sub: number, claims: Record<string, unknown> = {}): string {
  return jwt.sign({ sub, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 3600, ...claims }, RSA_PRIVATE_PEM, { algorithm: 'RS256' });
}

/** A token whose `exp` is `seconds` from now (whole seconds, as JWTs count). */
export function expiringToken(sub: number, seconds: number): string {
  // `exp` has whole seconds: rounding now up keeps at least `seconds` (at most one more) of life,
  // where rounding down could leave a few milliseconds and expire it during the handshake.
  return hsToken(sub, { exp: Math.ceil(Date.now() / 1000) + seconds });
}

/** An unsigned token (`alg: none`), as an attacker forges one. */
export function unsignedToken(sub: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub, iss: ISSUER, aud: AUDIENCE, exp: nowSeconds() + 3600 })}.`;
}

/** The payload replaced (another user), the original signature kept. */
export function tamperedToken(token: string, sub: number): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, sub })).toString('base64url')}.${signature}`;
}

/** The app's verify: the token's `sub` is a user id; a user no longer there is no user. */
export function findUser(payload: { sub?: unknown }, done: (err: unknown, user?: unknown) => void): void {
  const user = USERS.find((u) => u.id === payload.sub);
  done(null, user ? { id: user.id, username: user.username, name: user.name } : false);
}

export interface TokenAppOptions {
  /** Where the middleware goes: `io.use(authorizeStrategy(...))` per namespace, or `io.engine.use(authorizeEngine(...))`. */
  mode: 'socket' | 'engine';
  /** passport-jwt options over the defaults (bearer header, HS256 with HS_SECRET, issuer and audience). */
  jwt?: Partial<StrategyOptionsWithoutRequest>;
  verify?: (payload: Any, done: (err: unknown, user?: unknown) => void) => void;
  /** Options of the middleware over `{ strategy: 'jwt', passport }`. */
  options?: Partial<StrategyAuthorizeOptions> & Record<string, unknown>;
  /** Accept session cookies too: the app's store and secret are added to the options. */
  withSessions?: boolean;
  namespaces?: string[];
  app?: Omit<AppOptions, 'install' | 'namespaces'>;
  /** A namespace middleware of the app's own, run after authorizeStrategy. */
  after?: (socket: Any, next: (err?: Error) => void) => void;
}

export interface TokenApp extends TestApp {
  /** Every decision event of this app's middleware, in order. */
  events: DecisionEvent[];
  /** Server-side record of what each connected socket saw, by socket id. */
  serverSockets: Map<string, Any>;
}

export function jwtStrategyOptions(overrides: Partial<StrategyOptionsWithoutRequest> = {}): StrategyOptionsWithoutRequest {
  return {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    secretOrKey: HS_SECRET,
    algorithms: ['HS256'],
    issuer: ISSUER,
    audience: AUDIENCE,
    ...overrides,
  } as StrategyOptionsWithoutRequest;
}

/** The test app of test/support/app.ts with passport-jwt registered as 'jwt' and the middleware under test. */
export async function startTokenApp(stack: Stack, config: TokenAppOptions): Promise<TokenApp> {
  const events: DecisionEvent[] = [];
  const serverSockets = new Map<string, Any>();
  // Made here, so that the middleware can be given the same store the Express app uses.
  const store = config.app?.store ?? new stack.session.MemoryStore();
  const middlewareOptions = (passport: Any) =>
    ({
      strategy: 'jwt',
      passport,
      ...(config.withSessions ? { store, secret: SECRET } : {}),
      onDecision: (event: DecisionEvent) => events.push(event),
      ...config.options,
    }) as StrategyAuthorizeOptions;
  const register = (passport: Any) => {
    if (!passport._strategy('jwt')) passport.use('jwt', new JwtStrategy(jwtStrategyOptions(config.jwt), config.verify ?? findUser));
  };
  const app = await startApp(stack, {
    ...config.app,
    store,
    namespaces: config.namespaces,
    install(nsp, _legacy, passport) {
      nsp.on('connection', (socket: Any) => {
        serverSockets.set(socket.id, socket);
        socket.on('authorization header', (ack: (value: unknown) => void) => ack(socket.request.headers.authorization ?? null));
      });
      register(passport);
      if (config.mode === 'socket') nsp.use(authorizeStrategy(middlewareOptions(passport)));
      if (config.after) nsp.use(config.after);
    },
  });
  if (config.mode === 'engine') app.io.engine.use(authorizeEngine(middlewareOptions(app.passport)));
  return Object.assign(app, { events, serverSockets });
}

export interface ClientOptions {
  transports?: ('websocket' | 'polling')[];
  /** Sent as `Authorization: Bearer <token>` (extraHeaders: polling, and WebSocket from Node.js). */
  bearer?: string;
  /** socket.io's `auth` payload, e.g. `{ token }`. */
  auth?: Record<string, unknown>;
  query?: Record<string, string>;
  cookie?: string;
  /** Any other request headers, as sent (polling, and WebSocket from Node.js). */
  headers?: Record<string, string>;
  namespace?: string;
  timeoutMs?: number;
}

export type ClientResult =
  | { connected: true; socket: Any }
  | {
      connected: false;
      message: string;
      data?: Any;
      /** engine.io-client's TransportError: the HTTP status (polling) or the WebSocket error. */
      description?: Any;
      /** The refusal body as the polling client received it. */
      responseText?: string;
    };

/** A real socket.io-client connection; resolves when it connects or is refused. */
export function connectClient(stack: Stack, url: string, options: ClientOptions = {}): Promise<ClientResult> {
  const headers: Record<string, string> = {};
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  Object.assign(headers, options.headers);
  const socket = stack.ioClient(url + (options.namespace ?? ''), {
    forceNew: true,
    reconnection: false,
    transports: options.transports ?? ['websocket'],
    extraHeaders: headers,
    auth: options.auth,
    query: options.query,
    timeout: options.timeoutMs ?? 10_000,
  });
  return new Promise((resolve) => {
    const finish = (result: ClientResult) => {
      clearTimeout(timer);
      socket.off('connect');
      socket.off('connect_error');
      if (!result.connected) socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ connected: false, message: 'client gave up waiting' }), (options.timeoutMs ?? 10_000) + 1000);
    socket.on('connect', () => finish({ connected: true, socket }));
    socket.on('connect_error', (err: Any) =>
      finish({
        connected: false,
        message: err?.message ?? String(err),
        data: err?.data,
        description: err?.description,
        responseText: err?.context?.responseText,
      }),
    );
  });
}

export async function connected(stack: Stack, url: string, options: ClientOptions = {}): Promise<Any> {
  const result = await connectClient(stack, url, options);
  if (!result.connected) throw new Error(`expected the handshake to be accepted, but it was refused: ${result.message}`);
  return result.socket;
}

export async function refused(stack: Stack, url: string, options: ClientOptions = {}): Promise<Exclude<ClientResult, { connected: true }>> {
  const result = await connectClient(stack, url, options);
  if (result.connected) {
    result.socket.close();
    throw new Error('expected the handshake to be refused, but it was accepted');
  }
  return result;
}

/** Asks the server for the socket's real `Authorization` header. */
export function authorizationHeaderSeenBy(socket: Any): Promise<string | null> {
  return new Promise((resolve) => socket.emit('authorization header', resolve));
}

/**
 * Waits until `ready()` holds: decision events arrive on a later turn of the event loop than the
 * decision. The bound only keeps a broken build from hanging the suite.
 */
export async function until(ready: () => boolean, what: string, boundMs = 5000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Records the app's `fail` calls and decides as the default `fail` does. */
export function recordingFail() {
  const calls: { message: string; critical: boolean; error: Any; userAtFailTime: unknown }[] = [];
  return {
    calls,
    fail(data: Any, message: string, critical: boolean, accept: Any, error: Any) {
      calls.push({ message, critical, error, userAtFailTime: { ...data.user } });
      accept(error);
    },
  };
}
