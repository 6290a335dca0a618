import { settleOnce } from '../decide/settle-once';
import { log } from '../log';
import type { StrategyLike } from '../types';

const debug = log('strategy');

/** How one run of a strategy ended. */
export type StrategyOutcome =
  | { kind: 'success'; user: unknown; info: unknown }
  | { kind: 'fail'; challenge: unknown }
  | { kind: 'error'; error: unknown }
  | { kind: 'pass' }
  | { kind: 'redirect' }
  | { kind: 'timeout'; ms: number };

/**
 * Runs `strategy.authenticate(request, options)` outside Express, the way Passport's
 * `authenticate()` middleware does: on a fresh object whose prototype is the strategy, holding
 * this run's own `success`/`fail`/`error`/`pass`/`redirect`, so concurrent handshakes never share
 * them. `done` is called exactly once: with the first answer, or after `timeoutMs` of silence; a
 * throw or a rejected promise from `authenticate` is an error.
 */
export function runStrategy(
  strategy: StrategyLike,
  request: object,
  options: object,
  timeoutMs: number,
  done: (outcome: StrategyOutcome) => void,
): void {
  let deliveryError: unknown;
  let hasDeliveryError = false;
  const answer = settleOnce<StrategyOutcome>(
    (outcome) => {
      try {
        done(outcome);
      } catch (err) {
        deliveryError = err;
        hasDeliveryError = true;
        throw err;
      }
    },
    (outcome) => debug('strategy answered again (%s); only its first answer counts', outcome.kind),
  );
  const settle = answer.settle;
  answer.within(timeoutMs, () => ({ kind: 'timeout', ms: timeoutMs }));

  const attempt = Object.create(strategy) as StrategyLike & Record<string, unknown>;
  attempt.success = (user: unknown, info: unknown) => settle({ kind: 'success', user, info });
  // Passport allows fail(status) alone: a number is a status, not a challenge (no status is sent here).
  attempt.fail = (challenge: unknown) => settle({ kind: 'fail', challenge: typeof challenge === 'number' ? undefined : challenge });
  attempt.error = (error: unknown) => settle({ kind: 'error', error });
  attempt.pass = () => settle({ kind: 'pass' });
  attempt.redirect = () => settle({ kind: 'redirect' });

  const failed = (error: unknown) => {
    if (hasDeliveryError && error === deliveryError) throw error;
    if (answer.settled) {
      debug('strategy threw after answering; ignored');
      return;
    }
    settle({ kind: 'error', error });
  };
  let result: unknown;
  try {
    result = attempt.authenticate(request, options);
  } catch (err) {
    failed(err);
    return;
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    // A rejection after an answer is a second answer: settle() ignores it.
    (result as PromiseLike<unknown>).then(undefined, (err: unknown) => settle({ kind: 'error', error: err }));
  }
}
