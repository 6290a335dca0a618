/**
 * Property-based tests of the decision core: the real `authorize()` middleware, real cookie
 * signatures, a real Passport, and stores and callbacks that do anything at all.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspect } from 'node:util';
import cookieParser from 'cookie-parser';
import fc from 'fast-check';
import { chooseSessionId, createSignedCookieReader } from '../../src/identify/session-id';
import { cookieHeaderArb, scenarioArb } from './support/arbitraries';
import { type Outcome, prototypeSnapshot, runScenario, type Scenario, wasAccepted } from './support/harness';
import { type Expectation, expectedSessionId, expect as expectFor } from './support/oracle';

const TIMEOUT_MS = 100;
const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);
const runs = (numRuns: number) => ({
  numRuns: Number(process.env.FC_RUNS ?? numRuns),
  includeErrorInReport: true,
  ...(seed === undefined ? {} : { seed }),
});

function check(scenario: Scenario, expected: Expectation, outcome: Outcome): void {
  assert.deepEqual(outcome.escaped, [], 'no exception escapes a call into the package');
  assert.ok(outcome.decidedInTime, 'decided within the timeouts the package sets');
  assert.equal(outcome.deliveries.length, 1, 'decided exactly once');
  const delivery = outcome.deliveries[0] as unknown[];
  const accepted = wasAccepted(scenario.shape, delivery);
  assert.equal(accepted, expected.accepted, `accepted (path ${JSON.stringify(expected.path.path === 'fail' ? expected.path : 'success')})`);

  const loggedIn = outcome.request.user?.logged_in === true;
  if (accepted) {
    assert.equal(loggedIn, expected.path.path === 'success', 'logged in only on the success path');
    assert.equal(outcome.request.isAuthenticated(), loggedIn, 'isAuthenticated() agrees with logged_in');
  }
  if (loggedIn) assert.equal(expected.path.path, 'success', 'logged_in is true only for a deserialized user');

  assert.deepEqual(outcome.storeReads, expected.readsStore ? [expected.sessionID] : [], 'the store is read once, for the verified id only');
  assert.equal(outcome.successCalls, scenario.success.kind !== 'default' && expected.path.path === 'success' ? 1 : 0);
  if (expected.path.path === 'fail' && scenario.fail.kind !== 'default') {
    assert.equal(outcome.failCalls.length, 1, 'fail is called once');
    const call = outcome.failCalls[0]!;
    if (!call.legacy) {
      assert.equal(call.code, expected.path.code);
      assert.equal(call.critical, expected.path.critical);
      assert.equal(typeof call.message, 'string');
    }
  } else {
    assert.equal(outcome.failCalls.length, 0);
  }

  if (!accepted) {
    const error: { message: unknown; data?: { code?: string } } =
      scenario.shape === 'v09' ? { message: delivery[0] } : (delivery[0] as { message: string; data?: { code?: string } });
    assert.equal(typeof error.message, 'string', 'the client gets a message');
    if (expected.generic) assert.equal(error.message, 'Internal server error', 'no internal detail for a critical failure');
    if (scenario.shape === 'v09') assert.equal(delivery[1], false, 'the 0.9 callback is told authorized: false');
    if (scenario.shape === 'v4' && expected.clientCode !== undefined) assert.equal(error.data?.code, expected.clientCode);
    if (scenario.shape !== 'v4' && scenario.shape !== 'v09') assert.equal((error as { data?: unknown }).data, undefined);
  }
}

/** The outcomes a scenario exercises, for the distribution check. */
function labelsOf(expected: Expectation): string[] {
  const labels = [expected.path.path === 'success' ? 'success' : expected.path.code];
  if (expected.accepted) labels.push(expected.path.path === 'success' ? 'accepted logged in' : 'accepted anonymous');
  else if (expected.path.path === 'success') labels.push('refused after success');
  if (expected.clientCode === 'ERR_CALLBACK_THREW' || expected.clientCode === 'ERR_CALLBACK_TIMEOUT') labels.push(expected.clientCode);
  return labels;
}

function summary(outcome: Outcome) {
  return {
    deliveries: outcome.deliveries.map((args) =>
      args.map((arg) => (arg instanceof Error ? { message: arg.message, data: (arg as any).data } : arg)),
    ),
    escaped: outcome.escaped.map(String),
    storeReads: outcome.storeReads.map((sid) => sid.slice(0, 40)),
    successCalls: outcome.successCalls,
    failCalls: outcome.failCalls,
    decidedInTime: outcome.decidedInTime,
    user: outcome.request.user,
  };
}

describe('authorize() on hostile handshakes (property-based)', () => {
  it('decides each handshake exactly once, within the timeouts, as SPEC says: only a verified user accepted by success is logged in', async (t) => {
    const seen = new Map<string, number>();
    const count = (label: string) => seen.set(label, (seen.get(label) ?? 0) + 1);
    const prototypesBefore = prototypeSnapshot();
    await fc.assert(
      fc.asyncProperty(scenarioArb(TIMEOUT_MS), async (scenario) => {
        const expected = expectFor(scenario);
        const outcome = await runScenario(scenario);
        try {
          check(scenario, expected, outcome);
        } catch (err) {
          // fast-check prints the scenario; say what was expected and what happened.
          throw new Error(`${(err as Error).message}\nexpected: ${inspect(expected)}\noutcome: ${inspect(summary(outcome))}`);
        }
        assert.equal(
          prototypeSnapshot(),
          prototypesBefore,
          'nothing is written to Object.prototype (or Array, Function, String, IncomingMessage)',
        );
        for (const label of labelsOf(expected)) count(label);
      }),
      runs(350),
    );
    t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(seen))}`);
  });

  it('generates handshakes of every outcome, so that the property above is not vacuous', () => {
    const seen = new Map<string, number>();
    const samples = fc.sample(scenarioArb(TIMEOUT_MS), { numRuns: 3000, ...(seed === undefined ? {} : { seed }) });
    for (const scenario of samples) {
      for (const label of labelsOf(expectFor(scenario))) seen.set(label, (seen.get(label) ?? 0) + 1);
    }
    for (const label of [
      'success',
      'accepted logged in',
      'accepted anonymous',
      'refused after success',
      'ERR_NO_SESSION',
      'ERR_PASSPORT_NOT_INITIALIZED',
      'ERR_USER_PROPERTY_NOT_FOUND',
      'ERR_USER_NOT_FOUND',
      'ERR_SESSION_STORE',
      'ERR_SESSION_STORE_TIMEOUT',
      'ERR_DESERIALIZE_USER',
      'ERR_DESERIALIZE_TIMEOUT',
      'ERR_CALLBACK_THREW',
      'ERR_CALLBACK_TIMEOUT',
    ]) {
      assert.ok(
        (seen.get(label) ?? 0) >= 15,
        `3000 generated handshakes reached "${label}" at least 15 times (saw ${JSON.stringify([...seen])})`,
      );
    }
  });

  it('reads the session id from any Cookie header exactly as express-session does, with the built-in reader and with cookie-parser', () => {
    const readers = (key: string, secrets: string[]) =>
      [
        ['built-in', createSignedCookieReader({ cookieParser: undefined, secret: secrets, secrets, key })],
        ['factory', createSignedCookieReader({ cookieParser, secret: secrets, secrets, key })],
        ['middleware', createSignedCookieReader({ cookieParser: cookieParser(secrets), secret: secrets, secrets, key })],
        ['middleware-without-secret', createSignedCookieReader({ cookieParser: cookieParser(), secret: secrets, secrets, key })],
      ] as const;
    let verified = 0;
    fc.assert(
      fc.property(cookieHeaderArb, ({ cookieHeader, key, secrets }) => {
        const settings = { key, secrets, allowUnsignedSessionIdQuery: false };
        for (const [choice, read] of readers(key, secrets)) {
          const expected = expectedSessionId({ cookieHeader, key, secrets, query: undefined, cookieParser: choice } as Scenario);
          if (expected !== '') verified += 1;
          assert.equal(chooseSessionId(undefined, read(cookieHeader), settings).sessionID, expected, `with the ${choice} reader`);
        }
      }),
      runs(2500),
    );
    assert.ok(verified > 0, 'some generated headers carried a correctly signed session cookie');
  });
});
