/**
 * `npm run bench`: every benchmark of docs/benchmarks.md, in one run, printed as Markdown tables.
 *
 *   npm run bench                       the full run (under 10 minutes on 2 cores)
 *   npm run bench -- --quick            a short run that shows everything works (under 2 minutes);
 *                                       too short to judge speed
 *   npm run bench -- --only=auth,e2e    some parts: auth, e2e, store-ops, lookups, hostile, storm, touch
 *   npm run bench -- --memory-only      leaves out the Redis rows and the two-node lookups
 *   npm run bench -- --write            also puts the results into docs/benchmarks.md and the chart
 *                                       docs/benchmarks.svg
 *
 * Progress goes to stderr, the tables to stdout. Redis is expected at REDIS_URL (default
 * redis://127.0.0.1:6379); without it the Redis rows are skipped with a line saying so.
 */
import { AUTH_LAYER_FULL, AUTH_LAYER_QUICK, runAuthLayer } from './auth-layer';
import { END_TO_END_FULL, END_TO_END_QUICK, runEndToEnd } from './end-to-end';
import { HOSTILE_HEADER_FULL, HOSTILE_HEADER_QUICK, hostileHeaderTable, runHostileHeader, summarizeHostileHeader } from './hostile-header';
import { buildBench, removeBuild } from './lib/build';
import { authContenders, ENGINE_USE_SAVE_UNINITIALIZED, NO_AUTH } from './lib/contenders';
import { REDIS_URL, redisReachable, type StoreKind } from './lib/fixtures';
import { type CapturedHandshake, captureRealHandshake } from './lib/handshakes';
import { formatRatio, type Spread } from './lib/stats';
import { LOOKUPS_FULL, LOOKUPS_QUICK, runLookups } from './lookups';
import { currentLoad, type RunResults, renderResults, writeDocs } from './report';
import { runStoreOps, STORE_OPS_HANDSHAKES } from './store-ops';
import { runTouchWrites, TOUCH_WRITES_FULL, TOUCH_WRITES_QUICK, touchWritesTable } from './touch-writes';

/** What a part gets: the command line, the results to fill in, the stores to run on. */
interface PartContext {
  cli: Cli;
  results: RunResults;
  stores: StoreKind[];
  redis: boolean;
  /** A real socket.io handshake request, captured once per run and shared by the parts. */
  captured(): Promise<CapturedHandshake>;
  progress(line: string): void;
}

interface BenchPart {
  name: string;
  run(context: PartContext): Promise<void>;
}

/**
 * The parts, in the order they run and print. A new part is one line here: its name (for
 * --only) and a function that runs it and fills `results` (its own table goes into
 * `results.sections`, its targets into `results.extraTargets`).
 */
const PARTS: BenchPart[] = [
  { name: 'auth', run: runAuthPart },
  { name: 'e2e', run: runEndToEndPart },
  { name: 'store-ops', run: runStoreOpsPart },
  { name: 'lookups', run: runLookupsPart },
  { name: 'hostile', run: runHostileHeaderPart },
  { name: 'storm', run: runStormPart },
  { name: 'touch', run: runTouchWritesPart },
];

interface Cli {
  quick: boolean;
  write: boolean;
  memoryOnly: boolean;
  parts: string[];
  args: string[];
}

function parseCli(argv: string[]): Cli {
  const names = PARTS.map((part) => part.name);
  const cli: Cli = { quick: false, write: false, memoryOnly: false, parts: names, args: argv };
  for (const arg of argv) {
    if (arg === '--quick') cli.quick = true;
    else if (arg === '--write') cli.write = true;
    else if (arg === '--memory-only') cli.memoryOnly = true;
    else if (arg.startsWith('--only=')) {
      const wanted = arg.slice('--only='.length).split(',');
      for (const part of wanted) if (!names.includes(part)) throw new Error(`unknown part "${part}"; the parts are ${names.join(', ')}`);
      cli.parts = wanted;
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
    sections: [],
    extraTargets: [],
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
  let captured: Promise<CapturedHandshake> | undefined;
  const context: PartContext = {
    cli,
    results,
    redis,
    stores: redis ? ['memory', 'redis'] : ['memory'],
    captured: () => {
      captured ??= captureRealHandshake();
      return captured;
    },
    progress,
  };
  for (const part of PARTS) if (cli.parts.includes(part.name)) await part.run(context);
}

async function runAuthPart({ cli, results, stores, captured }: PartContext): Promise<void> {
  const config = cli.quick ? AUTH_LAYER_QUICK : AUTH_LAYER_FULL;
  for (const store of stores)
    results.auth.push(await runAuthLayer(store, [NO_AUTH, ...authContenders()], await captured(), config, progress));
}

async function runEndToEndPart({ cli, results }: PartContext): Promise<void> {
  results.e2e = await runEndToEnd([NO_AUTH, ...authContenders()], cli.quick ? END_TO_END_QUICK : END_TO_END_FULL, progress);
}

async function runStoreOpsPart({ cli, results }: PartContext): Promise<void> {
  // The legacy options read cookies as the built-in path does: the same store operations.
  const contenders = authContenders().filter((c) => c.id !== 'compat-observed' && c.id !== 'compat-legacy-options');
  contenders.splice(contenders.findIndex((c) => c.id === 'engine-use') + 1, 0, ENGINE_USE_SAVE_UNINITIALIZED);
  results.storeOps = await runStoreOps(contenders, cli.quick ? STORE_OPS_HANDSHAKES.quick : STORE_OPS_HANDSHAKES.full, progress);
}

async function runLookupsPart({ cli, results, redis }: PartContext): Promise<void> {
  const config = cli.quick ? LOOKUPS_QUICK : LOOKUPS_FULL;
  results.lookups.push(await runLookups(config, false, progress));
  if (redis) results.lookups.push(await runLookups(config, true, progress));
}

async function runStormPart({ cli }: PartContext): Promise<void> {
  // The storm shares sessions between three nodes over Redis: no memory-only form.
  if (!cli.memoryOnly) await (require('./storm') as typeof import('./storm')).runStormPart(cli, progress);
}

async function runHostileHeaderPart({ cli, results, captured }: PartContext): Promise<void> {
  const rows = await runHostileHeader(await captured(), cli.quick ? HOSTILE_HEADER_QUICK : HOSTILE_HEADER_FULL, progress);
  results.sections.push({
    heading: '5. A hostile Cookie header: the session cookie behind 15 KB of junk signed cookies (`j0=s:.; j1=s:.; …`), MemoryStore',
    markdown: hostileHeaderTable(rows),
  });
  const ours = summarizeHostileHeader(rows).filter((row) => row.id.startsWith('compat') && row.id.endsWith('/junk'));
  const worst = (ratio: (row: (typeof ours)[0]) => Spread | undefined) =>
    ours.reduce<(typeof ours)[0] | undefined>(
      (a, b) => ((ratio(b)?.median ?? 0) > (ratio(a as (typeof ours)[0])?.median ?? 0) ? b : a),
      ours[0],
    );
  const describe = (row: (typeof ours)[0] | undefined, spread: Spread | undefined) =>
    row && spread ? `worst ${formatRatio(spread)}: ${row.label}, ${row.secrets} secret(s)` : 'not measured';
  const vsExpress = worst((row) => row.vsExpressSession);
  const vsSameSize = worst((row) => row.vsSameSize);
  results.extraTargets.push(
    {
      name: 'a hostile Cookie header costs ≤ 2× what express-session pays for the same header (1 and 3 secrets, with and without cookieParser)',
      measured: describe(vsExpress, vsExpress?.vsExpressSession),
      met: vsExpress?.vsExpressSession ? vsExpress.vsExpressSession.median <= 2 : undefined,
    },
    {
      name: 'a hostile Cookie header costs ≤ 2× an ordinary header of the same size',
      measured: describe(vsSameSize, vsSameSize?.vsSameSize),
      met: vsSameSize?.vsSameSize ? vsSameSize.vsSameSize.median <= 2 : undefined,
    },
  );
}

async function runTouchWritesPart({ cli, results }: PartContext): Promise<void> {
  const result = await runTouchWrites(cli.quick ? TOUCH_WRITES_QUICK : TOUCH_WRITES_FULL, progress);
  results.sections.push({
    heading: '7. Rolling expiry under an active socket load: store.touch writes, `session: { rolling }`, MemoryStore',
    markdown: touchWritesTable(result),
  });
  results.extraTargets.push({
    name: 'rolling expiry: at most one store.touch per session per interval on the node, whatever the sockets and events',
    measured: `${result.perSessionPerInterval.toFixed(2)} per session per interval (${result.touchesPerMinute.toFixed(1)}/min, bound ${result.boundPerMinute.toFixed(1)}/min)`,
    met: result.perSessionPerInterval <= 1,
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
