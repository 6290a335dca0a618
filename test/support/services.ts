/**
 * The servers some suites need (Redis, PostgreSQL), where to find them, and what a suite does when
 * one is not running: on a developer's machine it skips with one line saying what to start; with
 * CI=true it fails, because CI must run everything.
 *
 * In an async describe body:
 *
 *   describe('cluster over Redis', async () => {
 *     if (!(await requireService('redis'))) return;
 *     it('...', async () => { const client = createClient({ url: REDIS_URL }); ... });
 *   });
 *
 * Inside a test or hook: `if (!(await skipUnlessService(t, 'postgres'))) return;`
 */
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { it, type TestContext } from 'node:test';

export type ServiceName = 'redis' | 'postgres';

/** Redis for tests: REDIS_URL, else the local default. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** PostgreSQL for tests (trust auth, database `test`): DATABASE_URL, else the local default. */
export const POSTGRES_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface ServiceInfo {
  label: string;
  url: string;
  start: string;
  probe(): Promise<void>;
}

const SERVICES: Record<ServiceName, ServiceInfo> = {
  redis: {
    label: 'Redis',
    url: REDIS_URL,
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no (or scripts/ensure-services.sh), or set REDIS_URL',
    probe: probeRedis,
  },
  postgres: {
    label: 'PostgreSQL',
    url: POSTGRES_URL,
    start:
      'pg_ctlcluster <version> main start (or scripts/ensure-services.sh) with trust auth for 127.0.0.1 and a database named test, or set DATABASE_URL',
    probe: probePostgres,
  },
};

const PROBE_TIMEOUT_MS = 3000;
const probes = new Map<ServiceName, Promise<string | undefined>>();

/** True when CI=true (or 1): a missing service is then a failure, never a skip. */
export function isCi(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1';
}

/** Why the service cannot be used (one line), or undefined when it answers. Probed once per process. */
export function serviceProblem(service: ServiceName): Promise<string | undefined> {
  let probe = probes.get(service);
  if (!probe) {
    const info = SERVICES[service];
    probe = info.probe().then(
      () => undefined,
      (err: unknown) => `${info.label} not available at ${hostOf(info.url)} (${err instanceof Error ? err.message : String(err)})`,
    );
    probes.set(service, probe);
  }
  return probe;
}

/** The one line a skipped suite prints: what is missing and what to start. */
export function skipLine(service: ServiceName, problem: string): string {
  return `skipped: ${problem}; start it with: ${SERVICES[service].start}`;
}

function missing(service: ServiceName, problem: string): Error {
  return new Error(`${problem}. CI=true, so this fails instead of skipping; start it with: ${SERVICES[service].start}`);
}

/**
 * For an async `describe` body. Resolves true when the service answers. Otherwise, without CI,
 * registers a single skipped test named after what to start and resolves false (register nothing
 * else); with CI=true, rejects, which fails the suite.
 */
export async function requireService(service: ServiceName | undefined): Promise<boolean> {
  if (service === undefined) return true;
  const problem = await serviceProblem(service);
  if (problem === undefined) return true;
  if (isCi()) throw missing(service, problem);
  it(skipLine(service, problem), { skip: 'service not running (with CI=true this fails)' }, () => {});
  return false;
}

/** For a test or hook: true when the service answers; else skips `t` (or throws with CI=true). */
export async function skipUnlessService(t: TestContext, service: ServiceName): Promise<boolean> {
  const problem = await serviceProblem(service);
  if (problem === undefined) return true;
  if (isCi()) throw missing(service, problem);
  t.skip(skipLine(service, problem));
  return false;
}

/** A name no other run uses, valid as a Redis key prefix and a PostgreSQL identifier. */
export function uniqueName(kind: string): string {
  return `pssio_${kind}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function hostOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port}`;
}

/** A PING over a raw connection: the server is up and lets us in. */
function probeRedis(): Promise<void> {
  const url = new URL(REDIS_URL);
  return new Promise((resolve, reject) => {
    const socket = connectTcp({ host: url.hostname, port: Number(url.port || 6379) });
    const finish = (err?: Error) => {
      socket.destroy();
      if (err) reject(err);
      else resolve();
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => finish(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)));
    socket.on('error', finish);
    socket.on('connect', () => {
      const auth = url.password ? `AUTH ${decodeURIComponent(url.username || 'default')} ${decodeURIComponent(url.password)}\r\n` : '';
      socket.write(`${auth}PING\r\n`);
    });
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('+PONG')) finish();
      else if (answer.startsWith('-') && answer.includes('\r\n')) finish(new Error(answer.slice(1).trim()));
    });
  });
}

/** A real login and `SELECT 1`: the server is up, trusts us, and the database exists. */
async function probePostgres(): Promise<void> {
  const { Client } = require('pg');
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => {});
  }
}
