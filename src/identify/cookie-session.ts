import { createHmac, getHashes, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidOptionError } from '../errors';
import { log } from '../log';
import { type AuthorizeOptions, describe } from '../options';
import type { CookieParserMiddleware, SessionStoreLike, SignedCookies } from '../types';
import type { StoredSession } from './session-store';

const debug = log('cookie-session');

/**
 * Where a `cookie-session` app keeps its session: the same `name`, `keys` (or `secret`) you give
 * `cookieSession({ ... })`. Pass that very object if you like; its cookie attributes (`maxAge`,
 * `httpOnly`, ...) are ignored here.
 */
export interface CookieSessionOptions {
  /**
   * The session cookie's name; its signature is in the cookie `<name>.sig`.
   * @default 'session'
   */
  name?: string;
  /**
   * The keys cookie-session signs with, newest first: the first signs, every one listed still
   * verifies (key rotation). Give the list, not a `Keygrip` instance (use `algorithm` for its hash).
   */
  keys?: readonly string[];
  /** cookie-session's single-key alternative to `keys`. */
  secret?: string;
  /**
   * The HMAC hash, when the app signs through `new Keygrip(keys, algorithm)`.
   * @default 'sha1' (Keygrip's default, which cookie-session uses)
   */
  algorithm?: string;
  /** cookie-session's `signed`; must not be `false`: an unsigned cookie proves nothing. */
  signed?: boolean;
  [cookieAttribute: string]: unknown;
}

/**
 * The options of `authorize` for an app whose session lives in the cookie (`cookie-session`): no
 * store, no express-session `secret`; the rest (passport, callbacks, timeout, events) as usual.
 */
export type CookieSessionAuthorizeOptions = Omit<
  AuthorizeOptions,
  'store' | 'secret' | 'key' | 'name' | 'cookieParser' | 'allowUnsignedSessionIdQuery' | 'liveSession' | 'session'
> & {
  /**
   * The app's cookie-session settings: `authorize({ cookieSession: { name: 'session', keys } })`.
   * @example
   * ```js
   * const sessionOptions = { name: 'session', keys: [process.env.SESSION_KEY] };
   * app.use(cookieSession(sessionOptions));
   * io.use(authorize({ cookieSession: sessionOptions, passport }));
   * ```
   */
  cookieSession: CookieSessionOptions;
};

/** Options that belong to express-session mode and make no sense next to `cookieSession`. */
const STORE_MODE_OPTIONS = [
  'store',
  'secret',
  'key',
  'name',
  'cookieParser',
  'allowUnsignedSessionIdQuery',
  'liveSession',
  'session',
] as const;

/** A checked `cookieSession` option: the cookie's name and a signature check with the app's keys. */
interface CookieSessionReader {
  name: string;
  /** Whether `signature` is the `.sig` cookie cookie-session (Keygrip) writes for `name=value` with any listed key. */
  verify(signedText: string, signature: string): boolean;
}

/**
 * What the handshake needs to read a session from the cookie: the options of express-session mode
 * with the cookie as the store. The session id is the verified cookie value (so it is what
 * `socket.request.sessionID` holds in this mode) and the "store" decodes it, so every later step
 * (Passport field, deserializeUser, callbacks) is the same code.
 * Options without `cookieSession` are returned as they are.
 */
export function storeOptionsOf(options: AuthorizeOptions | CookieSessionAuthorizeOptions): AuthorizeOptions {
  if (options === null || typeof options !== 'object' || !('cookieSession' in options) || options.cookieSession === undefined) {
    return options as AuthorizeOptions;
  }
  for (const option of STORE_MODE_OPTIONS) {
    if ((options as Record<string, unknown>)[option] !== undefined) {
      throw new InvalidOptionError(
        option,
        `cannot be used with "cookieSession": the session is in the cookie-session cookie, ${
          option === 'liveSession' || option === 'session' ? 'with no store to read or save' : 'signed with cookieSession.keys'
        }`,
      );
    }
  }
  const reader = createCookieSessionReader(options.cookieSession);
  return {
    ...(options as Omit<CookieSessionAuthorizeOptions, 'cookieSession'>),
    store: cookieSessionStore,
    // cookie-session signs with Keygrip, never with cookie-signature: a secret nobody has, so that
    // no `s:` cookie or `session_id` query value can ever verify in this mode.
    secret: randomBytes(32).toString('base64'),
    key: reader.name,
    cookieParser: verifiedCookieReader(reader),
  };
}

/**
 * Checks the `cookieSession` option: a clear {@link InvalidOptionError} naming `cookieSession.*`
 * for anything cookie-session itself would not sign with.
 */
function createCookieSessionReader(value: unknown): CookieSessionReader {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidOptionError('cookieSession', `must be the app's cookie-session options ({ name, keys }), not ${describe(value)}`);
  }
  const options = value as CookieSessionOptions;
  const name = options.name ?? 'session';
  if (typeof name !== 'string' || name === '' || /[;=,\s]/.test(name)) {
    throw new InvalidOptionError('cookieSession.name', `must be the session cookie's name, not ${describe(name)}`);
  }
  if (options.signed === false) {
    throw new InvalidOptionError('cookieSession.signed', 'must not be false: an unsigned session cookie can be written by anyone');
  }
  const keys = checkKeys(options);
  const algorithm = options.algorithm ?? 'sha1';
  if (typeof algorithm !== 'string' || !getHashes().includes(algorithm.toLowerCase())) {
    throw new InvalidOptionError(
      'cookieSession.algorithm',
      `must be a hash Node.js knows (Keygrip's default is 'sha1'), not ${describe(algorithm)}`,
    );
  }
  return {
    name,
    verify(signedText, signature) {
      const given = Buffer.from(signature);
      // Every key is tried, as Keygrip does, so the time taken does not say which one matched.
      let match = false;
      for (const key of keys) {
        const expected = Buffer.from(keygripSignature(algorithm, key, signedText));
        if (expected.length === given.length && timingSafeEqual(expected, given)) match = true;
      }
      return match;
    },
  };
}

function checkKeys(options: CookieSessionOptions): readonly string[] {
  const hint = 'pass the same keys (newest first) or secret your cookieSession({ ... }) uses';
  const { keys, secret } = options;
  if (keys !== undefined && keys !== null) {
    if (!Array.isArray(keys)) {
      throw new InvalidOptionError(
        'cookieSession.keys',
        `must be an array of strings, not ${describe(keys)} (for a Keygrip, pass its keys and algorithm): ${hint}`,
      );
    }
    if (keys.length === 0) throw new InvalidOptionError('cookieSession.keys', `must not be empty: ${hint}`);
    for (const key of keys) {
      if (typeof key !== 'string' || key === '') {
        throw new InvalidOptionError('cookieSession.keys', `must hold non-empty strings, not ${describe(key)}: ${hint}`);
      }
    }
    return Object.freeze([...keys]);
  }
  if (typeof secret === 'string' && secret !== '') return Object.freeze([secret]);
  throw new InvalidOptionError('cookieSession.keys', `is required: ${hint}`);
}

/** Keygrip's signature: an HMAC in base64 with `/`, `+` and `=` made URL-safe. */
function keygripSignature(algorithm: string, key: string, data: string): string {
  return createHmac(algorithm, key)
    .update(data)
    .digest('base64')
    .replace(/[/+=]/g, (c) => (c === '/' ? '_' : c === '+' ? '-' : ''));
}

/**
 * The session cookie's value if its `.sig` cookie is cookie-session's signature of it with one of
 * the keys, else `undefined` (no cookie, no or empty `.sig`, forged, re-signed with another key,
 * truncated). Read as the `cookies` module that cookie-session uses reads it: the first cookie of
 * that name, its raw text, surrounding double quotes dropped.
 */
function verifiedCookieSessionValue(cookieHeader: string, reader: CookieSessionReader): string | undefined {
  const value = rawCookie(cookieHeader, reader.name);
  if (!value) return undefined;
  const signature = rawCookie(cookieHeader, `${reader.name}.sig`);
  if (!signature) {
    debug('session cookie without its .sig cookie; no session');
    return undefined;
  }
  if (!reader.verify(`${reader.name}=${value}`, signature)) {
    debug('session cookie signature does not verify with any key; no session');
    return undefined;
  }
  return value;
}

function rawCookie(header: string, name: string): string | undefined {
  let from = 0;
  while (from <= header.length) {
    const at = header.indexOf(`${name}=`, from);
    if (at < 0) return undefined;
    // The name must start the header or follow a `;` and spaces, as in `(?:^|;) *name=`.
    let before = at - 1;
    while (before >= 0 && header[before] === ' ') before--;
    if (before < 0 || header[before] === ';') {
      const start = at + name.length + 1;
      const end = header.indexOf(';', start);
      const value = end < 0 ? header.slice(start) : header.slice(start, end);
      return value.startsWith('"') ? value.slice(1, -1) : value;
    }
    from = at + 1;
  }
  return undefined;
}

/**
 * The session in a verified cookie-session value (base64 of JSON), as cookie-session decodes it:
 * text that does not decode is no session; JSON that is not an object is an empty session.
 */
function decodeCookieSession(value: string): StoredSession | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    debug('session cookie does not decode; no session');
    return null;
  }
  const session: StoredSession = {};
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(session, parsed);
  return session;
}

/** The "store" of cookie-session mode: the id it is asked for is the verified cookie value. */
const cookieSessionStore: SessionStoreLike = {
  get(value, callback) {
    callback(null, decodeCookieSession(value));
  },
};

/** A cookie-parser-shaped middleware that leaves only the verified session cookie in `signedCookies`. */
function verifiedCookieReader(reader: CookieSessionReader): CookieParserMiddleware {
  return function readCookieSessionCookie(
    req: { headers: { cookie?: string }; signedCookies?: SignedCookies },
    _res: unknown,
    next: () => void,
  ) {
    const signed: SignedCookies = Object.create(null);
    const value = verifiedCookieSessionValue(typeof req.headers.cookie === 'string' ? req.headers.cookie : '', reader);
    if (value !== undefined) signed[reader.name] = value;
    req.signedCookies = signed;
    next();
  } as CookieParserMiddleware;
}
