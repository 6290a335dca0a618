import { callbackTimeout } from '../errors';
import { verdictOf } from '../legacy/accept';
import { log } from '../log';
import type { AcceptCallback, Verdict } from '../types';
import { type Once, settleOnce } from './settle-once';

const debug = log('accept');

/**
 * How one handshake gets its verdict, exactly once. The app's callbacks get `accept`; the package
 * itself refuses through `refuse` (a callback threw or never answered, the request was unreadable).
 * Only the first call counts; the verdict is then delivered (to socket.io, or as an HTTP answer),
 * and only after that are the observers told, of the verdict delivered: delivery may still refuse
 * (a logout ended the session's rooms while the handshake was in flight).
 */
export interface Settlement {
  readonly accept: AcceptCallback;
  refuse(error: Error): void;
  readonly settled: boolean;
  /** Arms the bound within which the app's callback must call `accept`. */
  expectWithin(callback: 'success' | 'fail', ms: number): void;
  /** True for an error thrown by socket.io (or the app's connection handler) during delivery. */
  threwWhileDelivering(error: unknown): boolean;
}

/** Delivers a verdict, and returns the one delivered (delivery may still refuse). */
export type Deliver = (verdict: Verdict) => Verdict;

export function createSettlement(deliver: Deliver, onSettled?: (verdict: Verdict) => void): Settlement {
  return new HandshakeSettlement(deliver, onSettled);
}

// A class rather than a literal of closures: one object and one closure (`accept`, which apps
// call detached) per handshake instead of six closures and an accessor.
class HandshakeSettlement implements Settlement {
  readonly accept: AcceptCallback;
  private readonly once: Once<Verdict>;
  private deliveryError: unknown = undefined;
  private hasDeliveryError = false;

  constructor(
    private readonly deliver: Deliver,
    private readonly onSettled: ((verdict: Verdict) => void) | undefined,
  ) {
    this.once = settleOnce(
      (verdict) => this.settle(verdict),
      () => debug('accept called again; only the first call counts'),
    );
    this.accept = (...args: unknown[]) => this.once.settle(verdictOf(args[0], args[1], args.length));
  }

  get settled(): boolean {
    return this.once.settled;
  }

  refuse(error: Error): void {
    this.once.settle(error);
  }

  expectWithin(callback: 'success' | 'fail', ms: number): void {
    this.once.within(ms, () => callbackTimeout(callback, ms));
  }

  threwWhileDelivering(error: unknown): boolean {
    return this.hasDeliveryError && error === this.deliveryError;
  }

  private settle(decided: Verdict): void {
    let verdict = decided;
    try {
      verdict = this.deliver(decided);
    } catch (err) {
      this.deliveryError = err;
      this.hasDeliveryError = true;
      throw err;
    } finally {
      // Observers hear of the verdict after the client does: a slow one cannot delay it.
      if (this.onSettled) notify(this.onSettled, verdict);
    }
  }
}

function notify(listener: (verdict: Verdict) => void, verdict: Verdict): void {
  try {
    listener(verdict);
  } catch {
    debug('a decision listener threw; ignored');
  }
}
