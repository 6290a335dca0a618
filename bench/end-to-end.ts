/**
 * Part 2: end to end. One real socket.io server per contender (and one with no authorization,
 * the stack's own limit), each in its own process, and one load-generating client process.
 * Each round runs the same number of handshakes against every server, in rotated order.
 */
import type { Contender } from './lib/contenders';
import { spawnWorker, type Worker } from './lib/ipc';
import { formatNumber, formatRatio, markdownTable, median, rotated, roundRatios, type Spread, spread } from './lib/stats';

export interface EndToEndConfig {
  rounds: number;
  handshakes: number;
  concurrency: number;
  sessions: number;
}

export const END_TO_END_FULL: EndToEndConfig = { rounds: 15, handshakes: 1000, concurrency: 16, sessions: 1000 };
export const END_TO_END_QUICK: EndToEndConfig = { rounds: 1, handshakes: 100, concurrency: 8, sessions: 100 };

export interface EndToEndRow {
  id: string;
  label: string;
  serverCpuUs: number[];
  perSecond: number[];
  p50: number[];
  p99: number[];
}

export async function runEndToEnd(
  contenders: Contender[],
  config: EndToEndConfig,
  progress: (line: string) => void,
): Promise<EndToEndRow[]> {
  const servers = new Map<string, { worker: Worker; url: string; cookies: string[] }>();
  let client: Worker | undefined;
  try {
    const started = await Promise.all(
      contenders.map(async (contender) => {
        const worker = await spawnWorker('e2e-server', { args: [contender.id] });
        const { url, cookies } = await worker.call('init', { sessions: config.sessions });
        return [contender.id, { worker, url, cookies }] as const;
      }),
    );
    for (const [id, server] of started) servers.set(id, server);
    client = await spawnWorker('e2e-client');
    const rows: EndToEndRow[] = contenders.map((c) => ({ id: c.id, label: c.label, serverCpuUs: [], perSecond: [], p50: [], p99: [] }));
    const warmup = Math.max(50, Math.round(config.handshakes / 4));
    for (const contender of contenders) {
      const server = servers.get(contender.id)!;
      await client.call('run', { url: server.url, cookies: server.cookies, count: warmup, concurrency: config.concurrency });
    }
    for (let round = 0; round < config.rounds; round++) {
      for (const contender of rotated(contenders, round)) {
        const server = servers.get(contender.id)!;
        const before = await server.worker.call('cpu');
        const run = await client.call('run', {
          url: server.url,
          cookies: server.cookies,
          count: config.handshakes,
          concurrency: config.concurrency,
        });
        const after = await server.worker.call('cpu');
        if (run.failed > 0) throw new Error(`${contender.label}: ${run.failed} of ${config.handshakes} handshakes failed`);
        const row = rows.find((r) => r.id === contender.id)!;
        row.serverCpuUs.push((after.cpuUs - before.cpuUs) / config.handshakes);
        row.perSecond.push(run.perSecond);
        row.p50.push(run.p50);
        row.p99.push(run.p99);
      }
      progress(`end to end: round ${round + 1}/${config.rounds}`);
    }
    return rows;
  } finally {
    await Promise.all([client?.close(), ...[...servers.values()].map((s) => s.worker.close())]);
  }
}

export interface EndToEndSummary {
  id: string;
  label: string;
  serverCpu: Spread;
  vsNone: Spread | undefined;
  perSecond: number;
  p50: number;
  p99: number;
}

export function summarizeEndToEnd(rows: EndToEndRow[]): EndToEndSummary[] {
  const none = rows.find((row) => row.id === 'none');
  return rows.map((row) => ({
    id: row.id,
    label: row.label,
    serverCpu: spread(row.serverCpuUs),
    vsNone: none ? roundRatios(row.serverCpuUs, none.serverCpuUs) : undefined,
    perSecond: median(row.perSecond),
    p50: median(row.p50),
    p99: median(row.p99),
  }));
}

export function endToEndTable(rows: EndToEndRow[]): string {
  return markdownTable(
    ['server', 'handshakes/s', 'p50 ms', 'p99 ms', 'server CPU µs/handshake', '× no authorization, per round'],
    summarizeEndToEnd(rows).map((s) => [
      s.label,
      formatNumber(s.perSecond, 0),
      formatNumber(s.p50, 2),
      formatNumber(s.p99, 2),
      `${formatNumber(s.serverCpu.median, 0)} (${formatNumber(s.serverCpu.min, 0)}–${formatNumber(s.serverCpu.max, 0)})`,
      s.vsNone ? formatRatio(s.vsNone) : 'n/a',
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
}
