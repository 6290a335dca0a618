/**
 * Drives the real `authorize()` middleware with socket-shaped objects that hold a real
 * `http.IncomingMessage`, a real Passport instance and stores and callbacks that behave as a
 * scenario says (answer, error, throw, never answer, answer twice, answer after the timeout).
 * Every call back into the package is wrapped, so an exception that escapes it is recorded
 * rather than lost.
 */
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import cookieParser from 'cookie-parser';
import { Passport } from 'passport';
import { type AuthorizeOptions, authorize } from '../../../src';

export type Timing = 'sync' | 'microtask' | 'immediate' | 'late';

/** What the store does when asked for the live session id. */
export type StorePlan =
  | { kind: 'answer'; value: unknown; err?: unknown; timing: Timing }
  | { kind: 'error'; err: unknown; timing: Timing }
  | { kind: 'throw'; err: unknown }
  | { kind: 'answerThenThrow'; value: unknown }
  | { kind: 'never' }
  | { kind: 'twice'; first: { err?: unknown; value?: unknown }; second: { err?: unknown; value?: unknown }; timing: Timing };

/** What the app's deserializer (registered on a real Passport) does. */
export type DeserializePlan =
  | { kind: 'done'; args: unknown[]; timing: Timing }
  | { kind: 'throw' }
  | { kind: 'doneThenThrow'; args: unknown[] }
  | { kind: 'never' }
  | { kind: 'twice'; first: unknown[]; second: unknown[]; timing: Timing };

/** The arguments of one `accept(...)` call. */
export type AcceptArgs = unknown[];

/** What the app's `success` or `fail` callback does. */
export type CallbackPlan =
  | { kind: 'default' }
  | { kind: 'accept'; args: AcceptArgs; timing: Timing; afterwards?: 'throw' | { again: AcceptArgs }; legacyArity?: boolean }
  | { kind: 'throw'; legacyArity?: boolean }
  | { kind: 'never'; legacyArity?: boolean };

export type SocketShape = 'v4' | 'v2' | 'v09';
export type CookieParserChoice = 'built-in' | 'factory' | 'middleware' | 'middleware-without-secret';

export interface Scenario {
  secrets: string[];
  /** Pass the single secret as a string rather than a one-element array. */
  secretAsString: boolean;
  key: string;
  cookieHeader: string | undefined;
  query: unknown;
  allowUnsignedSessionIdQuery: boolean;
  cookieParser: CookieParserChoice;
  shape: SocketShape;
  /** The one session id the store knows; any other id reads as no session. */
  liveSid: string;
  store: StorePlan;
  deserialize: DeserializePlan;
  deserializerArity: 2 | 3;
  success: CallbackPlan;
  fail: CallbackPlan;
  timeout: number;
}

export interface FailCall {
  message: unknown;
  critical: unknown;
  code: unknown;
  legacy: boolean;
}

export interface Outcome {
  /** Every call of the middleware's `next`, as `[err, authorized]`. */
  deliveries: unknown[][];
  /** Exceptions that came out of a call into the package. */
  escaped: unknown[];
  /** Session ids the store was asked for. */
  storeReads: string[];
  successCalls: number;
  failCalls: FailCall[];
  /** Whether the first decision came before the bound: every stage's timeout, plus slack. */
  decidedInTime: boolean;
  request: IncomingMessage & Record<string, any>;
}

/** Schedules scenario actions and knows when the last one has run. */
class Schedule {
  private pending = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly lateMs: number) {}

  run(timing: Timing, action: () => void): void {
    if (timing === 'sync') {
      action();
      return;
    }
    this.pending += 1;
    const done = () => {
      try {
        action();
      } finally {
        this.pending -= 1;
        if (this.pending === 0) for (const wake of this.waiters.splice(0)) wake();
      }
    };
    if (timing === 'microtask') queueMicrotask(done);
    else if (timing === 'immediate') setImmediate(done);
    else setTimeout(done, this.lateMs);
  }

  idle(): Promise<void> {
    return this.pending === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * Stands for a value that throws on every use. Generators hand out this printable marker (fast-check
 * must be able to print a counterexample); the harness swaps in the real hostile object.
 */
export const HOSTILE = Object.freeze({ hostile: 'throws on every property read and prototype lookup' });

/** The scenario's value as the package meets it: the marker becomes a real hostile object. */
export function live<T>(value: T): T {
  if (value === HOSTILE) return hostileError() as T;
  if (Array.isArray(value)) return value.map((item) => (item === HOSTILE ? hostileError() : item)) as T;
  return value;
}

function hostileError(): unknown {
  return new Proxy(
    {},
    {
      get() {
        throw new Error('hostile getter');
      },
      getPrototypeOf() {
        throw new Error('hostile prototype');
      },
    },
  );
}

export async function runScenario(scenario: Scenario): Promise<Outcome> {
  const escaped: unknown[] = [];
  const guard = (call: () => void) => {
    try {
      call();
    } catch (err) {
      escaped.push(err);
    }
  };
  const schedule = new Schedule(scenario.timeout + 15);
  const storeReads: string[] = [];

  const store = {
    get(sid: string, callback: (err: unknown, session?: unknown) => void) {
      storeReads.push(sid);
      const answer = (err: unknown, value: unknown) => guard(() => callback(err, value));
      if (sid !== scenario.liveSid) return schedule.run('immediate', () => answer(null, null));
      const plan = scenario.store;
      switch (plan.kind) {
        case 'answer':
          return schedule.run(plan.timing, () => answer(live(plan.err) ?? null, live(plan.value)));
        case 'error':
          return schedule.run(plan.timing, () => answer(live(plan.err), undefined));
        case 'throw':
          throw live(plan.err);
        case 'answerThenThrow':
          answer(null, live(plan.value));
          throw new Error('store threw after answering');
        case 'never':
          return;
        case 'twice':
          return schedule.run(plan.timing, () => {
            answer(live(plan.first.err) ?? null, live(plan.first.value));
            answer(live(plan.second.err) ?? null, live(plan.second.value));
          });
      }
    },
  };

  const passport = new Passport();
  const deserialize = (value: unknown, done: (...args: unknown[]) => void) => {
    const call = (args: unknown[]) => guard(() => done(...live(args)));
    const plan = scenario.deserialize;
    switch (plan.kind) {
      case 'done':
        return schedule.run(plan.timing, () => call(plan.args));
      case 'throw':
        throw new Error(`deserializer threw for ${typeof value}`);
      case 'doneThenThrow':
        call(plan.args);
        throw new Error('deserializer threw after calling back');
      case 'never':
        return;
      case 'twice':
        return schedule.run(plan.timing, () => {
          call(plan.first);
          call(plan.second);
        });
    }
  };
  (passport.deserializeUser as (fn: unknown) => void)(
    scenario.deserializerArity === 3
      ? (_req: unknown, value: unknown, done: (...args: unknown[]) => void) => deserialize(value, done)
      : (value: unknown, done: (...args: unknown[]) => void) => deserialize(value, done),
  );

  let successCalls = 0;
  const failCalls: FailCall[] = [];
  const playCallback = (plan: CallbackPlan, accept: (...args: unknown[]) => void) => {
    const call = (args: AcceptArgs) => guard(() => accept(...live(args)));
    if (plan.kind === 'throw') throw new Error('the app callback threw');
    if (plan.kind !== 'accept') return;
    schedule.run(plan.timing, () => {
      call(plan.args);
      // Thrown later than the call, the app's own error is the app's to catch, not the package's.
      if (plan.afterwards === 'throw' && plan.timing === 'sync') throw new Error('the app callback threw after accepting');
      if (typeof plan.afterwards === 'object') call(plan.afterwards.again);
    });
  };

  const options: AuthorizeOptions & Record<string, unknown> = {
    store,
    secret: scenario.secretAsString && scenario.secrets.length === 1 ? (scenario.secrets[0] as string) : scenario.secrets,
    key: scenario.key,
    passport,
    timeout: scenario.timeout,
    allowUnsignedSessionIdQuery: scenario.allowUnsignedSessionIdQuery,
  };
  if (scenario.cookieParser === 'factory') options.cookieParser = cookieParser;
  if (scenario.cookieParser === 'middleware') options.cookieParser = cookieParser(scenario.secrets);
  if (scenario.cookieParser === 'middleware-without-secret') options.cookieParser = cookieParser();
  if (scenario.success.kind !== 'default') {
    const plan = scenario.success;
    options.success = (_data, accept) => {
      successCalls += 1;
      playCallback(plan, accept as (...args: unknown[]) => void);
    };
  }
  if (scenario.fail.kind !== 'default') {
    const plan = scenario.fail;
    options.fail = plan.legacyArity
      ? (_data: unknown, accept: unknown) => {
          failCalls.push({ message: undefined, critical: undefined, code: undefined, legacy: true });
          playCallback(plan, accept as (...args: unknown[]) => void);
        }
      : (_data, message, critical, accept, error) => {
          failCalls.push({ message, critical, code: error?.code, legacy: false });
          playCallback(plan, accept as (...args: unknown[]) => void);
        };
  }
  const middleware = authorize(options);

  const request = new IncomingMessage(new Socket()) as IncomingMessage & Record<string, any>;
  request.headers = scenario.cookieHeader === undefined ? {} : { cookie: scenario.cookieHeader };

  const deliveries: unknown[][] = [];
  let decided: () => void = () => {};
  const firstDecision = new Promise<void>((resolve) => {
    decided = resolve;
  });
  const next = (...args: unknown[]) => {
    deliveries.push(args);
    decided();
  };

  // Store, deserializer and the app's callback may each use the whole timeout; then slack.
  const boundMs = 3 * scenario.timeout + 2000;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<boolean>((resolve) => {
    watchdog = setTimeout(() => resolve(false), boundMs);
  });

  if (scenario.shape === 'v09') {
    request.query = scenario.query === undefined ? {} : { session_id: scenario.query };
    guard(() => (middleware as unknown as (data: unknown, accept: unknown) => void)(request, next));
  } else {
    const query = scenario.query === undefined ? { EIO: '4' } : { EIO: '4', session_id: scenario.query };
    const handshake = scenario.shape === 'v4' ? { query, auth: {} } : { query };
    // engine.io parses the connection's URL into request._query, where the session id is read.
    (request as unknown as { _query: unknown })._query = query;
    guard(() => middleware({ request, handshake }, next));
  }

  const decidedInTime = await Promise.race([firstDecision.then(() => true), bound]);
  clearTimeout(watchdog);
  await schedule.idle();
  await new Promise((resolve) => setImmediate(resolve));
  return { deliveries, escaped, storeReads, successCalls, failCalls, decidedInTime, request };
}

/** Whether a delivery let the connection in, on each socket shape. */
export function wasAccepted(shape: SocketShape, delivery: unknown[]): boolean {
  if (shape === 'v09') return delivery[0] === null && delivery[1] === true;
  return delivery[0] === undefined;
}

/** A snapshot of Object.prototype's own properties, to prove nothing was written to it. */
export function prototypeSnapshot(): string {
  const describe = (target: object) =>
    Reflect.ownKeys(target)
      .map((key) => {
        const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
        return `${String(key)}:${typeof descriptor.value}:${descriptor.writable}:${descriptor.enumerable}:${typeof descriptor.get}`;
      })
      .sort()
      .join(',');
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, IncomingMessage.prototype].map(describe).join('|');
}
