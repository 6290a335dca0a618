/**
 * Part 4: finding one user's sockets among 1,000 / 5,000 / 10,000 connected, authorized sockets
 * (5 per user, real socket.io-client connections held by a separate process): the linear scan
 * of `filterSocketsByUser` against room lookups, on one node and on two nodes over Redis.
 */
import { spawnWorker, type Worker } from './lib/ipc';
import { formatNumber, formatRatio, markdownTable, median, roundRatios, type Spread } from './lib/stats';

export interface LookupConfig {
  stages: number[];
  perUser: number;
  rounds: number;
  iterations: number;
  concurrency: number;
}

export const LOOKUPS_FULL: LookupConfig = { stages: [1000, 5000, 10000], perUser: 5, rounds: 15, iterations: 20, concurrency: 64 };
export const LOOKUPS_QUICK: LookupConfig = { stages: [1000], perUser: 5, rounds: 3, iterations: 5, concurrency: 32 };

export interface LookupStage {
  sockets: number;
  samples: Record<string, number[]>;
}

export interface LookupResult {
  setup: 'one node' | 'two nodes, Redis adapter';
  rooms: boolean;
  stages: LookupStage[];
}

export async function runLookups(config: LookupConfig, cluster: boolean, progress: (line: string) => void): Promise<LookupResult> {
  const maxSockets = Math.max(...config.stages);
  const users = Math.ceil(maxSockets / config.perUser);
  const nodes: Worker[] = [];
  let holder: Worker | undefined;
  try {
    const adapterKey = cluster ? `bench-lookups-${process.pid}-${Date.now()}` : undefined;
    const first = await spawnWorker('lookup-node');
    nodes.push(first);
    const a = await first.call('init', { store: cluster ? 'redis' : 'memory', users, seed: true, adapterKey });
    const urls: string[] = [a.url];
    if (cluster) {
      const second = await spawnWorker('lookup-node');
      nodes.push(second);
      const b = await second.call('init', { store: 'redis', users, seed: false, storePrefix: a.storePrefix, adapterKey });
      urls.push(b.url);
    }
    holder = await spawnWorker('socket-holder');
    const setup = cluster ? 'two nodes, Redis adapter' : 'one node';
    const stages: LookupStage[] = [];
    let opened = 0;
    for (const sockets of config.stages) {
      await holder.call('open', {
        urls,
        cookies: a.cookies,
        from: opened,
        to: sockets,
        perUser: config.perUser,
        concurrency: config.concurrency,
      });
      opened = sockets;
      const present = Math.floor(sockets / config.perUser);
      // Targets: users spread over those present; the first one's socket count is checked.
      const targets = Array.from({ length: 64 }, (_, i) => 1 + Math.floor(((i * 7919) % 64) * (present / 64)));
      const target = targets[0] as number;
      const mine = (node: number) =>
        Array.from({ length: config.perUser }, (_, k) => (target - 1) * config.perUser + k).filter((i) => i % urls.length === node).length;
      const samples = await first.call('measure', {
        targets,
        rounds: config.rounds,
        iterations: config.iterations,
        expectedLocal: mine(0),
        expectedTotal: config.perUser,
        cluster,
      });
      stages.push({ sockets, samples });
      progress(`user lookups (${setup}): ${sockets} sockets`);
    }
    return { setup, rooms: a.rooms, stages };
  } finally {
    await holder?.call('closeAll').catch(() => {});
    await holder?.close();
    for (const node of nodes) await node.close();
  }
}

const SCAN = 'filterSocketsByUser (linear scan, this node)';

/** The scan's time over a room lookup's, per round, at the largest stage. */
export function scanOverRoom(result: LookupResult, room: string): Spread | undefined {
  const last = result.stages[result.stages.length - 1];
  const scan = last?.samples[SCAN];
  const byRoom = last?.samples[room];
  return scan && byRoom ? roundRatios(scan, byRoom) : undefined;
}

export function roomMethodOf(result: LookupResult): string {
  const names = Object.keys(result.stages[0]?.samples ?? {});
  return names.find((name) => name.startsWith('fetchSocketsByUser')) ?? 'io.in(room).fetchSockets()';
}

export function lookupTable(result: LookupResult): string {
  const names = Object.keys(result.stages[0]?.samples ?? {});
  const room = roomMethodOf(result);
  const ratio = scanOverRoom(result, room);
  const table = markdownTable(
    ['lookup', ...result.stages.map((s) => `${s.sockets.toLocaleString('en-US')} sockets, µs`)],
    names.map((name) => [name, ...result.stages.map((stage) => formatNumber(median(stage.samples[name] ?? []), 1))]),
    ['l', ...result.stages.map(() => 'r' as const)],
  );
  const last = result.stages[result.stages.length - 1];
  const note =
    ratio && result.setup === 'one node'
      ? `\n\nAt ${last?.sockets.toLocaleString('en-US')} sockets the scan takes ${formatRatio(ratio)} the time of \`${room}\` (median of per-round ratios, min–max).`
      : '';
  return table + note;
}
