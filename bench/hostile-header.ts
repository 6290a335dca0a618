/**
 * Part 5: a hostile Cookie header (issue 12, point 6). The session cookie behind about 15 KB of
 * junk signed cookies of distinct names (`j0=s:.; j1=s:.; …`), with one secret and with three
 * (key rotation). Each contender authorizes real handshakes with that header, in interleaved
 * rounds, beside this package with an ordinary header and express-session reading the same
 * header; the ratios are per round, so the machine's noise falls on every row alike.
 */
import { type AuthLayerConfig, type AuthLayerEntry, type AuthLayerRow, runInterleaved } from './auth-layer';
import { COMPAT, COMPAT_LEGACY_OPTIONS, type Contender, LEGACY, WRAP } from './lib/contenders';
import type { CapturedHandshake } from './lib/handshakes';
import { formatNumber, formatRatio, markdownTable, roundRatios, type Spread, spread } from './lib/stats';

/** Small batches: the legacy package pays milliseconds per handshake with this header. */
export const HOSTILE_HEADER_FULL: AuthLayerConfig = {
  rounds: 15,
  batch: 80,
  chunk: 50,
  window: 32,
  warmupBatches: 2,
  heapRounds: 0,
  heapSockets: 0,
  sessions: 200,
};
export const HOSTILE_HEADER_QUICK: AuthLayerConfig = { ...HOSTILE_HEADER_FULL, rounds: 2, batch: 50, chunk: 25, warmupBatches: 1 };

/** `normal`: three cookies; `junk`: behind 15 KB of junk signed cookies; `large`: behind as many ordinary ones. */
type HeaderKind = 'normal' | 'junk' | 'large';

export const SECRET_COUNTS = [1, 3] as const;

export interface HostileHeaderRow extends AuthLayerRow {
  secrets: number;
  header: HeaderKind;
}

const BASELINE = 'compat/normal';
const SAME_SIZE = 'compat/large';
const EXPRESS_SESSION = 'wrap/junk';

function entriesFor(secrets: number): { entry: AuthLayerEntry; header: HeaderKind }[] {
  const entry = (contender: Contender, header: HeaderKind, label: string) => ({
    header,
    entry: { id: `${contender.id}/${header}`, label, contender, args: [contender.id, 'memory', header, String(secrets)] },
  });
  return [
    entry(COMPAT, 'normal', `${COMPAT.label}, ordinary header`),
    entry(COMPAT, 'large', `${COMPAT.label}, 15 KB of ordinary cookies`),
    entry(COMPAT, 'junk', `${COMPAT.label}, hostile header`),
    entry(COMPAT_LEGACY_OPTIONS, 'junk', `${COMPAT_LEGACY_OPTIONS.label}, hostile header`),
    entry(WRAP, 'junk', 'express-session (io.use(wrap(session))), hostile header'),
    entry(LEGACY, 'junk', `${LEGACY.label}, hostile header`),
  ];
}

export async function runHostileHeader(
  captured: CapturedHandshake,
  config: AuthLayerConfig,
  progress: (line: string) => void,
): Promise<HostileHeaderRow[]> {
  const rows: HostileHeaderRow[] = [];
  for (const secrets of SECRET_COUNTS) {
    const planned = entriesFor(secrets);
    const measured = await runInterleaved(
      planned.map((p) => p.entry),
      captured,
      config,
      (line) => progress(`hostile header (${secrets} secret${secrets > 1 ? 's' : ''}): ${line}`),
    );
    measured.forEach((row, i) => {
      rows.push({ ...row, secrets, header: planned[i]?.header ?? 'normal' });
    });
  }
  return rows;
}

export interface HostileHeaderSummary {
  id: string;
  label: string;
  secrets: number;
  cpu: Spread;
  vsOrdinary: Spread | undefined;
  vsSameSize: Spread | undefined;
  vsExpressSession: Spread | undefined;
}

export function summarizeHostileHeader(rows: HostileHeaderRow[]): HostileHeaderSummary[] {
  return rows.map((row) => {
    const group = rows.filter((r) => r.secrets === row.secrets);
    const baseline = group.find((r) => r.id === BASELINE);
    const expressSession = group.find((r) => r.id === EXPRESS_SESSION);
    const sameSize = group.find((r) => r.id === SAME_SIZE);
    return {
      id: row.id,
      label: row.label,
      secrets: row.secrets,
      cpu: spread(row.cpuUs),
      vsOrdinary: baseline ? roundRatios(row.cpuUs, baseline.cpuUs) : undefined,
      vsSameSize: sameSize ? roundRatios(row.cpuUs, sameSize.cpuUs) : undefined,
      vsExpressSession: expressSession ? roundRatios(row.cpuUs, expressSession.cpuUs) : undefined,
    };
  });
}

export function hostileHeaderTable(rows: HostileHeaderRow[]): string {
  return markdownTable(
    [
      'contender, Cookie header',
      'secrets',
      'CPU µs/auth, median (min–max)',
      '× ours, 3-cookie header',
      '× ours, 15 KB ordinary cookies',
      '× express-session, same header',
    ],
    summarizeHostileHeader(rows).map((s) => [
      s.label,
      String(s.secrets),
      `${formatNumber(s.cpu.median)} (${formatNumber(s.cpu.min)}–${formatNumber(s.cpu.max)})`,
      s.vsOrdinary ? formatRatio(s.vsOrdinary) : 'n/a',
      s.vsSameSize ? formatRatio(s.vsSameSize) : 'n/a',
      s.vsExpressSession ? formatRatio(s.vsExpressSession) : 'n/a',
    ]),
    ['l', 'r', 'r', 'r', 'r', 'r'],
  );
}
