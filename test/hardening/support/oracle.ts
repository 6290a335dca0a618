/**
 * What a handshake must come to, computed from SPEC.md's rules and from express-session's own
 * cookie reading (its bundled `cookie` and `cookie-signature`), never from the package's code.
 */
import { dirname } from 'node:path';
import { type CallbackPlan, type DeserializePlan, HOSTILE, type Scenario, type StorePlan } from './harness';

const sessionDir = dirname(require.resolve('express-session/package.json'));
const sessionCookie: { parse(header: string): Record<string, string> } = require(require.resolve('cookie', { paths: [sessionDir] }));
const sessionSignature: { unsign(value: string, secret: string): string | false } = require(
  require.resolve('cookie-signature', { paths: [sessionDir] }),
);

/** The session id express-session itself finds in a Cookie header (its `getcookie`), or undefined. */
export function expressSessionReads(header: string | undefined, name: string, secrets: readonly string[]): string | undefined {
  if (!header) return undefined;
  // Own keys only: express-session itself would call `toString.substr` for a cookie named toString.
  const cookies = sessionCookie.parse(header);
  const raw = Object.hasOwn(cookies, name) ? cookies[name] : undefined;
  if (typeof raw !== 'string' || raw.substring(0, 2) !== 's:') return undefined;
  for (const secret of secrets) {
    const value = sessionSignature.unsign(raw.slice(2), secret);
    if (value !== false) return value;
  }
  return undefined;
}

function unsignWithAny(value: string, secrets: readonly string[]): string | false {
  for (const secret of secrets) {
    const unsigned = sessionSignature.unsign(value, secret);
    if (unsigned !== false) return unsigned;
  }
  return false;
}

/**
 * SPEC step 2: a signed `session_id` query value, a raw one only with the legacy option, else the
 * cookie as express-session reads it. A signed `j:` value is a JSON cookie to cookie-parser, not a
 * session id (express-session never makes such ids).
 */
export function expectedSessionId(scenario: Scenario): string {
  const { query, secrets } = scenario;
  if (typeof query === 'string' && query !== '') {
    if (query.startsWith('s:')) {
      const unsigned = unsignWithAny(query.slice(2), secrets);
      if (unsigned !== false && unsigned !== '') return unsigned;
    } else if (scenario.allowUnsignedSessionIdQuery) {
      return query;
    }
  }
  const fromCookie = expressSessionReads(scenario.cookieHeader, scenario.key, secrets);
  if (fromCookie === undefined || fromCookie === '') return '';
  // cookie-parser made without a secret leaves the signed value to be unsigned as express-session
  // does, with no JSON parsing; every other reader parses `j:` values as cookie-parser does.
  if (fromCookie.startsWith('j:') && scenario.cookieParser !== 'middleware-without-secret') {
    try {
      const parsed: unknown = JSON.parse(fromCookie.slice(2));
      if (parsed !== null && typeof parsed === 'object') return '';
    } catch {
      // not JSON: an ordinary id
    }
  }
  return fromCookie;
}

export type Path = { path: 'success'; user: unknown } | { path: 'fail'; code: string; critical: boolean };

const CRITICAL = new Set([
  'ERR_SESSION_STORE',
  'ERR_SESSION_STORE_TIMEOUT',
  'ERR_SESSION_STORE_INVALID',
  'ERR_DESERIALIZE_USER',
  'ERR_DESERIALIZE_TIMEOUT',
]);
const failure = (code: string): Path => ({ path: 'fail', code, critical: CRITICAL.has(code) });

type FirstAnswer = { err: unknown; value: unknown } | { failure: string };

function firstStoreAnswer(plan: StorePlan): FirstAnswer {
  switch (plan.kind) {
    case 'answer':
      return plan.timing === 'late' ? { failure: 'ERR_SESSION_STORE_TIMEOUT' } : { err: plan.err, value: plan.value };
    case 'error':
      return plan.timing === 'late' ? { failure: 'ERR_SESSION_STORE_TIMEOUT' } : { err: plan.err, value: undefined };
    case 'throw':
      return { failure: 'ERR_SESSION_STORE' };
    case 'answerThenThrow':
      return { err: null, value: plan.value };
    case 'never':
      return { failure: 'ERR_SESSION_STORE_TIMEOUT' };
    case 'twice':
      return plan.timing === 'late' ? { failure: 'ERR_SESSION_STORE_TIMEOUT' } : { err: plan.first.err, value: plan.first.value };
  }
}

/** SPEC step 4 on what the store returned: expiry, passport data, the serialized user. */
function serializedUserOf(session: unknown): { value: unknown } | Path {
  if (!session) return failure('ERR_NO_SESSION');
  // A session object that throws when read is a store failure.
  if (session === HOSTILE) return failure('ERR_SESSION_STORE');
  // A store answer that is not a session object: a store with the wrong serializer.
  if (typeof session !== 'object' || Array.isArray(session)) return failure('ERR_SESSION_STORE_INVALID');
  try {
    const cookie = (session as { cookie?: { expires?: unknown } }).cookie;
    const expires = cookie === null || typeof cookie !== 'object' ? undefined : cookie.expires;
    let at = Number.NaN;
    if (expires instanceof Date) at = expires.getTime();
    else if (typeof expires === 'number') at = expires;
    else if (typeof expires === 'string') at = /^\s*-?\d+(\.\d+)?\s*$/.test(expires) ? Number(expires) : Date.parse(expires);
    if (!Number.isNaN(at) && at <= Date.now()) return failure('ERR_NO_SESSION');
    const passportData = (session as Record<string, unknown>).passport as { user?: unknown } | undefined;
    if (!passportData) return failure('ERR_PASSPORT_NOT_INITIALIZED');
    if (passportData.user === undefined) return failure('ERR_USER_PROPERTY_NOT_FOUND');
    return { value: passportData.user };
  } catch {
    return failure('ERR_SESSION_STORE');
  }
}

/** Passport's own chain: 'pass' skips, an error or a user ends it, null/false is "no user". */
function passportResult(args: unknown[]): Path {
  let [err, user] = args;
  if (err === 'pass') err = undefined;
  if (err) return failure('ERR_DESERIALIZE_USER');
  if (user) return { path: 'success', user };
  if (user === null || user === false) return failure('ERR_USER_NOT_FOUND');
  return failure('ERR_DESERIALIZE_USER');
}

function deserialized(plan: DeserializePlan): Path {
  switch (plan.kind) {
    case 'done':
      return plan.timing === 'late' ? failure('ERR_DESERIALIZE_TIMEOUT') : passportResult(plan.args);
    case 'throw':
      return failure('ERR_DESERIALIZE_USER');
    case 'doneThenThrow':
      return passportResult(plan.args);
    case 'never':
      return failure('ERR_DESERIALIZE_TIMEOUT');
    case 'twice':
      return plan.timing === 'late' ? failure('ERR_DESERIALIZE_TIMEOUT') : passportResult(plan.first);
  }
}

export interface Expectation {
  sessionID: string;
  /** Whether the store is read at all (only for a verified id). */
  readsStore: boolean;
  path: Path;
  accepted: boolean;
  /** The code the client must see in `err.data.code` (socket.io 3+), when the package made the refusal. */
  clientCode: string | undefined;
  /** Whether the client must see only the generic message. */
  generic: boolean;
}

export function expectedPath(scenario: Scenario): { sessionID: string; path: Path } {
  const sessionID = expectedSessionId(scenario);
  if (sessionID === '') return { sessionID, path: failure('ERR_NO_SESSION') };
  if (sessionID !== scenario.liveSid) return { sessionID, path: failure('ERR_NO_SESSION') };
  const answer = firstStoreAnswer(scenario.store);
  if ('failure' in answer) return { sessionID, path: failure(answer.failure) };
  // express-session reads ENOENT (session-file-store's answer for an unknown id) as no session.
  if (answer.err && !isNoSuchSession(answer.err)) return { sessionID, path: failure('ERR_SESSION_STORE') };
  const serialized = serializedUserOf(answer.value);
  if ('path' in serialized) return { sessionID, path: serialized };
  return { sessionID, path: deserialized(scenario.deserialize) };
}

function isNoSuchSession(err: unknown): boolean {
  return err instanceof Error && (err as Error & { code?: unknown }).code === 'ENOENT';
}

function refusesByArguments(args: unknown[]): boolean {
  const [err, accepted] = args;
  // Two arguments with a falsy second refuse, as socket.io 0.9 did; accept() and accept(null) accept.
  return Boolean(err) || (args.length >= 2 && !accepted);
}

/** The verdict of the callback that runs (`success` or `fail`), following its plan. */
function callbackVerdict(plan: CallbackPlan, path: Path): { accepted: boolean; clientCode: string | undefined; generic: boolean } {
  if (plan.kind === 'default') {
    if (path.path === 'success') return { accepted: true, clientCode: undefined, generic: false };
    return { accepted: false, clientCode: path.code, generic: path.critical };
  }
  if (plan.kind === 'throw') return { accepted: false, clientCode: 'ERR_CALLBACK_THREW', generic: true };
  if (plan.kind === 'never' || plan.timing === 'late') return { accepted: false, clientCode: 'ERR_CALLBACK_TIMEOUT', generic: true };
  if (!refusesByArguments(plan.args)) return { accepted: true, clientCode: undefined, generic: false };
  // An Error of the app's own reaches the client as it is; anything else is a plain refusal.
  return { accepted: false, clientCode: isError(plan.args[0]) ? undefined : 'ERR_HANDSHAKE_REFUSED', generic: false };
}

/** `instanceof Error` that survives a hostile object whose prototype lookup throws. */
export function isError(value: unknown): boolean {
  if (value === HOSTILE) return false;
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

export function expect(scenario: Scenario): Expectation {
  const { sessionID, path } = expectedPath(scenario);
  const verdict = callbackVerdict(path.path === 'success' ? scenario.success : scenario.fail, path);
  return { sessionID, readsStore: sessionID !== '', path, ...verdict };
}
