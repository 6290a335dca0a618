import type { HandshakeRecord } from './record';

// All namespace sockets of one connection share `socket.request`, and each namespace's handshake
// writes its user there (the legacy contract: `success(data)` gets the request itself). Each
// handshake keeps the user it wrote in its own record, and the request remembers which handshake
// wrote last, so that delivery (deliver/connection-user.ts) settles the right user.

/** Which handshake wrote the request's user last. */
const lastWriter = new WeakMap<object, HandshakeRecord>();

/** A handshake writes its user (the placeholder, then the user found) on the shared request. */
export function writeHandshakeUser(request: object, userProperty: string, record: HandshakeRecord, user: unknown): void {
  (request as Record<string, unknown>)[userProperty] = user;
  record.user = user;
  lastWriter.set(request, record);
}

/** Whether this handshake wrote the request's user last; forgotten either way, now that it is decided. */
export function takeLastWrite(request: object, record: HandshakeRecord): boolean {
  const wroteLast = lastWriter.get(request) === record;
  lastWriter.delete(request);
  return wroteLast;
}
