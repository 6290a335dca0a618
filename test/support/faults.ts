/**
 * Faults injected into a real store instance, so a test can log in normally and then make the
 * store misbehave for the socket handshake. The store itself stays the real one.
 */
import type { Any } from './stack';

export type StoreFault = 'none' | 'error' | 'throw' | 'silent' | 'twice' | 'expired' | 'late';

export interface FaultyStore {
  store: Any;
  /** How many times `get` was called. */
  readonly gets: number;
  fault: StoreFault;
}

export function withFaults(store: Any): FaultyStore {
  const realGet = store.get.bind(store);
  const state = { gets: 0, fault: 'none' as StoreFault };
  store.get = (sid: string, callback: (err: unknown, session?: unknown) => void) => {
    state.gets += 1;
    switch (state.fault) {
      case 'error':
        return callback(new Error('redis down'));
      case 'throw':
        throw new Error('store exploded');
      case 'silent':
        return;
      case 'twice':
        return realGet(sid, (err: unknown, session: unknown) => {
          callback(err, session);
          callback(new Error('second answer'));
        });
      case 'late':
        return realGet(sid, (err: unknown, session: unknown) => setTimeout(() => callback(err, session), 400));
      case 'expired':
        return realGet(sid, (err: unknown, session: Any) => {
          if (session) session.cookie = { ...session.cookie, expires: new Date(Date.now() - 1000).toISOString() };
          callback(err, session);
        });
      default:
        return realGet(sid, callback);
    }
  };
  return {
    store,
    get gets() {
      return state.gets;
    },
    get fault() {
      return state.fault;
    },
    set fault(value) {
      state.fault = value;
    },
  };
}

export interface FailCall {
  data: Any;
  message: unknown;
  critical: unknown;
  error: Any;
  userAtFailTime: unknown;
}

/** A `fail` callback that records its arguments and refuses with the message, as the README's. */
export function recordingFail() {
  const calls: FailCall[] = [];
  const fail = (data: Any, message: unknown, critical: unknown, accept: Any, error: Any) => {
    calls.push({ data, message, critical, error, userAtFailTime: { ...data.user } });
    accept(new Error(String(message)));
  };
  return { fail, calls };
}
