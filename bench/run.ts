/**
 * `npm run bench`: every benchmark of docs/benchmarks.md, in one run, printed as Markdown tables.
 *
 *   npm run bench                       the full run (under 10 minutes on 2 cores)
 *   npm run bench -- --quick            a short run that shows everything works (under 2 minutes);
 *                                       too short to judge speed
 *   npm run bench -- --only=auth,e2e    some parts: auth, e2e, store-ops, lookups
 *   npm run bench -- --memory-only      leaves out the Redis rows and the two-node lookups
 *   npm run bench -- --write            also puts the results into docs/benchmarks.md and the chart
 *                                       docs/benchmarks.svg
 *
 * Progress goes to stderr, the tables to stdout. Redis is expected at REDIS_URL (default
 * redis://127.0.0.1:6379); without it the Redis rows are skipped with a line saying so.
 */
import { AUTH_LAYER_FULL, AUTH_LAYER_QUICK, runAuthLayer } from './auth-layer';
import { END_TO_END_FULL, END_TO_END_QUICK, runEndToEnd } from './end-to-end';
import { buildBench, removeBuild } from './lib/build';
import { authContenders, ENGINE_USE_SAVE_UNINITIALIZED, NO_AUTH } from './lib/contenders';
import { REDIS_URL, redisReachable, type StoreKind } from './lib/fixtures';
import { captureRealHandshake } from './lib/handshakes';
import { LOOKUPS_FULL, LOOKUPS_QUICK, runLookups } from './lookups';
import { currentLoad, type RunResults, renderResults, writeDocs } from './report';
import { runStoreOps, STORE_OPS_HANDSHAKES } from './store-ops';

const PARTS = ['auth', 'e2e', 'store-ops', 'lookups', 'storm'] as const;
type Part = (typeof PARTS)[number];

interface Cli {
  quick: boolean;
  write: boolean;
  memoryOnly: boolean;
  parts: Part[];
  args: string[];
}

function parseCli(argv: string[]): Cli {
  const cli: Cli = { quick: false, write: false, memoryOnly: false, parts: [...PARTS], args: argv };
  for (const arg of argv) {
    if (arg === '--quick') cli.quick = true;
    else if (arg === '--write') cli.write = true;
    else if (arg === '--memory-only') cli.memoryOnly = true;
    else if (arg.startsWith('--only=')) {
      const wanted = arg.slice('--only='.length).split(',');
      for (const part of wanted)
        if (!PARTS.includes(part as Part)) throw new Error(`unknown part "${part}"; the parts are ${PARTS.join(', ')}`);
      cli.parts = wanted as Part[];
    } else throw new Error(`unknown argument "${arg}"; see the top of bench/run.ts`);
  }
  return cli;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const cli = parseCli(process.argv.slice(2));
  const started = Date.now();
  const results: RunResults = {
    command: [
      'npm run bench',
      ...(cli.args.filter((a) => a !== '--write').length > 0 ? ['--', ...cli.args.filter((a) => a !== '--write')] : []),
    ].join(' '),
    quick: cli.quick,
    startedAt: new Date(started),
    seconds: 0,
    loadBefore: currentLoad(),
    loadAfter: [],
    auth: [],
    e2e: undefined,
    storeOps: undefined,
    lookups: [],
    redisSkipped: false,
  };
  const buildDir = buildBench();
  try {
    await runParts(cli, results);
  } finally {
    removeBuild(buildDir);
  }
  results.seconds = (Date.now() - started) / 1000;
  results.loadAfter = currentLoad();
  const markdown = renderResults(results);
  console.log(markdown);
  if (cli.write) {
    writeDocs(results, markdown);
    progress('wrote docs/benchmarks.md and docs/benchmarks.svg');
  }
  progress(`bench finished in ${Math.round(results.seconds)} s`);
}

async function runParts(cli: Cli, results: RunResults): Promise<void> {
  const redis = !cli.memoryOnly && (await redisReachable());
  if (!redis && !cli.memoryOnly) {
    results.redisSkipped = true;
    progress(`Redis is not reachable at ${REDIS_URL}: its rows are skipped (start redis-server, or set REDIS_URL, to include them)`);
  }
  const stores: StoreKind[] = redis ? ['memory', 'redis'] : ['memory'];

  if (cli.parts.includes('auth')) {
    const captured = await captureRealHandshake();
    const config = cli.quick ? AUTH_LAYER_QUICK : AUTH_LAYER_FULL;
    for (const store of stores) results.auth.push(await runAuthLayer(store, [NO_AUTH, ...authContenders()], captured, config, progress));
  }
  if (cli.parts.includes('e2e')) {
    results.e2e = await runEndToEnd([NO_AUTH, ...authContenders()], cli.quick ? END_TO_END_QUICK : END_TO_END_FULL, progress);
  }
  if (cli.parts.includes('store-ops')) {
    const contenders = authContenders().filter((c) => c.id !== 'compat-observed');
    contenders.splice(contenders.findIndex((c) => c.id === 'engine-use') + 1, 0, ENGINE_USE_SAVE_UNINITIALIZED);
    results.storeOps = await runStoreOps(contenders, cli.quick ? STORE_OPS_HANDSHAKES.quick : STORE_OPS_HANDSHAKES.full, progress);
  }
  if (cli.parts.includes('lookups')) {
    const config = cli.quick ? LOOKUPS_QUICK : LOOKUPS_FULL;
    results.lookups.push(await runLookups(config, false, progress));
    if (redis) results.lookups.push(await runLookups(config, true, progress));
  }
  if (cli.parts.includes('storm') && !cli.memoryOnly) await (require('./storm') as typeof import('./storm')).runStormPart(cli, progress);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
