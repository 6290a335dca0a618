import type { IncomingMessage } from 'node:http';
import { parse as parseCookieHeader } from 'cookie';
import { unsign } from 'cookie-signature';
import { InvalidOptionError } from '../errors';
import { log } from '../log';
import type { SessionSettings } from '../options';
import type { CookieParserMiddleware, SessionIdSource, SignedCookies } from '../types';
import { looksLikeCookieParserFactory, readsLikeBuiltIn } from './cookie-parser-match';

const debug = log('session-id');

interface SessionIdResult {
  sessionID: string;
  source: SessionIdSource;
}

/** Reads the signed cookies of a request, unsigned, the way the configured cookie parser does. */
export type SignedCookieReader = (cookieHeader: string) => SignedCookies;

/**
 * Chooses how cookies are read: the built-in reader (cookie-parser's values, verifying only the
 * session cookie up front), the cookie-parser factory called once with the secret, or an
 * already-made cookie-parser middleware. The real cookie-parser factory, which legacy apps pass,
 * is replaced by the built-in reader when it reads a set of telling headers exactly alike.
 */
export function createSignedCookieReader(
  settings: Pick<SessionSettings, 'cookieParser' | 'secret' | 'secrets' | 'key'>,
): SignedCookieReader {
  const { cookieParser, secrets, key } = settings;
  const builtIn: SignedCookieReader = (header) => readSignedCookies(header, secrets, key);
  if (cookieParser === undefined) return builtIn;
  // A factory takes (secret, options); a middleware takes (req, res, next).
  const middleware =
    cookieParser.length >= 3
      ? (cookieParser as CookieParserMiddleware)
      : (cookieParser as (s: unknown) => CookieParserMiddleware)(settings.secret);
  if (typeof middleware !== 'function') {
    throw new InvalidOptionError('cookieParser', 'must be the cookie-parser factory or a cookieParser(secret) middleware');
  }
  if (looksLikeCookieParserFactory(cookieParser) && readsLikeBuiltIn(cookieParser, middleware, builtIn, secrets, key)) {
    debug('cookieParser is cookie-parser and reads cookies as the built-in reader does: using the built-in reader');
    return builtIn;
  }
  return (header) => runCookieParser(middleware, header, secrets, key);
}

/**
 * What cookie-parser leaves in `req.signedCookies`, for the Cookie header of a handshake: every
 * `s:`-prefixed cookie unsigned with the first secret that verifies it, `false` where none does;
 * `j:` values parsed as JSON (kept as text where the JSON is invalid or falsy).
 *
 * Only the session cookie (`key`) is verified here. Another signed cookie is verified when the app
 * first reads it from the jar, so a header full of junk `s:` cookies costs no more HMACs than a
 * header with one: the values an app reads are the same, only computed later. A value that cannot
 * carry a valid signature (see {@link couldBeSigned}) is `false` at once, without an HMAC.
 */
export function readSignedCookies(header: string, secrets: readonly string[], key?: string): SignedCookies {
  const jar: SignedCookies = new SignedCookieJar();
  // cookie-parser's `cookie` 0.7 reads nothing from a header shorter than `a=`.
  if (header.length < 2) return jar;
  const cookies = parseCookieHeader(header, { decode: decodeCookieValue });
  for (const name in cookies) {
    const value = cookies[name] as string;
    // cookie-parser's parser writes into a plain object, where a `__proto__` cookie is lost.
    if (value.charCodeAt(0) !== 0x73 /* s */ || value.charCodeAt(1) !== 0x3a /* : */ || name === '__proto__') continue;
    if (name === key || !couldBeSigned(value, 2)) jar[name] = verifiedValue(value, header, secrets);
    else verifyOnFirstRead(jar, name, value, header, secrets);
  }
  return jar;
}

/** The value cookie-parser keeps for an `s:…` cookie (the `s:` included). */
function verifiedValue(value: string, header: string, secrets: readonly string[]): string | false | object {
  const unsigned = unsignWithAny(value.slice(2), secrets);
  return unsigned === false ? false : parseJsonCookie(sliceOfHeader(unsigned, header));
}

/**
 * An own, enumerable property that verifies the cookie the first time it is read, then holds the
 * value as an ordinary data property. Assigning to it first replaces it, as on a plain object.
 */
function verifyOnFirstRead(jar: SignedCookies, name: string, value: string, header: string, secrets: readonly string[]): void {
  const settle = (settled: unknown) => {
    // A jar the app froze or sealed keeps its accessor; the value is still the verified one.
    if (Object.isExtensible(jar))
      Object.defineProperty(jar, name, { value: settled, writable: true, enumerable: true, configurable: true });
    return settled;
  };
  Object.defineProperty(jar, name, {
    get: () => settle(verifiedValue(value, header, secrets)),
    set: settle,
    enumerable: true,
    configurable: true,
  });
}

/**
 * cookie-signature signs with HMAC-SHA256 in base64 without padding: a valid signed value always
 * ends in `.` and 43 characters of the base64 alphabet. Anything else fails `unsign` for every
 * secret, so it is `false` without computing one HMAC. `from` is where the signed part starts.
 */
function couldBeSigned(value: string, from = 0): boolean {
  const dot = value.length - 44;
  if (dot < from || value.charCodeAt(dot) !== 0x2e /* . */) return false;
  for (let i = dot + 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const base64 = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    if (!base64) return false;
  }
  return true;
}

/** cookie-signature's `unsign` compares in constant time; try each secret, newest first. */
export function unsignWithAny(value: string, secrets: readonly string[]): string | false {
  if (!couldBeSigned(value)) return false;
  for (const secret of secrets) {
    const unsigned = unsign(value, secret);
    if (unsigned !== false) return unsigned;
  }
  return false;
}

/**
 * The same text, cut from the Cookie header where it appears there as it is. The session id
 * stays on the socket's request for the socket's life; cut from the decoded cookie value, it
 * would keep that whole decoded string alive with it, where the header is kept anyway.
 */
function sliceOfHeader(value: string, header: string): string {
  const at = header.indexOf(value);
  return at < 0 ? value : header.slice(at, at + value.length);
}

/**
 * An object without Object.prototype, as `Object.create(null)` makes, but in V8's fast mode: it
 * stays on every socket's request, and a dictionary-mode object costs about 160 bytes more.
 */
const SignedCookieJar = function SignedCookieJar() {} as unknown as new () => SignedCookies;
SignedCookieJar.prototype = Object.create(null);

/**
 * A cookie value as express-session's (and cookie-parser's) `cookie` 0.7 reads it: surrounding
 * double quotes dropped, then percent-decoded, kept as it is where the encoding is invalid.
 */
function decodeCookieValue(raw: string): string {
  // Only values that decode to `s:…` are read; one starting with another character cannot.
  const first = raw.charCodeAt(0);
  if (first !== 0x73 /* s */ && first !== 0x22 /* " */ && first !== 0x25 /* % */) return raw;
  const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** cookie-parser's JSONCookie: a `j:` value whose JSON parses to a truthy value becomes that value. */
function parseJsonCookie(value: string): string | object {
  if (!value.startsWith('j:')) return value;
  try {
    const parsed: unknown = JSON.parse(value.slice(2));
    return parsed ? (parsed as object) : value;
  } catch {
    return value;
  }
}

function runCookieParser(middleware: CookieParserMiddleware, header: string, secrets: readonly string[], key: string): SignedCookies {
  // A request of its own, as the legacy package used: cookie-parser writes onto it.
  const req: { headers: { cookie: string }; signedCookies?: SignedCookies; cookies?: Record<string, unknown> } = {
    headers: { cookie: header },
  };
  let called = false;
  try {
    middleware(req, {}, (err?: unknown) => {
      called = true;
      if (err) debug('cookieParser passed an error; treating the request as having no cookies');
    });
  } catch {
    debug('cookieParser threw; treating the request as having no cookies');
    return Object.create(null);
  }
  if (!called) debug('cookieParser did not call next synchronously; using what it set');
  const signed: SignedCookies = req.signedCookies && typeof req.signedCookies === 'object' ? req.signedCookies : Object.create(null);
  // A middleware made as cookieParser() without a secret leaves the session cookie signed in
  // req.cookies; express-session reads it from there too, so do the same.
  const raw = req.cookies?.[key];
  if (signed[key] === undefined && typeof raw === 'string' && raw.startsWith('s:')) {
    signed[key] = unsignWithAny(raw.slice(2), secrets);
  }
  return signed;
}

/**
 * The session id of a handshake: a signed `session_id` query value (or a raw one, only when the
 * legacy option allows it), else the verified session cookie, else `''`.
 */
export function chooseSessionId(
  query: unknown,
  cookies: SignedCookies,
  settings: Pick<SessionSettings, 'key' | 'secrets' | 'allowUnsignedSessionIdQuery'>,
): SessionIdResult {
  if (typeof query === 'string' && query !== '') {
    if (query.startsWith('s:')) {
      const unsigned = unsignWithAny(query.slice(2), settings.secrets);
      if (unsigned !== false && unsigned !== '') return { sessionID: unsigned, source: 'query' };
      debug('session_id query has a bad signature; ignoring it');
    } else if (settings.allowUnsignedSessionIdQuery) {
      return { sessionID: query, source: 'query' };
    } else {
      debug('unsigned session_id query refused (allowUnsignedSessionIdQuery is off)');
    }
  }
  const fromCookie = cookies[settings.key];
  if (typeof fromCookie === 'string' && fromCookie !== '') return { sessionID: fromCookie, source: 'cookie' };
  return { sessionID: '', source: 'none' };
}

/**
 * Whether the client sent a session id at all, for a handshake that found none: a cookie named
 * `key` (signed or not) or any `session_id` query value.
 */
export function sessionIdWasSent(cookieHeader: string, query: unknown, key: string): boolean {
  if (query !== undefined && query !== null && query !== '') return true;
  return cookieHeader.includes(key) && parseCookieHeader(cookieHeader)[key] !== undefined;
}

/** The `session_id` query value of a handshake, on any socket.io major. */
export function readQuerySessionId(
  request: IncomingMessage & { _query?: Record<string, unknown>; query?: unknown },
  handshakeQuery: unknown,
): unknown {
  const query = (handshakeQuery ?? request._query ?? request.query) as Record<string, unknown> | undefined;
  if (query === null || typeof query !== 'object') return undefined;
  return Object.hasOwn(query, 'session_id') ? query.session_id : undefined;
}
