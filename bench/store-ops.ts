/**
 * Part 3: store operations per handshake, accepted and rejected, over websocket and polling.
 * Counting, not timing: the numbers are exact and do not depend on the machine.
 */
import type { Contender } from './lib/contenders';
import { spawnWorker } from './lib/ipc';
import { markdownTable } from './lib/stats';

export const STORE_OPS_HANDSHAKES = { full: 10, quick: 3 };

type Counts = { get: number; set: number; touch: number; destroy: number; accepted: number };
export interface StoreOpsRow {
  id: string;
  label: string;
  results: Record<string, Counts>;
}

export async function runStoreOps(contenders: Contender[], handshakes: number, progress: (line: string) => void): Promise<StoreOpsRow[]> {
  const worker = await spawnWorker('store-ops');
  try {
    const rows: StoreOpsRow[] = [];
    for (const contender of contenders) {
      rows.push({
        id: contender.id,
        label: contender.label,
        results: await worker.call('measure', { contender: contender.id, handshakes }),
      });
      progress(`store operations: ${contender.label}`);
    }
    return rows;
  } finally {
    await worker.close();
  }
}

const CASES = ['accepted', 'missing', 'forged', 'unknown'] as const;

function describe(counts: Counts | undefined, expectAccepted: boolean): string {
  if (!counts) return 'n/a';
  const parts: string[] = [];
  for (const op of ['get', 'set', 'touch', 'destroy'] as const) {
    if (counts[op] > 0) parts.push(`${trim(counts[op])} ${op}`);
  }
  const text = parts.length > 0 ? parts.join(' + ') : '0';
  // A rejected case that got in, or an accepted one that did not, is a finding of its own.
  if (expectAccepted && counts.accepted < 1) return `${text} (refused!)`;
  if (!expectAccepted && counts.accepted > 0) return `${text} (let in!)`;
  return text;
}

function trim(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function storeOpsTable(rows: StoreOpsRow[]): string {
  const header = ['contender'];
  for (const transport of ['websocket', 'polling']) for (const c of CASES) header.push(`${transport}: ${c}`);
  return markdownTable(
    header,
    rows.map((row) => {
      const cells = [row.label];
      for (const transport of ['websocket', 'polling']) {
        for (const c of CASES) cells.push(describe(row.results[`${transport}/${c}`], c === 'accepted'));
      }
      return cells;
    }),
  );
}
