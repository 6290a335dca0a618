import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HandshakeRecord } from '../decide/record';
import { AuthorizationError, type AuthorizationErrorCode } from '../errors';
import { outcomeOf } from '../events/decision-events';
import { log } from '../log';
import type { Verdict } from '../types';
import { clientErrorOf } from './client-error';
import { settleHandshakeUser } from './connection-user';

const debug = log('engine');

/** The JSON body of a refused engine handshake. Never a stack trace or an internal message. */
export interface EngineRefusal {
  /** The stable code, as in `fail`'s `error.code` and decision events. */
  code: AuthorizationErrorCode;
  /** What the client may see: the legacy message, `Internal server error` for a critical failure, or the app's own. */
  message: string;
  /** The `data` of an Error the app refused with, as socket.io sends it in `connect_error`. */
  data?: unknown;
}

/**
 * An engine.io request. engine.io (6.4 and later, the versions with `io.engine.use`) parses the
 * query into `_query` before it runs any middleware, for polling, WebSocket and uWebSockets.js alike.
 */
export interface EngineRequest extends IncomingMessage {
  _query?: Record<string, string>;
}

/** The engine.io query of a request; none when engine.io did not parse one (no sid: authorized). */
export function engineQueryOf(req: EngineRequest): Record<string, string> {
  return req._query ?? {};
}

/**
 * Whether this request belongs to an open connection, and may pass unchecked. engine.io decides
 * on `_query.sid` alone, right after its middlewares: a non-empty sid is a request of an open
 * connection (it answers 400 "Session ID unknown" when no live connection has that id), anything
 * else (no sid, `sid=`, whatever the method or transport) starts a connection. So only a non-empty
 * string sid may pass unchecked: engine.io itself then requires it to be a live connection, which
 * was authorized at its own first request. Every other request is authorized, even one engine.io
 * would refuse anyway (a POST without a sid).
 */
export function belongsToOpenConnection(query: Record<string, unknown>): boolean {
  const sid = query.sid;
  return typeof sid === 'string' && sid !== '';
}

/**
 * Delivers a verdict at the engine: an HTTP refusal, or `next()` with the user made the
 * connection's (every namespace's socket of it reads it).
 */
export function deliverToEngine(
  req: EngineRequest,
  res: ServerResponse,
  next: (err?: unknown) => void,
  record: HandshakeRecord,
  userProperty: string,
): (verdict: Verdict) => Verdict {
  return (verdict) => {
    if (verdict) {
      refuseHandshake(req, res, verdict, record);
      return verdict;
    }
    settleHandshakeUser(req, userProperty, record, undefined, undefined, true);
    next();
    return verdict;
  };
}

/**
 * 401 for a visitor not logged in, 403 when the app's `success` refused a found user, 500 for a
 * critical failure: a store or strategy that failed, a callback that threw or never answered.
 */
function refusalStatusOf(record: HandshakeRecord, verdict: Error): { status: number; code: AuthorizationErrorCode } {
  // A refusal's outcome is never 'OK' (that is no verdict and no failure).
  const { code, critical } = outcomeOf(record, verdict) as { code: AuthorizationErrorCode; critical: boolean };
  if (critical) return { status: 500, code };
  // No failure found on the way means a user was found and the app's success refused it.
  return { status: record.failure === null ? 403 : 401, code };
}

function refusalBody(verdict: Error, code: AuthorizationErrorCode): string {
  const refusal: EngineRefusal = { code, message: clientErrorOf(verdict, false).message };
  const data = verdict instanceof AuthorizationError ? undefined : (verdict as { data?: unknown }).data;
  if (data !== undefined) {
    try {
      return JSON.stringify({ ...refusal, data });
    } catch {
      debug('the refusal error has data that cannot be sent as JSON; sent without it');
    }
  }
  return JSON.stringify(refusal);
}

function refuseHandshake(req: EngineRequest, res: ServerResponse, verdict: Error, record: HandshakeRecord): void {
  const { status, code } = refusalStatusOf(record, verdict);
  const body = refusalBody(verdict, code);
  debug('handshake refused with HTTP %d: %s', status, code);
  // engine.io hands an upgrade request a stand-in response whose writeHead() writes nothing.
  if (!(res instanceof ServerResponse)) {
    refuseUpgrade(req.socket, status, body);
    return;
  }
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: number, body: string): void {
  socket.on('error', () => debug('error on a refused upgrade connection; ignored'));
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Cache-Control: no-store\r\n' +
      `\r\n${body}`,
  );
}
