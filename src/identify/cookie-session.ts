import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { log } from '../log';
import {
  type AuthorizeOptions,
  type CookieSessionAuthorizeOptions,
  type CookieSessionSettings,
  resolveCookieSessionOptions,
} from '../options';
import type { CookieParserMiddleware, SessionStoreLike, SignedCookies } from '../types';
import type { StoredSession } from './session-store';

const debug = log('cookie-session');

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
  const cookieSession = resolveCookieSessionOptions(options);
  if (cookieSession === undefined) return options as AuthorizeOptions;
  const reader = createCookieSessionReader(cookieSession);
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

/** The signature check of cookie-session mode, with the app's checked keys and hash. */
function createCookieSessionReader({ name, keys, algorithm }: CookieSessionSettings): CookieSessionReader {
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
