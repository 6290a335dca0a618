import type { IncomingMessage } from 'node:http';
import { parse as parseCookieHeader } from 'cookie';
import { unsign } from 'cookie-signature';
import { InvalidOptionError } from '../errors';
import { log } from '../log';
import type { SessionSettings } from '../options';
import type { CookieParserMiddleware, SessionIdSource, SignedCookies } from '../types';

const debug = log('session-id');

interface SessionIdResult {
  sessionID: string;
  source: SessionIdSource;
}

/** Reads the signed cookies of a request, unsigned, the way the configured cookie parser does. */
export type SignedCookieReader = (cookieHeader: string) => SignedCookies;

/**
 * Chooses how cookies are read: the built-in reader (express-session's own rules), the
 * cookie-parser factory called once with the secret, or an already-made cookie-parser middleware.
 */
export function createSignedCookieReader(
  settings: Pick<SessionSettings, 'cookieParser' | 'secret' | 'secrets' | 'key'>,
): SignedCookieReader {
  const { cookieParser, secrets, key } = settings;
  if (cookieParser === undefined) return (header) => readSignedCookies(header, secrets);
  // A factory takes (secret, options); a middleware takes (req, res, next).
  const middleware =
    cookieParser.length >= 3
      ? (cookieParser as CookieParserMiddleware)
      : (cookieParser as (s: unknown) => CookieParserMiddleware)(settings.secret);
  if (typeof middleware !== 'function') {
    throw new InvalidOptionError('cookieParser', 'must be the cookie-parser factory or a cookieParser(secret) middleware');
  }
  return (header) => runCookieParser(middleware, header, secrets, key);
}

/**
 * What cookie-parser leaves in `req.signedCookies`: every `s:`-prefixed cookie unsigned with the
 * first secret that verifies it, `false` where none does; `j:` values parsed as JSON.
 */
export function readSignedCookies(header: string, secrets: readonly string[]): SignedCookies {
  const signed: SignedCookies = new SignedCookieJar();
  if (header === '') return signed;
  const cookies = parseCookieHeader(header, { decode: decodeCookieValue });
  for (const name in cookies) {
    const value = cookies[name];
    if (typeof value === 'string' && value.startsWith('s:')) {
      const unsigned = unsignWithAny(value.slice(2), secrets);
      signed[name] = unsigned === false ? false : parseJsonCookie(sliceOfHeader(unsigned, header));
    }
  }
  return signed;
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
 * A cookie value as express-session's (and cookie-parser's) `cookie` 0.x reads it: surrounding
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

/** cookie-signature's `unsign` compares in constant time; try each secret, newest first. */
export function unsignWithAny(value: string, secrets: readonly string[]): string | false {
  for (const secret of secrets) {
    const unsigned = unsign(value, secret);
    if (unsigned !== false) return unsigned;
  }
  return false;
}

function parseJsonCookie(value: string): string | object {
  if (!value.startsWith('j:')) return value;
  try {
    const parsed: unknown = JSON.parse(value.slice(2));
    return parsed !== null && typeof parsed === 'object' ? parsed : value;
  } catch {
    return value;
  }
}
