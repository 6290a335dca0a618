import type { IncomingMessage } from 'node:http';
import type { TokenSource, TokenSources } from '../types';

export interface FoundToken {
  token: string | undefined;
  source: TokenSource;
}

const NO_TOKEN: FoundToken = Object.freeze({ token: undefined, source: 'none' });
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The handshake's bearer token, from the first configured place that has one. `auth` is the
 * socket's `handshake.auth` (absent at the engine level), `query` its parsed query.
 */
export function findToken(request: IncomingMessage, auth: unknown, query: unknown, from: TokenSources): FoundToken {
  if (from.header) {
    const header: unknown = request.headers?.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (match?.[1]) return { token: match[1], source: 'header' };
  }
  if (from.auth !== false) {
    const token = bareToken(fieldOf(auth, from.auth));
    if (token) return { token, source: 'auth' };
  }
  if (from.query !== false) {
    const token = bareToken(fieldOf(query, from.query));
    if (token) return { token, source: 'query' };
  }
  return NO_TOKEN;
}

function fieldOf(container: unknown, name: string): unknown {
  if (container === null || typeof container !== 'object') return undefined;
  return Object.hasOwn(container, name) ? (container as Record<string, unknown>)[name] : undefined;
}

/** Clients often send the header's form, `Bearer <token>`, in `auth.token` too. */
function bareToken(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  const match = BEARER.exec(trimmed);
  const token = match?.[1] ?? trimmed;
  return token !== '' && !/\s/.test(token) ? token : undefined;
}

/**
 * The `exp` claim of a JWT, in milliseconds since the epoch, or undefined for a token that is not
 * a JWT or has no numeric `exp`. Read only after the strategy verified the token.
 */
export function tokenExpiry(token: string): number | undefined {
  try {
    // A token without a payload part, or whose payload is not JSON (or is null), throws here.
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8'));
    return Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The request the strategy reads: the real one as prototype, with an own `headers` that carries
 * the token as `Authorization: Bearer`, so that header extractors (passport-jwt's
 * `fromAuthHeaderAsBearerToken()`) see a token from `handshake.auth` or the query too. The real
 * request's headers are never changed: other middlewares and namespaces read them.
 */
export function requestForStrategy(request: IncomingMessage, found: FoundToken): IncomingMessage {
  const view = Object.create(request) as IncomingMessage;
  if (found.token !== undefined && found.source !== 'header') {
    Object.defineProperty(view, 'headers', {
      value: { ...request.headers, authorization: `Bearer ${found.token}` },
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return view;
}
