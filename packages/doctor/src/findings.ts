/**
 * What the doctor reports. A finding is either something to `change` before the app runs on
 * passport.socketio-compat, or something to `check` because its behaviour changes.
 */
export type Severity = 'change' | 'check';

export type RuleId =
  | 'legacy-import'
  | 'legacy-dependency'
  | 'legacy-types'
  | 'pinned-version'
  | 'socketio-09-authorization'
  | 'handshake-user'
  | 'accept-null-false'
  | 'callback-throws'
  | 'filter-sockets-by-user'
  | 'memory-store'
  | 'session-id-query'
  | 'cors-credentials'
  | 'unreadable-file';

/** A replacement of `text[start, end)` in one file; `--fix` applies these and nothing else. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  /** Relative to the directory the doctor read, with forward slashes. */
  file: string;
  line: number;
  column: number;
  /** What was found, quoting the code. */
  message: string;
  /** What to change or check. */
  advice: string;
  /** Present when `--fix` can make the change itself. */
  edit?: Edit;
}

/** Orders findings as a reader scans a project: by file, then line, then column. */
export function byPosition(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}
