// `npm run mutation [-- scope...]`: runs Stryker once per scope of stryker.config.mjs (all of
// them by default, core first), each writing reports/mutation/<scope>.json, then prints the
// table per module of every report there (scripts/mutation-summary.mjs).
import { spawnSync } from 'node:child_process';

const ALL = ['options', 'identify', 'cookie-parser', 'decide', 'engine', 'strategy', 'cluster', 'live-session', 'events', 'rolling'];
const scopes = process.argv.slice(2);
for (const scope of scopes) {
  if (!ALL.includes(scope)) {
    console.error(`unknown scope ${scope}; the scopes are ${ALL.join(', ')}`);
    process.exit(2);
  }
}

let failed = false;
for (const scope of scopes.length > 0 ? scopes : ALL) {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
  const edited = spawnSync('git', ['status', '--porcelain', '--', 'src', 'test'], { encoding: 'utf8' }).stdout.trim() !== '';
  console.log(
    `\n== mutation scope: ${scope}, at commit ${commit}${edited ? ' with uncommitted changes in src/ or test/' : ''}, ${new Date().toISOString()}`,
  );
  const run = spawnSync('npx', ['stryker', 'run'], { stdio: 'inherit', env: { ...process.env, MUTATION_SCOPE: scope } });
  if (run.status !== 0) failed = true;
}
spawnSync(process.execPath, ['scripts/mutation-summary.mjs'], { stdio: 'inherit' });
process.exit(failed ? 1 : 0);
