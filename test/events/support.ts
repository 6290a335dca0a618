/**
 * What the observability tests share: reading a session cookie apart, waiting for decision
 * events, and checking that nothing secret went into one.
 */
import assert from 'node:assert/strict';
import { sign } from 'cookie-signature';
import type { DecisionEvent } from '../../src';
import { SECRET, type TestApp } from '../support/app';
import type { Any } from '../support/stack';

/** Every field a decision event may have; `userId` only when the app opts in. */
export const EVENT_FIELDS = [
  'accepted',
  'code',
  'critical',
  'deserializeMs',
  'mode',
  'namespace',
  'sessionIdRejected',
  'sessionIdSource',
  'storeMs',
  'totalMs',
  'transport',
];

export interface SessionCookie {
  /** The Cookie header pair, `connect.sid=s%3A...`. */
  header: string;
  /** The cookie's value, decoded: `s:<sid>.<signature>` (what a client passes as `?session_id=`). */
  signedValue: string;
  sid: string;
  signature: string;
}

export function readSessionCookie(header: string): SessionCookie {
  const signedValue = decodeURIComponent(header.slice(header.indexOf('=') + 1));
  const [sid, signature] = signedValue.slice(2).split('.') as [string, string];
  return { header, signedValue, sid, signature };
}

/** The session id signed with a secret the app does not know: what a forger can make. */
export function forgedValue(sid: string): string {
  return `s:${sign(sid, 'not the secret')}`;
}

/** Every string that must never appear in an event, a log line or a metric for this cookie. */
export function secretsOf(cookie: SessionCookie, ...more: string[]): string[] {
  return [cookie.header, cookie.signedValue, encodeURIComponent(cookie.signedValue), cookie.sid, cookie.signature, SECRET, ...more];
}

export function assertNoSecrets(text: string, secrets: readonly string[], what: string): void {
  for (const secret of secrets) {
    if (secret !== '') assert.ok(!text.includes(secret), `${what} contains ${JSON.stringify(secret)}: ${text}`);
  }
}

/**
 * Waits until `ready()` holds. Events come on a later turn of the event loop than the decision;
 * the bound only keeps a broken build from hanging the suite.
 */
export async function waitFor(ready: () => boolean, what: string, boundMs = 5000): Promise<void> {
  const giveUpAt = Date.now() + boundMs;
  while (!ready()) {
    if (Date.now() > giveUpAt) assert.fail(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rewrites a stored session through the app's real store. */
export function editSession(app: TestApp, sid: string, edit: (session: Any) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    app.store.get(sid, (err: unknown, session: Any) => {
      if (err || !session) return reject(err ?? new Error('no such session'));
      edit(session);
      app.store.set(sid, session, (setErr: unknown) => (setErr ? reject(setErr) : resolve()));
    }),
  );
}

/** Collects the events of every `authorize()` in this process until `stop()`. */
export function listenToDecisions(emitter: {
  on(name: 'decision', listener: (event: DecisionEvent) => void): unknown;
  off(name: 'decision', listener: (event: DecisionEvent) => void): unknown;
}) {
  const events: DecisionEvent[] = [];
  const listener = (event: DecisionEvent) => {
    events.push(event);
  };
  emitter.on('decision', listener);
  return { events, stop: () => emitter.off('decision', listener) };
}
