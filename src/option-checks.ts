import { InvalidOptionError } from './errors';

/** The longest delay a Node.js timer accepts. */
const MAX_TIMER_MS = 2_147_483_647;

/** A short, safe description of a wrong value, for option errors. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string "${value.slice(0, 40)}"` : `a ${typeof value}`;
}

/** The option if it is a function or absent. */
export function optionalFunction<T extends object, K extends keyof T & string>(options: T, name: K): T[K] {
  const value = options[name];
  if (value !== undefined && typeof value !== 'function') {
    throw new InvalidOptionError(name, `must be a function, not ${describe(value)}`);
  }
  return value;
}

/** The option if it is a boolean, else `false` when absent. */
export function optionalBoolean<T extends object, K extends keyof T & string>(options: T, name: K): boolean {
  const value = options[name] ?? false;
  if (typeof value !== 'boolean') throw new InvalidOptionError(name, `must be true or false, not ${describe(value)}`);
  return value;
}

export function checkUserProperty(value: unknown = 'user'): string {
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError('userProperty', `must be a non-empty string, not ${describe(value)}`);
  }
  return value;
}

export function checkTimeout(value: unknown, defaultMs: number): number {
  const timeout = value ?? defaultMs;
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMER_MS) {
    throw new InvalidOptionError('timeout', `must be a positive number of milliseconds, not ${describe(timeout)}`);
  }
  return timeout;
}
