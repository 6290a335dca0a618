// Summarises the JSON report of `npm run mutation` (reports/mutation/mutation.json): the score
// per file and in all, then every mutant that survived or had no test reaching it, with its line
// and replacement, to write up in docs/mutation.md.
//
//   node scripts/mutation-summary.mjs [reports/mutation/mutation.json]
import { readFileSync } from 'node:fs';

const path = process.argv[2] ?? 'reports/mutation/mutation.json';
const report = JSON.parse(readFileSync(path, 'utf8'));

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const rows = [];
const missed = [];
const total = { detected: 0, undetected: 0, invalid: 0 };
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const row = { file, detected: 0, undetected: 0, invalid: 0 };
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
console.log('| file | killed or timed out | survived or not covered | score |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows) console.log(`| ${row.file} | ${row.detected} | ${row.undetected} | ${score(row)} |`);
console.log(`| **all** | **${total.detected}** | **${total.undetected}** | **${score(total)}** |`);
console.log(`\n(${total.invalid} more mutants did not compile or were ignored; they do not count.)\n`);

for (const mutant of missed) {
  const { line, column } = mutant.location.start;
  const replacement = (mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 100);
  console.log(`- ${mutant.file}:${line}:${column} ${mutant.status} ${mutant.mutatorName}: \`${replacement}\``);
}
