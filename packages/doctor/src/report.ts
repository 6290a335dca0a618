import type { DoctorReport } from './doctor';
import type { Finding } from './findings';

/** Exit codes of the CLI. */
export const EXIT = { clean: 0, attention: 1, usage: 2 } as const;

export function exitCodeOf(report: DoctorReport): number {
  return report.findings.length === 0 ? EXIT.clean : EXIT.attention;
}

/** The report for people: findings grouped by file, each with what to do, then a summary line. */
export function formatHuman(report: DoctorReport, shownDir: string): string {
  const out: string[] = [`passport.socketio-compat doctor: read ${plural(report.filesRead, 'source file')} in ${shownDir}`, ''];
  if (report.fixed) {
    if (report.fixed.files.length === 0) {
      out.push('--fix: nothing to rewrite.', '');
    } else {
      out.push(`--fix rewrote ${plural(report.fixed.files.length, 'file')}: ${report.fixed.files.join(', ')}. Review the diff:`, '');
      out.push(report.fixed.diff);
    }
  }
  let file: string | undefined;
  for (const finding of report.findings) {
    if (finding.file !== file) {
      file = finding.file;
      out.push(file);
    }
    const where = `${finding.line}:${finding.column}`.padEnd(8);
    out.push(`  ${where}${finding.severity.padEnd(8)}${finding.message}`);
    out.push(`  ${' '.repeat(16)}${finding.advice}`);
  }
  if (report.findings.length > 0) out.push('');
  for (const skipped of report.skipped) out.push(`skipped ${skipped.file} (${skipped.reason})`);
  if (report.skipped.length > 0) out.push('');
  out.push(summary(report));
  return `${out.join('\n')}\n`;
}

function summary(report: DoctorReport): string {
  const { findings } = report;
  if (findings.length === 0) {
    return report.fixed ? 'Nothing else needs attention.' : 'Nothing needs attention: no use of passport.socketio that changes.';
  }
  const changes = findings.filter((finding) => finding.severity === 'change').length;
  const fixable = findings.filter((finding) => finding.edit !== undefined).length;
  const left = report.fixed ? ' left' : '';
  const line = `${plural(findings.length, 'finding')}${left}: ${changes} to change, ${findings.length - changes} to check.`;
  return fixable > 0 ? `${line} Run with --fix to rewrite ${plural(fixable, 'import/dependency line')} for you.` : line;
}

/** The report for machines: stable field names, no edit offsets. */
export function formatJson(report: DoctorReport): string {
  const finding = ({ edit, ...rest }: Finding) => ({ ...rest, fixable: edit !== undefined });
  return `${JSON.stringify(
    {
      dir: report.dir,
      filesRead: report.filesRead,
      skipped: report.skipped,
      findings: report.findings.map(finding),
      fixed: report.fixed ? { files: report.fixed.files, diff: report.fixed.diff, applied: report.fixed.applied.map(finding) } : null,
      exitCode: exitCodeOf(report),
    },
    null,
    2,
  )}\n`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
