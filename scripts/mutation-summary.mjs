// Summarises the JSON reports of `npm run mutation` (reports/mutation/<scope>.json, one per
// scope): the score per file, per scope and in all, then every mutant that survived or had no test
// reaching it, with its line and replacement, to write up in docs/mutation.md.
//
//   node scripts/mutation-summary.mjs [report.json...]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'reports/mutation';
const paths =
  process.argv.length > 2
    ? process.argv.slice(2)
    : existsSync(DIR)
      ? readdirSync(DIR)
          .filter((name) => name.endsWith('.json'))
          .map((name) => join(DIR, name))
      : [];
if (paths.length === 0) {
  console.error(`no report in ${DIR}: run npm run mutation first`);
  process.exit(1);
}
const report = { files: {} };
const scopeOf = {};
for (const path of paths) {
  const scope = path.replace(/^.*\//, '').replace(/\.json$/, '');
  for (const [file, entry] of Object.entries(JSON.parse(readFileSync(path, 'utf8')).files)) {
    report.files[file] = entry;
    scopeOf[file] = scope;
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const rows = [];
const missed = [];
const total = { detected: 0, undetected: 0, invalid: 0 };
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const row = { file, scope: scopeOf[file], detected: 0, undetected: 0, invalid: 0 };
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) row.detected++;
    else if (UNDETECTED.has(mutant.status)) {
      row.undetected++;
      missed.push({ file, ...mutant });
    } else row.invalid++;
  }
  for (const key of Object.keys(total)) total[key] += row[key];
  rows.push(row);
}

const score = ({ detected, undetected }) =>
  detected + undetected === 0 ? 'n/a' : `${((100 * detected) / (detected + undetected)).toFixed(1)} %`;
const scopes = {};
for (const row of rows) {
  scopes[row.scope] ??= { detected: 0, undetected: 0 };
  scopes[row.scope].detected += row.detected;
  scopes[row.scope].undetected += row.undetected;
}
console.log('| scope | file | killed or timed out | survived or not covered | score |');
console.log('| --- | --- | ---: | ---: | ---: |');
rows.sort((a, b) => a.scope.localeCompare(b.scope) || a.file.localeCompare(b.file));
for (const row of rows) console.log(`| ${row.scope} | ${row.file} | ${row.detected} | ${row.undetected} | ${score(row)} |`);
for (const [name, sum] of Object.entries(scopes))
  console.log(`| **${name}** | | **${sum.detected}** | **${sum.undetected}** | **${score(sum)}** |`);
console.log(`| **all** | | **${total.detected}** | **${total.undetected}** | **${score(total)}** |`);
console.log(`\n(${total.invalid} more mutants did not compile or were ignored; they do not count.)\n`);

for (const mutant of missed) {
  const { line, column } = mutant.location.start;
  const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100);
  console.log(`- ${mutant.file}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: \`${replacement}\``);
}
