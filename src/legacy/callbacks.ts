import type { AuthorizationError } from '../errors';
import type { AcceptCallback, FailCallback, HandshakeData, LegacyFailCallback } from '../types';

/** The legacy default `success`: let the user in. */
export function defaultSuccess(_data: HandshakeData, accept: AcceptCallback): void {
  accept();
}

/** The legacy default `fail`: refuse with the message; `clientErrorOf` hides it when critical. */
function defaultFail(_data: HandshakeData, _message: string, _critical: boolean, accept: AcceptCallback, error: AuthorizationError): void {
  accept(error);
}

/** Early releases called `fail(data, accept)`; the function's length tells which form the app wrote. */
export function normaliseFail(fail: FailCallback | LegacyFailCallback | undefined): FailCallback {
  if (fail === undefined) return defaultFail;
  if (fail.length === 2) {
    const legacy = fail as LegacyFailCallback;
    return (data, _message, _critical, accept) => legacy(data, accept);
  }
  return fail as FailCallback;
}
