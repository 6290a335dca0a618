/**
 * Where one contender's authorization time goes. Runs the auth-layer harness twice under
 * `node --cpu-prof`, once with the contender and once with nothing installed, and prints the
 * self time per handshake, by package and by function, net of the harness (what the contender
 * adds). The .cpuprofile files stay under .tmp/profiles for Chrome DevTools.
 *
 *   node --import tsx bench/profile.ts [contender=compat] [store=memory] [handshakes=100000]
 *
 * Contenders: see bench/lib/contenders.ts (compat, compat-observed, compat-cluster, legacy,
 * engine-use, wrap, esio, floor). Sampling profiles are noisy: compare runs, not single figures.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildBench, REPO_ROOT, removeBuild } from './lib/build';

interface Profile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>;
  startTime: number;
  endTime: number;
  samples: number[];
}

const [contender = 'compat', store = 'memory', count = '100000'] = process.argv.slice(2);

if (process.env.BENCH_PROFILE_CHILD === '1') {
  void runChild(process.env.BENCH_PROFILE_CONTENDER ?? contender);
} else {
  const dir = join(REPO_ROOT, '.tmp', 'profiles', `${contender}-${store}-${Date.now()}`);
  const buildDir = buildBench();
  try {
    const ours = profileOf(contender, join(dir, contender), buildDir);
    const harness = profileOf('none', join(dir, 'none'), buildDir);
    report(ours, harness, Number(count));
    console.log(`\nprofiles: ${relative(REPO_ROOT, dir)}`);
  } finally {
    removeBuild(buildDir);
  }
}

function profileOf(id: string, dir: string, buildDir: string): Profile {
  mkdirSync(dir, { recursive: true });
  const child = spawnSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200', join(buildDir, 'bench', 'profile.js'), id, store, count],
    { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, BENCH_PROFILE_CHILD: '1', BENCH_PROFILE_CONTENDER: id } },
  );
  if (child.status !== 0) throw new Error(`profiling ${id} failed`);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
}

async function runChild(id: string): Promise<void> {
  const { contenderById } = require('./lib/contenders') as typeof import('./lib/contenders');
  const { createPassport, createStore, seedSessions } = require('./lib/fixtures') as typeof import('./lib/fixtures');
  const { authorizerOf, captureRealHandshake, HandshakeFactory, release } =
    require('./lib/handshakes') as typeof import('./lib/handshakes');
  const benchStore = await createStore(store as 'memory' | 'redis');
  const cookies = await seedSessions(benchStore.store, 1000);
  const factory = new HandshakeFactory(await captureRealHandshake());
  const authorizer = authorizerOf(contenderById(id), { store: benchStore.store, passport: createPassport() });
  const total = Number(count);
  // Chunks prepared just before they run, as the auth-layer benchmark does (see auth-worker.ts).
  const chunk = 200;
  for (let done = 0; done < total; done += chunk) {
    const handshakes = Array.from({ length: chunk }, (_, i) => factory.create(cookies[(done + i) % cookies.length]));
    await new Promise<void>((resolve) => {
      let started = 0;
      let finished = 0;
      const next = () => {
        const handshake = handshakes[started++];
        if (!handshake) return;
        authorizer(handshake, () => (++finished === chunk ? resolve() : setImmediate(next)));
      };
      for (let i = 0; i < 32; i++) next();
    });
    // The clients leave (what the contender does on disconnect is part of its cost too).
    for (const handshake of handshakes) release(handshake);
  }
  await benchStore.cleanup();
}

/** Self time in µs per handshake, by key. */
function selfTimes(profile: Profile, handshakes: number, keyOf: (url: string, name: string, line: number) => string): Map<string, number> {
  const interval = (profile.endTime - profile.startTime) / Math.max(1, profile.samples.length);
  const times = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { url, functionName, lineNumber } = node.callFrame;
    const key = keyOf(url, functionName, lineNumber);
    times.set(key, (times.get(key) ?? 0) + (hits * interval) / handshakes);
  }
  return times;
}

function report(ours: Profile, harness: Profile, handshakes: number): void {
  const byPackage = (url: string, name: string) => packageOf(where(url), name);
  const byFunction = (url: string, name: string, line: number) => `${name || '(anonymous)'} ${where(url)}:${line + 1}`;
  for (const [title, keyOf, limit] of [
    ['by package', byPackage, 20],
    ['by function', byFunction, 35],
  ] as const) {
    const a = selfTimes(ours, handshakes, keyOf);
    const b = selfTimes(harness, handshakes, keyOf);
    const keys = new Set([...a.keys(), ...b.keys()]);
    const rows = [...keys].map((key) => ({ key, net: (a.get(key) ?? 0) - (b.get(key) ?? 0) })).filter((row) => row.net > 0.05);
    rows.sort((x, y) => y.net - x.net);
    const total = rows.reduce((sum, row) => sum + row.net, 0);
    console.log(
      `\n${contender} (${store} store): self time per handshake ${title}, net of the harness (total about ${total.toFixed(1)} µs)`,
    );
    for (const row of rows.slice(0, limit)) console.log(`${row.net.toFixed(2).padStart(7)} µs  ${row.key}`);
  }
}

function where(url: string): string {
  return url ? relative(REPO_ROOT, url.replace(/^file:\/\//, '')).replace(/^\.tmp\/bench-build-\d+\//, '') : '';
}

function packageOf(path: string, functionName: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (match) return match[1] as string;
  if (path.startsWith('src/')) return 'passport.socketio-compat (src)';
  if (path.startsWith('bench/')) return 'bench harness';
  if (path.startsWith('node:'))
    return `node ${
      path
        .slice(5)
        .replace(/^internal\//, '')
        .split('/')[0]
    }`;
  return functionName || '(other)';
}
