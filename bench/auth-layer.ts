/**
 * Part 1: the authorization layer alone. Each contender runs in a worker process of its own;
 * the driver interleaves them (A B C … then B C … A, rotated each round) so that every round's
 * contenders share that moment's machine noise, and reports medians and per-round ratios.
 */
import type { Contender } from './lib/contenders';
import type { StoreKind } from './lib/fixtures';
import type { CapturedHandshake } from './lib/handshakes';
import { spawnWorker, type Worker } from './lib/ipc';
import { formatNumber, formatRatio, markdownTable, rotated, roundRatios, type Spread, spread } from './lib/stats';

export interface AuthLayerConfig {
  rounds: number;
  batch: number;
  /** Handshakes prepared at a time, just before they are authorized (see auth-worker.ts). */
  chunk: number;
  window: number;
  warmupBatches: number;
  heapRounds: number;
  heapSockets: number;
  sessions: number;
}

export const AUTH_LAYER_FULL: AuthLayerConfig = {
  rounds: 60,
  batch: 600,
  chunk: 200,
  window: 32,
  warmupBatches: 3,
  heapRounds: 5,
  heapSockets: 5000,
  sessions: 1000,
};
export const AUTH_LAYER_QUICK: AuthLayerConfig = {
  rounds: 3,
  batch: 300,
  chunk: 100,
  window: 32,
  warmupBatches: 1,
  heapRounds: 2,
  heapSockets: 500,
  sessions: 200,
};

export interface AuthLayerRow {
  id: string;
  label: string;
  cpuUs: number[];
  wallUs: number[];
  /** CPU per socket of its disconnect, after the measured batch (leaving rooms, listeners letting go). */
  releaseUs: number[];
  heapBytes: number[];
}

export interface AuthLayerResult {
  store: StoreKind;
  rows: AuthLayerRow[];
}

export async function runAuthLayer(
  store: StoreKind,
  contenders: Contender[],
  captured: CapturedHandshake,
  config: AuthLayerConfig,
  progress: (line: string) => void,
): Promise<AuthLayerResult> {
  const workers = new Map<string, Worker>();
  try {
    const started = await Promise.all(
      contenders.map((c) => spawnWorker('auth-worker', { execArgv: ['--expose-gc'], args: [c.id, store] }).then((w) => [c.id, w] as const)),
    );
    for (const [id, worker] of started) workers.set(id, worker);
    for (const contender of contenders) {
      const worker = workers.get(contender.id) as Worker;
      await worker.call('init', { captured, sessions: config.sessions });
      if (contender.id === 'none') continue;
      const check = await worker.call('check');
      if (!check.validAccepted || check.validUserId === null || check.missingAccepted || check.forgedAccepted || check.unknownAccepted) {
        throw new Error(`${contender.label} does not authorize correctly on the ${store} store: ${JSON.stringify(check)}`);
      }
    }
    const rows: AuthLayerRow[] = contenders.map((c) => ({ id: c.id, label: c.label, cpuUs: [], wallUs: [], releaseUs: [], heapBytes: [] }));
    const rowOf = (id: string) => rows.find((row) => row.id === id) as AuthLayerRow;

    for (let i = 0; i < config.warmupBatches; i++) {
      for (const contender of contenders) {
        await (workers.get(contender.id) as Worker).call('cpu', { size: config.batch, window: config.window, chunk: config.chunk });
      }
    }
    for (let round = 0; round < config.rounds; round++) {
      for (const contender of rotated(contenders, round)) {
        const result = await (workers.get(contender.id) as Worker).call('cpu', {
          size: config.batch,
          window: config.window,
          chunk: config.chunk,
        });
        if (result.refused > 0) throw new Error(`${contender.label} refused ${result.refused} valid handshakes`);
        rowOf(contender.id).cpuUs.push(result.cpuUs);
        rowOf(contender.id).wallUs.push(result.wallUs);
        rowOf(contender.id).releaseUs.push(result.releaseUs);
      }
      if ((round + 1) % 10 === 0 || round + 1 === config.rounds) progress(`auth layer (${store}): round ${round + 1}/${config.rounds}`);
    }
    for (let round = 0; round < config.heapRounds; round++) {
      for (const contender of rotated(contenders, round)) {
        const result = await (workers.get(contender.id) as Worker).call('heap', { count: config.heapSockets, window: config.window });
        if (result.refused > 0) throw new Error(`${contender.label} refused ${result.refused} valid handshakes`);
        rowOf(contender.id).heapBytes.push(result.bytesPerSocket);
      }
      progress(`auth layer (${store}): heap round ${round + 1}/${config.heapRounds}`);
    }
    return { store, rows };
  } finally {
    await Promise.all([...workers.values()].map((worker) => worker.close()));
  }
}

export interface AuthLayerSummary {
  id: string;
  label: string;
  cpu: Spread;
  vsLegacy: Spread | undefined;
  vsFloor: Spread | undefined;
  heap: Spread;
}

export function summarizeAuthLayer(result: AuthLayerResult): AuthLayerSummary[] {
  const legacy = result.rows.find((row) => row.id === 'legacy');
  const floor = result.rows.find((row) => row.id === 'floor');
  return result.rows.map((row) => ({
    id: row.id,
    label: row.label,
    cpu: spread(row.cpuUs),
    vsLegacy: legacy ? roundRatios(row.cpuUs, legacy.cpuUs) : undefined,
    vsFloor: floor ? roundRatios(row.cpuUs, floor.cpuUs) : undefined,
    heap: spread(row.heapBytes),
  }));
}

export function authLayerTable(result: AuthLayerResult): string {
  const rows = summarizeAuthLayer(result).map((s) => [
    s.label,
    `${formatNumber(s.cpu.median)} (${formatNumber(s.cpu.min)}–${formatNumber(s.cpu.max)})`,
    s.vsLegacy ? formatRatio(s.vsLegacy) : 'n/a',
    s.vsFloor ? formatRatio(s.vsFloor) : 'n/a',
    `${formatKb(s.heap.median)} (${formatKb(s.heap.min)}–${formatKb(s.heap.max)})`,
  ]);
  return markdownTable(
    ['contender', 'CPU µs/auth, median (min–max)', '× legacy, per round', '× floor, per round', 'retained heap KB/socket'],
    rows,
    ['l', 'r', 'r', 'r', 'r'],
  );
}

function formatKb(bytes: number): string {
  const kb = bytes / 1024;
  return `${kb >= 0 ? '+' : ''}${kb.toFixed(2)}`;
}
