import createDebug from 'debug';

/** Every log line goes under this one namespace; enable with DEBUG=passport.socketio-compat:* */
const LOG_NAMESPACE = 'passport.socketio-compat';

/**
 * A `debug` logger for one module, silent unless `DEBUG` enables it
 * (`DEBUG=passport.socketio-compat:*`, or one module: `DEBUG=passport.socketio-compat:session-store`).
 * Never pass it a cookie, a session id, a token, a secret, or the message of an error from a store,
 * a deserializer or an app callback (those may quote any of them): codes, counts and durations only.
 *
 * @example
 * ```ts
 * const debug = log('session-store');
 * debug('store did not answer within %d ms', timeoutMs);
 * ```
 */
export function log(module: string): createDebug.Debugger {
  return createDebug(`${LOG_NAMESPACE}:${module}`);
}
