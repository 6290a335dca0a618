import { applyEdits } from './edits';
import type { Edit } from './findings';

interface Change {
  /** First and last old line (0-based) the change replaces. */
  first: number;
  last: number;
  lines: string[];
}

/**
 * A unified diff (as `git diff` prints it, `patch -p1` applies it) of what `edits` do to one file,
 * with `context` unchanged lines around each change.
 */
export function unifiedDiff(file: string, before: string, edits: readonly Edit[], context = 3): string {
  if (edits.length === 0) return '';
  const oldLines = splitLines(before);
  const starts = lineStarts(before);
  const changes = changesOf(before, starts, edits);
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let shift = 0;
  for (let i = 0; i < changes.length; ) {
    const group = [changes[i] as Change];
    i += 1;
    while (i < changes.length && (changes[i] as Change).first - context <= (group[group.length - 1] as Change).last + context + 1) {
      group.push(changes[i] as Change);
      i += 1;
    }
    const from = Math.max(0, (group[0] as Change).first - context);
    const to = Math.min(oldLines.length - 1, (group[group.length - 1] as Change).last + context);
    const body: string[] = [];
    let cursor = from;
    let groupShift = 0;
    for (const change of group) {
      for (; cursor < change.first; cursor += 1) body.push(` ${oldLines[cursor]}`);
      for (let line = change.first; line <= change.last; line += 1) body.push(`-${oldLines[line]}`);
      for (const line of change.lines) body.push(`+${line}`);
      cursor = change.last + 1;
      groupShift += change.lines.length - (change.last - change.first + 1);
    }
    for (; cursor <= to; cursor += 1) body.push(` ${oldLines[cursor]}`);
    const oldCount = to - from + 1;
    out.push(`@@ -${from + 1},${oldCount} +${from + 1 + shift},${oldCount + groupShift} @@`, ...body);
    shift += groupShift;
  }
  return `${out.join('\n')}\n`;
}

/** The edits, grouped by the lines they touch, with each group's lines after editing. */
function changesOf(text: string, starts: number[], edits: readonly Edit[]): Change[] {
  const lineAt = (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const groups: Array<{ first: number; last: number; edits: Edit[] }> = [];
  for (const edit of sorted) {
    const first = lineAt(edit.start);
    const last = edit.end > edit.start ? lineAt(edit.end - 1) : first;
    const previous = groups[groups.length - 1];
    if (previous && first <= previous.last) {
      previous.last = Math.max(previous.last, last);
      previous.edits.push(edit);
    } else {
      groups.push({ first, last, edits: [edit] });
    }
  }
  return groups.map(({ first, last, edits: inGroup }) => {
    const from = starts[first] as number;
    const to = last + 1 < starts.length ? (starts[last + 1] as number) : text.length;
    const shifted = inGroup.map((edit) => ({ start: edit.start - from, end: edit.end - from, text: edit.text }));
    return { first, last, lines: splitLines(applyEdits(text.slice(from, to), shifted)) };
  });
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1 && i + 1 < text.length; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
