/** Medians, quantiles and per-round ratios: what every table reports. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (position - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Per-round ratios a[i] / b[i]: each round's contenders ran back to back, so they share its noise. */
export function roundRatios(a: readonly number[], b: readonly number[]): Spread {
  const ratios = a.map((value, i) => value / (b[i] as number));
  return spread(ratios);
}

/** The round's order: rotated by one each round, so no contender always runs first or last. */
export function rotated<T>(items: readonly T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toFixed(digits);
}

export function formatRatio(s: Spread): string {
  return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
}

/** A Markdown table; numbers are already formatted by the caller. */
export function markdownTable(header: string[], rows: string[][], align?: ('l' | 'r')[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length), 3));
  const pad = (cell: string, column: number) =>
    align?.[column] === 'r' ? cell.padStart(widths[column] as number) : cell.padEnd(widths[column] as number);
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((width, column) => (align?.[column] === 'r' ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}
