import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexFile } from './bindings';
import { unifiedDiff } from './diff';
import { applyEdits } from './edits';
import { byPosition, type Edit, type Finding } from './findings';
import { COMPAT_RANGE } from './matrix';
import { parseSource } from './parse';
import { isAdapterModule, type ProjectFacts, readProject } from './project';
import { type FileContext, packageJsonFindings, pinnedVersionFindings, SOURCE_RULES } from './rules';
import { findSourceFiles, type SkippedFile } from './source-files';

export interface DoctorOptions {
  /** The app's directory: its package.json and every source file below it are read. */
  dir: string;
  /** Rewrite the import/require lines and package.json's dependency, and report what is left. */
  fix?: boolean;
}

export interface FixResult {
  /** The files rewritten, relative to `dir`. */
  files: string[];
  /** A unified diff of every rewrite, to review before committing. */
  diff: string;
  /** The findings the rewrite took care of. */
  applied: Finding[];
}

export interface DoctorReport {
  dir: string;
  /** Source files read (package.json not counted). */
  filesRead: number;
  skipped: SkippedFile[];
  /** What needs attention; after `--fix`, what is left. */
  findings: Finding[];
  fixed?: FixResult;
  /** The app has neither source files nor a package.json: probably the wrong directory. */
  empty: boolean;
}

/** Reads an app and lists what to change or check to run it on passport.socketio-compat. */
export function runDoctor(options: DoctorOptions): DoctorReport {
  const first = examine(options.dir);
  if (!options.fix) return first;
  const applied = first.findings.filter((finding) => finding.edit !== undefined);
  const editsByFile = new Map<string, Edit[]>();
  for (const finding of applied) {
    const edits = editsByFile.get(finding.file) ?? [];
    edits.push(finding.edit as Edit);
    editsByFile.set(finding.file, edits);
  }
  let diff = '';
  for (const [file, edits] of [...editsByFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const path = join(options.dir, file);
    const before = readFileSync(path, 'utf8');
    writeFileSync(path, applyEdits(before, edits));
    diff += unifiedDiff(file, before, edits);
  }
  return { ...examine(options.dir), fixed: { files: [...editsByFile.keys()].sort(), diff, applied } };
}

function examine(dir: string): DoctorReport {
  const project = readProject(dir);
  const { files, skipped } = findSourceFiles(dir);
  const findings: Finding[] = [];
  if (project.packageJsonError !== undefined) {
    findings.push(unreadable('package.json', 1, project.packageJsonError));
  }
  const contexts: FileContext[] = [];
  for (const { file, path } of files) {
    try {
      const text = readFileSync(path, 'utf8');
      const ast = parseSource(file, text);
      contexts.push({ file, text, ast, index: indexFile(ast), project });
    } catch (err) {
      const line = (err as { loc?: { line?: number } }).loc?.line ?? 1;
      findings.push(unreadable(file, line, err instanceof Error ? err.message : String(err)));
    }
  }
  addAdaptersLoadedBySource(project, contexts);
  for (const context of contexts) {
    for (const rule of SOURCE_RULES) rule.check(context, (finding) => findings.push(finding));
  }
  findings.push(...packageJsonFindings(project, COMPAT_RANGE), ...pinnedVersionFindings(project));
  return {
    dir,
    filesRead: contexts.length,
    skipped,
    findings: findings.sort(byPosition),
    empty: files.length === 0 && project.packageJson === undefined && project.packageJsonError === undefined,
  };
}

/** An adapter installed in code (`io.adapter(createAdapter(...))`) counts like one in package.json. */
function addAdaptersLoadedBySource(project: ProjectFacts, contexts: FileContext[]): void {
  for (const context of contexts) {
    for (const reference of context.index.references) {
      if (isAdapterModule(reference.module)) project.adapters.add(reference.module);
    }
  }
}

function unreadable(file: string, line: number, reason: string): Finding {
  return {
    rule: 'unreadable-file',
    severity: 'check',
    file,
    line,
    column: 1,
    message: `could not be read: ${reason.split('\n')[0]}`,
    advice: 'the doctor did not read this file; check it by hand, or fix the syntax error and run the doctor again',
  };
}
