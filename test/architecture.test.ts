/**
 * The shape of src/, as docs/architecture.md draws it: arrows point one way, down the floors; no
 * import cycles; the three ways in stand side by side, none importing another. Read from the
 * import lines themselves (TypeScript's own pre-processor), so a change that breaks the shape
 * fails here with the offending import named.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const SRC = join(__dirname, '../src');

/**
 * The floors, lowest first. A module may import modules of a lower floor, and modules of its own
 * folder (or, on the ground floor, the other ground-floor files); never upward, never sideways
 * into another folder of its floor. Every file of src/ must have a floor: a new file goes in one
 * of these places, or gets a floor here and in docs/architecture.md.
 */
const FLOORS: { floor: number; name: string; match: (path: string) => boolean }[] = [
  { floor: 0, name: 'ground', match: (p) => ['errors.ts', 'log.ts', 'observers.ts', 'types.ts'].includes(p) },
  { floor: 1, name: 'legacy', match: (p) => p.startsWith('legacy/') },
  { floor: 2, name: 'options', match: (p) => p === 'options.ts' },
  { floor: 3, name: 'decide', match: (p) => p.startsWith('decide/') },
  { floor: 4, name: 'identify', match: (p) => p.startsWith('identify/') },
  { floor: 5, name: 'events', match: (p) => p.startsWith('events/') },
  { floor: 5, name: 'cluster', match: (p) => p.startsWith('cluster/') },
  { floor: 6, name: 'deliver', match: (p) => p.startsWith('deliver/') },
  { floor: 7, name: 'entry', match: (p) => ENTRY_POINTS.includes(p) || p === 'filter-sockets-by-user.ts' || p === CLIENT },
  { floor: 8, name: 'index', match: (p) => p === 'index.ts' },
];

/** The client entry (`passport.socketio-compat/client`): for browsers, so it imports nothing at all. */
const CLIENT = 'client.ts';

/** The three ways in: side by side, none imports another. */
const ENTRY_POINTS = ['authorize.ts', 'authorize-strategy.ts', 'authorize-engine.ts'];

/** The doctor CLI: a package of its own (packages/doctor), which never reaches into the library's src/. */
const DOCTOR = join(__dirname, '../packages/doctor/src');

type Graph = Map<string, string[]>;

function listSources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listSources(path, out);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every relative import (and `export ... from`, `import type`, `require`, `import()`) of each file of src/. */
function readImportGraph(root: string): Graph {
  const graph: Graph = new Map();
  for (const file of listSources(root)) {
    const from = relative(root, file).split('\\').join('/');
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolveImport(root, file, name));
    graph.set(from, targets);
  }
  return graph;
}

function resolveImport(root: string, file: string, specifier: string): string {
  const base = join(dirname(file), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate)) return relative(root, candidate).split('\\').join('/');
  }
  throw new Error(`${relative(root, file)} imports ${specifier}, which is not a file of src/`);
}

function floorOf(path: string): { floor: number; name: string } | undefined {
  return FLOORS.find((floor) => floor.match(path));
}

function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.indexOf('/')) : '.';
}

/** Every import that breaks the shape, as readable sentences. */
function shapeViolations(graph: Graph): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const own = floorOf(from);
    if (own === undefined) {
      problems.push(`${from} has no floor: put it in one of the folders of docs/architecture.md, or give it a floor there and here`);
      continue;
    }
    for (const to of targets) {
      const target = floorOf(to);
      if (target === undefined) continue; // reported as a file without a floor
      if (ENTRY_POINTS.includes(to) && from !== 'index.ts') {
        problems.push(`${from} -> ${to}: only index.ts imports an entry point (the three modes stand side by side)`);
      } else if (target.floor > own.floor) {
        problems.push(`${from} (${own.name}) -> ${to} (${target.name}): an import upward`);
      } else if (target.floor === own.floor && own.floor !== 0 && folderOf(from) !== folderOf(to)) {
        problems.push(`${from} (${own.name}) -> ${to} (${target.name}): an import sideways, between two folders of one floor`);
      }
    }
  }
  return problems;
}

/** Each import cycle once, as the list of files around it. */
function findCycles(graph: Graph): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('the architecture of src/ (docs/architecture.md)', () => {
  const graph = readImportGraph(SRC);

  it('reads the imports of every module of src/', () => {
    for (const entry of ENTRY_POINTS) assert.ok(graph.has(entry), `${entry} exists`);
    assert.ok(graph.get('authorize.ts')?.includes('identify/session.ts'), 'authorize.ts is read as importing identify/session.ts');
  });

  it('has no import cycle', () => {
    assert.deepEqual(
      findCycles(graph).map((cycle) => cycle.join(' -> ')),
      [],
    );
  });

  it('imports only downward: entry points -> deliver -> events, cluster -> identify -> decide -> options -> legacy -> errors, log, types', () => {
    assert.deepEqual(shapeViolations(graph), []);
  });

  it('keeps the three entry points side by side and short: none imports another', () => {
    for (const entry of ENTRY_POINTS) {
      const others = (graph.get(entry) ?? []).filter((to) => ENTRY_POINTS.includes(to));
      assert.deepEqual(others, [], `${entry} imports no other entry point`);
    }
    // Each is a composition plus its JSDoc; a mode that grows logic of its own wants a module below.
    for (const entry of ENTRY_POINTS) {
      const lines = readFileSync(join(SRC, entry), 'utf8').split('\n').length;
      assert.ok(lines <= 110, `${entry} has ${lines} lines; its steps belong in identify/, decide/ or deliver/`);
    }
  });

  it("keeps the doctor (packages/doctor) apart: it imports nothing from the library's src/", () => {
    const doctor = readImportGraph(DOCTOR);
    assert.ok(doctor.size > 0, 'the doctor sources are read');
    for (const [from, targets] of doctor) {
      for (const to of targets) assert.ok(!to.startsWith('..'), `packages/doctor/src/${from} imports ${to}, outside the doctor`);
    }
  });

  it('keeps the client entry free of server code: client.ts imports nothing', () => {
    assert.deepEqual(graph.get(CLIENT), []);
    assert.deepEqual(ts.preProcessFile(readFileSync(join(SRC, CLIENT), 'utf8'), true, true).importedFiles, []);
  });

  it('index.ts only re-exports: it defines nothing but the legacy default object', () => {
    const source = readFileSync(join(SRC, 'index.ts'), 'utf8');
    assert.doesNotMatch(source, /^(export )?(async )?function /m);
    assert.doesNotMatch(source, /^(export )?class /m);
  });

  describe('the check itself', () => {
    const sample = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

    it('finds a cycle', () => {
      assert.deepEqual(findCycles(sample({ 'identify/a.ts': ['identify/b.ts'], 'identify/b.ts': ['identify/a.ts'] })), [
        ['identify/a.ts', 'identify/b.ts', 'identify/a.ts'],
      ]);
    });

    it('finds an upward import, a sideways one, an entry point importing another, and a file without a floor', () => {
      const problems = shapeViolations(
        sample({
          'options.ts': ['identify/session.ts'],
          'identify/session.ts': ['errors.ts'],
          'events/decision-events.ts': ['cluster/rooms.ts'],
          'cluster/rooms.ts': [],
          'authorize-engine.ts': ['authorize.ts'],
          'authorize.ts': [],
          'stray.ts': [],
          'errors.ts': [],
        }),
      );
      assert.equal(problems.length, 4, problems.join('\n'));
      assert.match(problems[0] ?? '', /options\.ts \(options\) -> identify\/session\.ts \(identify\): an import upward/);
      assert.match(problems[1] ?? '', /events\/decision-events\.ts .* sideways/);
      assert.match(problems[2] ?? '', /authorize-engine\.ts -> authorize\.ts: only index\.ts imports an entry point/);
      assert.match(problems[3] ?? '', /stray\.ts has no floor/);
    });

    it('lets a module import its own folder and the ground floor', () => {
      assert.deepEqual(
        shapeViolations(
          sample({
            'identify/a.ts': ['identify/b.ts', 'errors.ts'],
            'identify/b.ts': ['types.ts'],
            'errors.ts': ['types.ts'],
            'types.ts': [],
          }),
        ),
        [],
      );
    });
  });
});
