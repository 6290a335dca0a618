/**
 * Turns one run's results into the Markdown that `npm run bench` prints and, with `--write`,
 * puts between the markers of docs/benchmarks.md, and into the chart docs/benchmarks.svg.
 * Both come from the same run, so the page always shows what the script printed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { type AuthLayerResult, authLayerTable, summarizeAuthLayer } from './auth-layer';
import { type EndToEndRow, endToEndTable, summarizeEndToEnd } from './end-to-end';
import { REPO_ROOT } from './lib/build';
import { formatNumber, formatRatio, markdownTable, quantile, roundRatios, type Spread } from './lib/stats';
import { type LookupResult, lookupTable, roomMethodOf, scanOverRoom } from './lookups';
import { type StoreOpsRow, storeOpsTable } from './store-ops';

export interface RunResults {
  command: string;
  quick: boolean;
  startedAt: Date;
  seconds: number;
  loadBefore: number[];
  loadAfter: number[];
  auth: AuthLayerResult[];
  e2e: EndToEndRow[] | undefined;
  storeOps: StoreOpsRow[] | undefined;
  lookups: LookupResult[];
  /** Tables of further parts (see PARTS in run.ts), printed after the four main ones, in order. */
  sections: { heading: string; markdown: string }[];
  /** Targets of further parts, listed after the main ones. */
  extraTargets: Target[];
  redisSkipped: boolean;
}

export function machineLine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) model = line.split(':')[1]?.trim() ?? model;
  } catch {
    // not Linux: os.cpus() has the model
  }
  return `${cpus().length} CPUs (nproc), ${model}, Node.js ${process.version}, ${process.platform} ${process.arch}`;
}

export const currentLoad = (): number[] => loadavg().map((value) => Math.round(value * 100) / 100);

export interface Target {
  name: string;
  measured: string;
  met: boolean | undefined;
}

function ratioText(s: Spread | undefined): string {
  return s ? formatRatio(s) : 'not measured';
}

export function targets(results: RunResults): Target[] {
  const list: Target[] = [];
  const memory = results.auth.find((r) => r.store === 'memory');
  if (memory) {
    const rows = summarizeAuthLayer(memory);
    const ours = rows.find((r) => r.id === 'compat');
    const legacyOptions = rows.find((r) => r.id === 'compat-legacy-options');
    const legacy = rows.find((r) => r.id === 'legacy');
    const cluster = rows.find((r) => r.id === 'compat-cluster');
    const floor = rows.find((r) => r.id === 'floor');
    const memoryRows = memory.rows;
    list.push({
      name: 'authorization CPU ≤ 0.5× legacy (memory store)',
      measured: `${ratioText(ours?.vsLegacy)} legacy, ${ratioText(ours?.vsFloor)} the floor (the floor: ${ratioText(floor?.vsLegacy)} legacy)`,
      met: ours?.vsLegacy ? ours.vsLegacy.median <= 0.5 : undefined,
    });
    if (ours && legacy) {
      list.push({
        name: 'retained heap per authorized socket ≤ legacy',
        measured: `${kb(ours.heap.median)} against legacy's ${kb(legacy.heap.median)}`,
        met: ours.heap.median <= legacy.heap.median,
      });
    }
    if (legacyOptions && ours && legacy) {
      const compatRow = memoryRows.find((r) => r.id === 'compat');
      const optionsRow = memoryRows.find((r) => r.id === 'compat-legacy-options');
      const vsBuiltIn = compatRow && optionsRow ? roundRatios(optionsRow.cpuUs, compatRow.cpuUs) : undefined;
      list.push({
        name: 'legacy options (`cookieParser: require("cookie-parser")`): CPU ≤ the built-in path (per-round ratio ≤ 1.02, the rounds\' noise)',
        measured: `${ratioText(vsBuiltIn)} the built-in path, ${ratioText(legacyOptions.vsLegacy)} legacy`,
        met: vsBuiltIn ? vsBuiltIn.median <= 1.02 : undefined,
      });
      list.push({
        name: 'legacy options: retained heap per socket ≤ legacy',
        measured: `${kb(legacyOptions.heap.median)} against legacy's ${kb(legacy.heap.median)}`,
        met: legacyOptions.heap.median <= legacy.heap.median,
      });
    }
    if (cluster) {
      list.push({
        name: 'retained heap with the cluster features on < +0.5 KB',
        measured: kb(cluster.heap.median),
        met: cluster.heap.median < 512,
      });
    }
  }
  if (results.e2e) {
    const rows = summarizeEndToEnd(results.e2e);
    const ours = rows.find((r) => r.id === 'compat');
    const legacy = rows.find((r) => r.id === 'legacy');
    const floor = rows.find((r) => r.id === 'floor');
    list.push({
      name: 'end-to-end server CPU per handshake ≤ 1.05× no authorization',
      measured: `${ratioText(ours?.vsNone)} (legacy ${ratioText(legacy?.vsNone)}, floor ${ratioText(floor?.vsNone)})`,
      met: ours?.vsNone ? ours.vsNone.median <= 1.05 : undefined,
    });
  }
  if (results.storeOps) {
    const ours = results.storeOps.find((r) => r.id === 'compat');
    if (ours) {
      const reads = ['websocket', 'polling'].flatMap((t) => ['missing', 'forged'].map((c) => ours.results[`${t}/${c}`]?.get ?? Number.NaN));
      list.push({
        name: 'zero store reads for a missing or forged cookie',
        measured: `${Math.max(...reads)} reads per handshake (websocket and polling)`,
        met: reads.every((n) => n === 0),
      });
    }
  }
  const single = results.lookups.find((r) => r.setup === 'one node');
  if (single) {
    const room = roomMethodOf(single);
    const ratio = scanOverRoom(single, room);
    const last = single.stages[single.stages.length - 1];
    list.push({
      name: 'user lookup through rooms ≥ 10× faster than the scan at 10,000 sockets',
      measured: `${ratioText(ratio)} at ${last?.sockets.toLocaleString('en-US')} sockets (\`${room}\`)`,
      met: ratio && last?.sockets === 10000 ? ratio.median >= 10 : undefined,
    });
  }
  list.push(...results.extraTargets);
  return list;
}

function kb(bytes: number): string {
  return `${bytes >= 0 ? '+' : ''}${(bytes / 1024).toFixed(2)} KB`;
}

/** The results section: machine, command, the four parts' tables, the targets. */
export function renderResults(results: RunResults): string {
  const out: string[] = [];
  out.push(
    `Command: \`${results.command}\` (${results.quick ? 'quick mode: too short to judge speed' : 'full run'}), ${Math.round(results.seconds)} s.`,
  );
  out.push(`Machine: ${machineLine()}.`);
  out.push(
    `Run on ${results.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC; load average (1, 5, 15 min) ${results.loadBefore.join(', ')} before, ${results.loadAfter.join(', ')} after.`,
  );
  if (results.redisSkipped) out.push('Redis was not reachable: the Redis rows and the two-node lookups were skipped.');
  if (results.auth.length > 0) out.push('', '![CPU per authorization and retained heap per socket, memory store](benchmarks.svg)');
  for (const result of results.auth) {
    out.push('', `### 1. Authorization layer alone, ${result.store === 'memory' ? 'MemoryStore' : 'Redis (connect-redis 9)'}`, '');
    out.push(authLayerTable(result));
  }
  if (results.e2e) {
    out.push('', '### 2. End to end: real servers, separate load-generating client, websocket, MemoryStore', '');
    out.push(endToEndTable(results.e2e));
  }
  if (results.storeOps) {
    out.push('', '### 3. Store operations per handshake (MemoryStore, counted)', '');
    out.push(storeOpsTable(results.storeOps));
  }
  for (const result of results.lookups) {
    const how = result.rooms
      ? 'sockets join their user room through `authorize({ rooms: true })`'
      : 'the app joins each socket to its user room';
    out.push('', `### 4. User lookups, ${result.setup} (${how}; 5 sockets per user; median µs per lookup)`, '');
    out.push(lookupTable(result));
  }
  for (const section of results.sections) out.push('', `### ${section.heading}`, '', section.markdown);
  const list = targets(results);
  if (list.length > 0) {
    out.push('', '### Targets', '');
    out.push(
      markdownTable(
        ['target', 'measured (median of per-round ratios, min–max)', 'met'],
        list.map((t) => [t.name, t.measured, t.met === undefined ? 'not measured' : t.met ? 'yes' : 'no']),
      ),
    );
  }
  return out.join('\n');
}

const BEGIN = '<!-- bench:results:begin -->';
const END = '<!-- bench:results:end -->';

/** Replaces the results between the markers of docs/benchmarks.md and writes the chart. */
export function writeDocs(results: RunResults, markdown: string): void {
  const page = join(REPO_ROOT, 'docs', 'benchmarks.md');
  const text = readFileSync(page, 'utf8');
  const start = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/benchmarks.md has no ${BEGIN} … ${END} markers`);
  writeFileSync(page, `${text.slice(0, start + BEGIN.length)}\n${markdown}\n${text.slice(end)}`);
  const memory = results.auth.find((r) => r.store === 'memory');
  if (memory) writeFileSync(join(REPO_ROOT, 'docs', 'benchmarks.svg'), chartSvg(memory, results));
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Two panels of horizontal bars, one row per contender: CPU µs per authorization (median, with
 * the min–max of the rounds as a whisker) and retained heap per authorized socket.
 */
export function chartSvg(result: AuthLayerResult, results: RunResults): string {
  // Whiskers span the middle half of the rounds: a min–max would mostly show the machine's bursts.
  const rows = summarizeAuthLayer(result).map((row) => {
    const cpuUs = result.rows.find((r) => r.id === row.id)?.cpuUs ?? [];
    return { ...row, cpu: { median: row.cpu.median, min: quantile(cpuUs, 0.25), max: quantile(cpuUs, 0.75) } };
  });
  const labelWidth = 330;
  const panelWidth = 300;
  const gap = 40;
  const rowHeight = 26;
  const top = 64;
  const width = labelWidth + 2 * panelWidth + gap + 30;
  const height = top + rows.length * rowHeight + 46;
  const cpuAxis = niceAxis(Math.max(...rows.map((r) => r.cpu.max)));
  const heapAxis = niceAxis(Math.max(...rows.map((r) => r.heap.median)) / 1024);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    '<title>CPU per authorization and retained heap per socket, by contender (MemoryStore)</title>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="20" font-size="14" font-weight="bold">Authorizing one socket.io handshake, MemoryStore (lower is better)</text>`,
    `<text x="12" y="38" fill="#555">${escapeXml(`${results.command} · ${machineLine()}`)}</text>`,
  );
  const panels = [
    { x: labelWidth, title: 'CPU µs per authorization (median, 25–75th pct)', ...cpuAxis, value: (r: (typeof rows)[0]) => r.cpu, scale: 1 },
    {
      x: labelWidth + panelWidth + gap,
      title: 'retained heap KB per socket (median)',
      ...heapAxis,
      value: (r: (typeof rows)[0]) => r.heap,
      scale: 1 / 1024,
    },
  ];
  for (const panel of panels) {
    parts.push(`<text x="${panel.x}" y="${top - 8}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    for (let tick = 0; tick * panel.step <= panel.max + 1e-9; tick++) {
      const x = panel.x + ((tick * panel.step) / panel.max) * panelWidth;
      const y = top + rows.length * rowHeight;
      parts.push(`<line x1="${x.toFixed(1)}" y1="${top}" x2="${x.toFixed(1)}" y2="${y}" stroke="#e3e3e3"/>`);
      parts.push(
        `<text x="${x.toFixed(1)}" y="${y + 14}" text-anchor="middle" fill="#555">${Number((tick * panel.step).toFixed(2))}</text>`,
      );
    }
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    const ours = row.id.startsWith('compat');
    const color = ours ? '#2b7bb9' : row.id === 'floor' || row.id === 'none' ? '#8a8a8a' : '#e0903a';
    parts.push(
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end"${ours ? ' font-weight="bold"' : ''}>${escapeXml(row.label)}</text>`,
    );
    for (const panel of panels) {
      const s = panel.value(row);
      const w = (v: number) => Math.max(0, (v * panel.scale * panelWidth) / panel.max);
      parts.push(`<rect x="${panel.x}" y="${y + 5}" width="${w(s.median).toFixed(1)}" height="${rowHeight - 10}" fill="${color}"/>`);
      if (panel.scale === 1) {
        const mid = y + rowHeight / 2;
        parts.push(
          `<line x1="${(panel.x + w(s.min)).toFixed(1)}" y1="${mid}" x2="${(panel.x + w(s.max)).toFixed(1)}" y2="${mid}" stroke="#222"/>`,
        );
      }
      const labelAt = panel.x + Math.min(panelWidth, Math.max(w(s.median), panel.scale === 1 ? w(s.max) : 0)) + 4;
      parts.push(
        `<text x="${labelAt.toFixed(1)}" y="${y + 17}" fill="#222">${formatNumber(s.median * panel.scale, panel.scale === 1 ? 1 : 2)}</text>`,
      );
    }
  });
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** An axis from 0 with 3 to 5 round ticks (1, 2 or 5 times a power of ten) that holds `value`. */
function niceAxis(value: number): { max: number; step: number } {
  const target = value > 0 ? value / 4 : 0.25;
  const magnitude = 10 ** Math.floor(Math.log10(target));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= target) as number) * magnitude;
  return { max: Math.ceil(value / step) * step || step, step };
}
