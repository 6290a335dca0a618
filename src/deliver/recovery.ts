import type { HandshakeRecord } from '../decide/record';
import type { Settlement } from '../decide/settlement';
import { type AuthorizationError, RECOVERY_MESSAGE, recoverySkipsAuthorization } from '../errors';
import { log } from '../log';

const debug = log('recovery');

interface RecoveringSocket {
  nsp?: { server?: { opts?: { connectionStateRecovery?: { skipMiddlewares?: unknown } | null } } };
}

const warned = new WeakSet<object>();

/**
 * socket.io 4.6+'s `connectionStateRecovery` lets a recovered socket skip every middleware unless
 * `skipMiddlewares: false`: its rooms, `socket.data` and missed events come back without the
 * session being checked, even after a logout. Such a server gets every handshake refused with a
 * coded error (and one process warning), so the setting is fixed before anyone relies on it.
 */
function recoveryRefusal(socket: unknown): AuthorizationError | undefined {
  const server = (socket as RecoveringSocket | null)?.nsp?.server;
  const recovery = server?.opts?.connectionStateRecovery;
  if (recovery === null || typeof recovery !== 'object' || recovery.skipMiddlewares === false) return undefined;
  if (server && !warned.has(server)) {
    warned.add(server);
    debug('connectionStateRecovery skips middlewares: every handshake refused');
    process.emitWarning(RECOVERY_MESSAGE, { code: 'ERR_RECOVERY_SKIPS_AUTHORIZATION' });
  }
  return recoverySkipsAuthorization();
}

/** Refuses the handshake when recoveryRefusal finds the server unsafe; true when it did. */
export function refuseUnsafeRecovery(socket: unknown, record: HandshakeRecord, settlement: Settlement): boolean {
  const unsafe = recoveryRefusal(socket);
  if (!unsafe) return false;
  record.failure = unsafe;
  settlement.refuse(unsafe);
  return true;
}
