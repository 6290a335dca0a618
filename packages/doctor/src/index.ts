/**
 * The doctor as a library, for scripts that want the report without the CLI:
 *
 * ```js
 * const { runDoctor } = require('passport.socketio-compat-doctor');
 * const report = runDoctor({ dir: 'path/to/app' });
 * for (const f of report.findings) console.log(`${f.file}:${f.line} ${f.severity} ${f.message}`);
 * ```
 */
export { type DoctorOptions, type DoctorReport, type FixResult, runDoctor } from './doctor';
export type { Edit, Finding, RuleId, Severity } from './findings';
export type { SkippedFile } from './source-files';
