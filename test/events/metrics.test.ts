/**
 * The Prometheus example (examples/metrics.ts), scraped over HTTP after a mix of real handshakes:
 * logged-in users, anonymous visitors let in, forged cookies and a failing store.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { collectDecisionMetrics, metricsRoute } from '../../examples/metrics';
import { decisionEvents } from '../../src';
import { startApp } from '../support/app';
import { connect, connectOk, connectRefused } from '../support/client';
import { type Any, defineStack } from '../support/stack';
import { assertNoSecrets, forgedValue, listenToDecisions, readSessionCookie, secretsOf, waitFor } from './support';

const stack = defineStack();

/** The sample lines of a scrape, `name{labels} value`, without HELP and TYPE comments. */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe('the Prometheus metrics example', () => {
  it('counts each outcome, the forged session ids and the timed steps of a mix of handshakes, exactly', async (t) => {
    const registry = new Registry();
    const stop = collectDecisionMetrics(registry);
    const heard = listenToDecisions(decisionEvents);
    const metrics = createServer(metricsRoute(registry));
    // Not logged in is fine (an anonymous visitor); something broken is not.
    const fail = (_data: Any, message: string, critical: boolean, accept: Any) => (critical ? accept(new Error(message)) : accept());
    const app = await startApp(stack, { authorize: { fail } });
    const open: Any[] = [];
    t.after(async () => {
      for (const socket of open) socket.close();
      stop();
      heard.stop();
      metrics.close();
      await app.close();
    });
    await new Promise<void>((resolve) => metrics.listen(0, '127.0.0.1', resolve));

    const alice = readSessionCookie(await app.login('alice'));
    const bob = readSessionCookie(await app.login('bob'));
    const visitor = readSessionCookie(await app.anonymousSession());
    const forged = forgedValue(alice.sid);

    open.push(await connectOk(stack, app.url, { cookie: alice.header }));
    open.push(await connectOk(stack, app.url, { cookie: alice.header }));
    open.push(await connectOk(stack, app.url, { cookie: bob.header, transports: ['polling'] }));
    open.push(await connectOk(stack, app.url, {}));
    open.push(await connectOk(stack, app.url, {}));
    open.push(await connectOk(stack, app.url, { cookie: visitor.header }));
    for (let i = 0; i < 3; i += 1) open.push(await connectOk(stack, app.url, { cookie: `connect.sid=${encodeURIComponent(forged)}` }));
    open.push(await connectOk(stack, app.url, { query: { session_id: forged } }));
    const realGet = app.store.get;
    app.store.get = (sid: string, callback: (err: unknown) => void) => callback(new Error(`connection lost while reading sess:${sid}`));
    await connectRefused(stack, app.url, { cookie: alice.header });
    await connectRefused(stack, app.url, { cookie: bob.header });
    app.store.get = realGet;

    // The metrics listener subscribed first, so it has counted whatever this one has heard.
    await waitFor(() => heard.events.length === 12, 'twelve decisions');
    const response = await fetch(`http://127.0.0.1:${(metrics.address() as AddressInfo).port}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const samples = samplesOf(text);

    const decided = (code: string, accepted: boolean) =>
      samples.get(`passport_socketio_decisions_total{mode="authorize",code="${code}",accepted="${accepted}"}`);
    assert.equal(decided('OK', true), 3);
    assert.equal(decided('ERR_NO_SESSION', true), 6, 'two visitors without a cookie and four forged session ids, let in anonymously');
    assert.equal(decided('ERR_PASSPORT_NOT_INITIALIZED', true), 1);
    assert.equal(decided('ERR_SESSION_STORE', false), 2);
    const decisionLines = [...samples.keys()].filter((name) => name.startsWith('passport_socketio_decisions_total'));
    assert.equal(decisionLines.length, 4, `no other outcome: ${decisionLines.join(', ')}`);
    assert.equal(samples.get('passport_socketio_rejected_session_ids_total'), 4);

    const count = (phase: string) => samples.get(`passport_socketio_duration_seconds_count{phase="${phase}"}`);
    assert.equal(count('total'), 12);
    assert.equal(count('store'), 6, 'the store is read for the three users, the anonymous session and the two store errors');
    assert.equal(count('deserialize'), 3);
    for (const phase of ['store', 'deserialize', 'total']) {
      assert.equal(samples.get(`passport_socketio_duration_seconds_bucket{le="+Inf",phase="${phase}"}`), count(phase));
      assert.ok((samples.get(`passport_socketio_duration_seconds_sum{phase="${phase}"}`) as number) >= 0);
    }
    assertNoSecrets(text, [...secretsOf(alice, forged), ...secretsOf(bob), ...secretsOf(visitor), 'connection lost'], 'the scrape');

    stop();
    await connect(stack, app.url, {}).then((result) => result.connected && open.push(result.socket));
    await waitFor(() => heard.events.length === 13, 'the decision after stop()');
    assert.equal(
      samplesOf(await registry.metrics()).get('passport_socketio_duration_seconds_count{phase="total"}'),
      12,
      'stop() stops counting',
    );
  });
});
