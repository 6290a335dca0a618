/**
 * One answer, at most one: the first `settle(result)` is passed on to `done`, every later one is
 * ignored (and reported to `onLate`, for the debug log). `within(ms, timedOut)` arms a bound: if
 * nothing has settled by then, `timedOut()` settles. Every "call back exactly once, within the
 * timeout" of the package (the store, `deserializeUser`, a strategy, the app's `accept`) is this.
 */
export interface Once<T> {
  readonly settled: boolean;
  settle(result: T): void;
  /** Arms the bound; does nothing once settled. The timer never keeps the process alive. */
  within(ms: number, timedOut: () => T): void;
}

export function settleOnce<T>(done: (result: T) => void, onLate?: (result: T) => void): Once<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const once = {
    settled: false,
    settle(result: T): void {
      if (once.settled) {
        onLate?.(result);
        return;
      }
      once.settled = true;
      if (timer !== undefined) clearTimeout(timer);
      done(result);
    },
    within(ms: number, timedOut: () => T): void {
      if (once.settled) return;
      timer = setTimeout(() => once.settle(timedOut()), ms);
      timer.unref?.();
    },
  };
  return once;
}
