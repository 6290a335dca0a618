import { callbackThrew, ErrorCodes } from '../errors';
import { log } from '../log';
import type { CallbackSettings } from '../options';
import type { HandshakeData, Identity } from '../types';
import { writeHandshakeUser } from './handshake-user';
import type { HandshakeRecord } from './record';
import type { Settlement } from './settlement';

const debug = log('handshake');
// The namespaces stay those of the modules these lines came from before: DEBUG filters use them.
const debugAccept = log('accept');

/**
 * The app decides: a found user goes on the request (`logged_in: true`) and to `success`; a
 * failure goes to `fail` with its legacy message, `critical` flag and coded error. Either must
 * call `accept` within the timeout. A request that could not even be read is refused at once.
 */
export function decide(
  callbacks: CallbackSettings,
  data: HandshakeData,
  identity: Identity,
  settlement: Settlement,
  record: HandshakeRecord,
): void {
  const request = data as HandshakeData & Record<string, unknown>;
  if ('failure' in identity) {
    const { failure } = identity;
    record.failure = failure;
    if (failure.code === ErrorCodes.REQUEST_UNREADABLE) {
      debug('handshake request could not be read; refused');
      settlement.refuse(failure);
      return;
    }
    debug('%s: calling fail', failure.code);
    callApp(
      'fail',
      () => callbacks.fail(data, failure.message, failure.critical, settlement.accept, failure),
      settlement,
      callbacks.timeout,
    );
    return;
  }
  record.failure = null;
  record.foundBy = identity.method;
  record.tokenExpiresAt = identity.tokenExpiresAt;
  writeHandshakeUser(request, callbacks.userProperty, record, identity.user);
  if (identity.info !== undefined) request.authInfo = identity.info;
  callApp('success', () => callbacks.success(data, settlement.accept), settlement, callbacks.timeout);
}

/**
 * Calls an app callback so that it can neither crash the process nor leave the handshake
 * hanging: a throw before deciding refuses, silence refuses after `timeoutMs`.
 */
function callApp(name: 'success' | 'fail', call: () => void, settlement: Settlement, timeoutMs: number): void {
  try {
    call();
  } catch (err) {
    if (settlement.threwWhileDelivering(err)) throw err;
    if (settlement.settled) {
      debugAccept('%s callback threw after deciding; ignored', name);
      return;
    }
    debugAccept('%s callback threw; handshake refused', name);
    settlement.refuse(callbackThrew(name, err));
    return;
  }
  settlement.expectWithin(name, timeoutMs);
}
