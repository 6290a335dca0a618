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
  const entries = contenders.map((c) => ({ id: c.id, label: c.label, contender: c, args: [c.id, store] }));
  const rows = await runInterleaved(entries, captured, config, (line) => progress(`auth layer (${store}): ${line}`));
  return { store, rows };
}

/** One worker of an interleaved run: a contender, and the auth-worker's arguments. */
export interface AuthLayerEntry {
  id: string;
  label: string;
  contender: Contender;
  /** contender id, store, and optionally the header kind and number of secrets (see auth-worker.ts). */
  args: string[];
}

/**
 * Runs every entry in a worker of its own, in interleaved rounds (rotated each round), after
 * checking that each one really authorizes; then the heap rounds, if the config has any.
 */
export async function runInterleaved(
  entries: AuthLayerEntry[],
  captured: CapturedHandshake,
  config: AuthLayerConfig,
  progress: (line: string) => void,
): Promise<AuthLayerRow[]> {
  const workers = new Map<string, Worker>();
  const workerOf = (entry: AuthLayerEntry) => workers.get(entry.id) as Worker;
  try {
    const started = await Promise.all(
      entries.map((e) => spawnWorker('auth-worker', { execArgv: ['--expose-gc'], args: e.args }).then((w) => [e.id, w] as const)),
    );
    for (const [id, worker] of started) workers.set(id, worker);
    for (const entry of entries) {
      await workerOf(entry).call('init', { captured, sessions: config.sessions });
      if (entry.contender.id === 'none') continue;
      const check = await workerOf(entry).call('check');
      if (!check.validAccepted || check.validUserId === null || check.missingAccepted || check.forgedAccepted || check.unknownAccepted) {
        throw new Error(`${entry.label} does not authorize correctly (${entry.args.join(' ')}): ${JSON.stringify(check)}`);
      }
    }
    const rows: AuthLayerRow[] = entries.map((e) => ({ id: e.id, label: e.label, cpuUs: [], wallUs: [], heapBytes: [] }));
    const rowOf = (entry: AuthLayerEntry) => rows.find((row) => row.id === entry.id) as AuthLayerRow;
    const batch = { size: config.batch, window: config.window, chunk: config.chunk };

    for (let i = 0; i < config.warmupBatches; i++) {
      for (const entry of entries) await workerOf(entry).call('cpu', batch);
    }
    for (let round = 0; round < config.rounds; round++) {
      for (const entry of rotated(entries, round)) {
        const result = await workerOf(entry).call('cpu', batch);
        if (result.refused > 0) throw new Error(`${entry.label} refused ${result.refused} valid handshakes`);
        rowOf(entry).cpuUs.push(result.cpuUs);
        rowOf(entry).wallUs.push(result.wallUs);
      }
      if ((round + 1) % 10 === 0 || round + 1 === config.rounds) progress(`round ${round + 1}/${config.rounds}`);
    }
    for (let round = 0; round < config.heapRounds; round++) {
      for (const entry of rotated(entries, round)) {
        const result = await workerOf(entry).call('heap', { count: config.heapSockets, window: config.window });
        if (result.refused > 0) throw new Error(`${entry.label} refused ${result.refused} valid handshakes`);
        rowOf(entry).heapBytes.push(result.bytesPerSocket);
      }
      progress(`heap round ${round + 1}/${config.heapRounds}`);
    }
    return rows;
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
