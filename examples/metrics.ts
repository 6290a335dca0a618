/**
 * Prometheus metrics for socket.io logins, fed from the decision events of
 * passport.socketio-compat: a counter per outcome, a counter of rejected (forged) session ids,
 * and a histogram of how long the session store, `deserializeUser` and the whole handshake took.
 * Tested by test/events/metrics.test.ts.
 *
 * In your app, import from 'passport.socketio-compat' instead of '../src':
 *
 * ```js
 * const client = require('prom-client');
 * const { collectDecisionMetrics, metricsRoute } = require('./metrics');
 *
 * collectDecisionMetrics(client.register);
 * app.get('/metrics', metricsRoute(client.register)); // keep it off the public internet
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, Histogram, type Registry } from 'prom-client';
import { type DecisionEvent, decisionEvents } from '../src';

/** Seconds; up to the package's default `timeout` of 5 s, after which a handshake is refused anyway. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * Registers the metrics on `registry` and feeds them from every `authorize()` of the process.
 * Labels take a bounded set of values (modes, codes, true/false): never a user id. Returns a
 * function that stops feeding them.
 */
export function collectDecisionMetrics(registry: Registry): () => void {
  const decisions = new Counter({
    name: 'passport_socketio_decisions_total',
    help: 'socket.io handshakes decided, by mode, outcome code (OK or ERR_*) and whether the socket was let in',
    labelNames: ['mode', 'code', 'accepted'] as const,
    registers: [registry],
  });
  const rejectedSessionIds = new Counter({
    name: 'passport_socketio_rejected_session_ids_total',
    help: 'handshakes that sent a session cookie or session_id no secret verifies: forged, or signed with a retired secret',
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'passport_socketio_duration_seconds',
    help: 'seconds spent per handshake reading the session store, deserializing the user, and in total',
    labelNames: ['phase'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });

  const record = (event: DecisionEvent): void => {
    decisions.inc({ mode: event.mode, code: event.code, accepted: String(event.accepted) });
    if (event.sessionIdRejected) rejectedSessionIds.inc();
    if (event.storeMs !== null) durations.observe({ phase: 'store' }, event.storeMs / 1000);
    if (event.deserializeMs !== null) durations.observe({ phase: 'deserialize' }, event.deserializeMs / 1000);
    durations.observe({ phase: 'total' }, event.totalMs / 1000);
  };
  decisionEvents.on('decision', record);
  return () => {
    decisionEvents.off('decision', record);
  };
}

/** A `/metrics` handler for Express or a plain `http` server: the registry in Prometheus' text format. */
export function metricsRoute(registry: Registry): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (_req, res) => {
    try {
      const text = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType });
      res.end(text);
    } catch {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('metrics unavailable\n');
    }
  };
}
