/**
 * `passport.socketio-compat doctor`, run as users run it: the built CLI, with plain node, on the
 * legacy corpus (test/corpus) and on small TypeScript apps written to temporary directories.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { aliasLegacyName, CORPUS, childEnv, copyApp, installDependencies, runCli } from './doctor/install-app';

interface JsonFinding {
  rule: string;
  severity: 'change' | 'check';
  file: string;
  line: number;
  column: number;
  message: string;
  advice: string;
  fixable: boolean;
}

interface JsonReport {
  dir: string;
  filesRead: number;
  skipped: Array<{ file: string; reason: string }>;
  findings: JsonFinding[];
  fixed: { files: string[]; diff: string; applied: JsonFinding[] } | null;
  exitCode: number;
}

const temporary: Array<() => void> = [];
after(() => {
  for (const remove of temporary) remove();
});

function doctorJson(dir: string, ...flags: string[]): { code: number; report: JsonReport } {
  const run = runCli(['doctor', dir, '--json', ...flags]);
  assert.equal(run.stderr, '');
  const report = JSON.parse(run.stdout) as JsonReport;
  assert.equal(report.exitCode, run.code, 'the JSON says the same exit code the process returns');
  return { code: run.code, report };
}

/** One line per finding: where, how serious, which rule. */
const summary = (findings: JsonFinding[]) => findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.rule}`);

function corpusCopy(name: string): string {
  const copy = copyApp(name);
  temporary.push(copy.remove);
  return copy.dir;
}

/** A throwaway app made of the given files. */
function writeApp(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'psio-doctor-'));
  temporary.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const CORPUS_FINDINGS: Record<string, string[]> = {
  'readme-app': [
    'package.json:14:5 change legacy-dependency',
    'server.js:9:32 change legacy-import',
    'server.js:12:20 check memory-store',
    'server.js:83:5 check filter-sockets-by-user',
  ],
  'callback-app': [
    'app.js:8:32 change legacy-import',
    'app.js:11:20 check memory-store',
    'app.js:66:21 check callback-throws',
    'app.js:68:7 check accept-null-false',
    'package.json:13:5 change legacy-dependency',
    'public/chat.js:3:39 change session-id-query',
  ],
  'anonymous-app': [
    'index.js:9:34 change legacy-import',
    'index.js:37:33 check cors-credentials',
    'package.json:13:5 change legacy-dependency',
    'public/app.js:3:16 check cors-credentials',
  ],
  'redis-app': ['package.json:13:5 change legacy-dependency', 'server.js:9:34 change legacy-import'],
};

describe('doctor on the legacy corpus', () => {
  for (const [app, expected] of Object.entries(CORPUS_FINDINGS)) {
    it(`lists exactly what ${app} must change or check, and exits 1`, () => {
      const { code, report } = doctorJson(join(CORPUS, app));
      assert.deepEqual(summary(report.findings), expected);
      assert.equal(code, 1);
      assert.equal(report.fixed, null);
    });
  }

  it("names the behaviour that changes in callback-app's own code", () => {
    const { report } = doctorJson(join(CORPUS, 'callback-app'));
    const messages = Object.fromEntries(report.findings.map((f) => [f.rule, f.message]));
    assert.equal(messages['accept-null-false'], 'accept(null, false) in the fail callback now refuses the connection');
    assert.equal(messages['callback-throws'], 'throw new Error(message) in the fail callback');
    assert.equal(messages['legacy-import'], "require('passport.socketio')");
    assert.equal(messages['legacy-dependency'], 'dependencies: "passport.socketio": "^3.6.2"');
  });

  it('prints a report people can read: findings by file, each with what to do, and a summary', () => {
    const run = runCli(['doctor', 'test/corpus/redis-app']);
    assert.equal(run.code, 1);
    assert.equal(
      run.stdout,
      [
        'passport.socketio-compat doctor: read 2 source files in test/corpus/redis-app',
        '',
        'package.json',
        '  13:5    change  dependencies: "passport.socketio": "^3.7.0"',
        '                  depend on "passport.socketio-compat": "^1.0.0" instead (--fix), or install it under the old name: "passport.socketio": "npm:passport.socketio-compat@^1.0.0"',
        'server.js',
        "  9:34    change  require('passport.socketio')",
        "                  load 'passport.socketio-compat' instead (--fix rewrites this), or keep the line and install the successor under the old name: npm install passport.socketio@npm:passport.socketio-compat",
        '',
        '2 findings: 2 to change, 0 to check. Run with --fix to rewrite 2 import/dependency lines for you.',
        '',
      ].join('\n'),
    );
  });

  it('--fix rewrites only the require line and the dependency, prints the diff, and reports what is left', () => {
    const dir = corpusCopy('callback-app');
    const before = readFileSync(join(dir, 'app.js'), 'utf8');
    const { code, report } = doctorJson(dir, '--fix');
    assert.equal(code, 1, 'checks remain after the fix');
    assert.deepEqual(report.fixed?.files, ['app.js', 'package.json']);
    assert.deepEqual(
      report.fixed?.applied.map((f) => f.rule),
      ['legacy-import', 'legacy-dependency'],
    );
    assert.equal(
      report.fixed?.diff,
      [
        '--- a/app.js',
        '+++ b/app.js',
        '@@ -5,7 +5,7 @@',
        " var session = require('express-session');",
        " var passport = require('passport');",
        " var LocalStrategy = require('passport-local').Strategy;",
        "-var passportSocketIo = require('passport.socketio');",
        "+var passportSocketIo = require('passport.socketio-compat');",
        " var db = require('./db');",
        ' ',
        ' var sessionStore = new session.MemoryStore();',
        '--- a/package.json',
        '+++ b/package.json',
        '@@ -10,7 +10,7 @@',
        '     "express-session": "~1.17.0",',
        '     "passport": "^0.5.0",',
        '     "passport-local": "^1.0.0",',
        '-    "passport.socketio": "^3.6.2",',
        '+    "passport.socketio-compat": "^1.0.0",',
        '     "socket.io": "^3.0.0"',
        '   }',
        ' }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(summary(report.findings), [
      'app.js:11:20 check memory-store',
      'app.js:66:21 check callback-throws',
      'app.js:68:7 check accept-null-false',
      'public/chat.js:3:39 change session-id-query',
    ]);
    const after = readFileSync(join(dir, 'app.js'), 'utf8');
    assert.equal(after, before.replace("require('passport.socketio')", "require('passport.socketio-compat')"));
  });

  it('--fix prints a diff that git apply turns the original into the fixed app with', () => {
    for (const app of Object.keys(CORPUS_FINDINGS)) {
      const fixed = corpusCopy(app);
      const { report } = doctorJson(fixed, '--fix');
      const original = corpusCopy(app);
      execFileSync('git', ['apply', '--unsafe-paths', `--directory=${original.slice(1)}`, '-p1', '-'], {
        cwd: '/',
        input: report.fixed?.diff,
      });
      for (const file of report.fixed?.files ?? []) {
        assert.equal(readFileSync(join(original, file), 'utf8'), readFileSync(join(fixed, file), 'utf8'), `${app}/${file}`);
      }
    }
  });

  it('--fix on redis-app leaves nothing to do (exit 0), and a second --fix rewrites nothing', () => {
    const dir = corpusCopy('redis-app');
    assert.equal(runCli(['doctor', dir, '--fix']).code, 0);
    const again = runCli(['doctor', dir, '--fix']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /--fix: nothing to rewrite\./);
    assert.match(again.stdout, /Nothing else needs attention\./);
    assert.equal(runCli(['doctor', dir]).code, 0);
  });

  it('says nothing about the import when package.json installs the successor under the old name', () => {
    const dir = corpusCopy('readme-app');
    aliasLegacyName(dir);
    const { code, report } = doctorJson(dir);
    assert.deepEqual(summary(report.findings), ['server.js:12:20 check memory-store', 'server.js:83:5 check filter-sockets-by-user']);
    assert.equal(code, 1);
  });

  it('runs as the installed bin, through its #!/usr/bin/env node line', () => {
    const dir = corpusCopy('redis-app');
    aliasLegacyName(dir);
    installDependencies(dir);
    const bin = join(dir, 'node_modules/.bin/passport.socketio-compat');
    const run = spawnSync(bin, ['doctor', '.', '--json'], { cwd: dir, encoding: 'utf8', env: childEnv() });
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0, 'zero-code redis-app on socket.io 2 has nothing left to change');
    assert.deepEqual(JSON.parse(run.stdout).findings, []);
  });
});

describe('doctor exit codes and usage', () => {
  it('exits 2 with the usage on stderr without a command, with an unknown command or option, or two directories', () => {
    for (const args of [[], ['check'], ['doctor', '--frobnicate'], ['doctor', 'a', 'b']]) {
      const run = runCli(args);
      assert.equal(run.code, 2, `args ${JSON.stringify(args)}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /Usage: passport\.socketio-compat doctor \[dir\] \[--fix\] \[--json\]/);
    }
  });

  it('exits 2 for a directory that does not exist, and for one with no sources and no package.json', () => {
    const missing = runCli(['doctor', join(tmpdir(), 'psio-doctor-no-such-dir')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^Not a directory: /);
    const empty = writeApp({ 'notes.txt': 'nothing here' });
    const run = runCli(['doctor', empty]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No JavaScript or TypeScript files and no package\.json/);
  });

  it('exits 0 with --help, and for an app that needs nothing', () => {
    const help = runCli(['doctor', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit code: 0 nothing needs attention, 1 something does, 2 usage error or unreadable dir\./);
    const clean = writeApp({
      'package.json': '{ "name": "clean", "dependencies": { "passport.socketio-compat": "^1.0.0", "socket.io": "^4.7.0" } }\n',
      'server.js': "const { authorize } = require('passport.socketio-compat');\nio.use(authorize({ store, secret }));\n",
    });
    const run = runCli(['doctor', clean]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Nothing needs attention/);
  });

  it('reads the current directory when given none', () => {
    const run = runCli(['doctor', '--json'], join(CORPUS, 'redis-app'));
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).findings.length, 2);
  });
});

describe('doctor on TypeScript and modern JavaScript', () => {
  const tsApp = () =>
    writeApp({
      'package.json': `${JSON.stringify(
        {
          name: 'ts-app',
          dependencies: { '@socket.io/redis-adapter': '^8.0.0', 'passport.socketio': '^3.7.0', 'socket.io': '^4.7.0' },
          devDependencies: { '@types/passport.socketio': '^3.7.10', typescript: '^5.0.0' },
        },
        null,
        2,
      )}\n`,
      'src/server.ts': [
        'import type { Request } from "express";',
        'import session, { MemoryStore } from "express-session";',
        'import passportSocketIo from "passport.socketio";',
        'import type { PassportSocketIoOptions } from "passport.socketio";',
        '',
        'const options: PassportSocketIoOptions = {',
        '  secret: process.env.SECRET as string,',
        '  store: new MemoryStore(),',
        '  fail: (data: Request, message: string, critical: boolean, accept: (err?: any, ok?: boolean) => void): void => {',
        '    if (critical) throw new Error(message);',
        '    setTimeout(() => {',
        "      throw new Error('later, not the callback itself');",
        '    });',
        '    accept(null, false);',
        '  },',
        '};',
        'app.use(session({ secret: "s" }));',
        'io.use(passportSocketIo.authorize(options));',
        'export const online = (id: number) => passportSocketIo.filterSocketsByUser(io, (user: any) => user.id === id);',
        '',
      ].join('\n'),
      'src/gateway.ts': [
        "import psio = require('passport.socketio');",
        "import { WebSocketGateway } from '@nestjs/websockets';",
        '',
        '@WebSocketGateway()',
        'export class ChatGateway {',
        '  handleConnection(socket: any): void {',
        '    const user = (socket.handshake as any).user as { id: number };',
        '    const { session_id } = socket.handshake.query;',
        '    console.log(user.id, session_id, psio);',
        '  }',
        '}',
        '',
      ].join('\n'),
      'src/legacy.ts': [
        "export { authorize } from 'passport.socketio';",
        "export const load = () => import('passport.socketio');",
        "io.set('authorization', authorize({ secret: 's', store, success: (data: unknown, accept: Function) => accept(null, true) }));",
        '',
      ].join('\n'),
      'web/Chat.tsx': [
        "import { io } from 'socket.io-client';",
        'export function Chat({ host }: { host: string }) {',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the doctor's input is source text holding a template literal
        '  const remote = io(`https://${host}`);',
        "  const withCookie = io('https://chat.example.com', { withCredentials: true });",
        "  const sameOrigin = io('/chat');",
        "  const raw = io('/', { query: { session_id: window.sid } });",
        '  return <ul data-sockets={[remote, withCookie, sameOrigin, raw].length} />;',
        '}',
        '',
      ].join('\n'),
      'src/broken.ts': 'export const = ;\n',
      'node_modules/dep/index.js': "require('passport.socketio');\n",
      'public/vendor/socket.io.min.js': "require('passport.socketio');\n",
    });

  it('finds every legacy use in .ts and .tsx files, through types, decorators and JSX', () => {
    const { code, report } = doctorJson(tsApp());
    assert.equal(code, 1);
    assert.deepEqual(summary(report.findings), [
      'package.json:5:5 change legacy-dependency',
      'package.json:9:5 change legacy-types',
      'src/broken.ts:1:1 check unreadable-file',
      'src/gateway.ts:1:23 change legacy-import',
      'src/gateway.ts:7:18 change handshake-user',
      'src/gateway.ts:8:13 change session-id-query',
      'src/legacy.ts:1:27 change legacy-import',
      'src/legacy.ts:2:34 change legacy-import',
      'src/legacy.ts:3:1 change socketio-09-authorization',
      'src/server.ts:3:30 change legacy-import',
      'src/server.ts:4:46 change legacy-import',
      'src/server.ts:8:10 check memory-store',
      'src/server.ts:10:19 check callback-throws',
      'src/server.ts:14:5 check accept-null-false',
      'src/server.ts:17:9 check memory-store',
      'src/server.ts:19:39 check filter-sockets-by-user',
      'src/server.ts:19:39 check filter-sockets-by-user',
      'web/Chat.tsx:3:18 check cors-credentials',
      'web/Chat.tsx:6:34 change session-id-query',
    ]);
    assert.equal(report.filesRead, 4, 'node_modules is not read, the broken file is not counted');
    assert.deepEqual(report.skipped, [{ file: 'public/vendor/socket.io.min.js', reason: 'minified bundle' }]);
    const adapter = report.findings.find((f) => f.rule === 'filter-sockets-by-user' && f.message.includes('redis-adapter'));
    assert.equal(adapter?.message, 'filterSocketsByUser with @socket.io/redis-adapter: it sees only the sockets of this process');
  });

  it('--fix keeps each file’s quotes, removes @types/passport.socketio, and leaves the rest alone', () => {
    const dir = tsApp();
    const { report } = doctorJson(dir, '--fix');
    assert.deepEqual(report.fixed?.files, ['package.json', 'src/gateway.ts', 'src/legacy.ts', 'src/server.ts']);
    const server = readFileSync(join(dir, 'src/server.ts'), 'utf8');
    assert.match(server, /^import passportSocketIo from "passport\.socketio-compat";$/m);
    assert.match(server, /^import type \{ PassportSocketIoOptions \} from "passport\.socketio-compat";$/m);
    assert.match(readFileSync(join(dir, 'src/gateway.ts'), 'utf8'), /^import psio = require\('passport\.socketio-compat'\);$/m);
    const legacy = readFileSync(join(dir, 'src/legacy.ts'), 'utf8');
    assert.match(legacy, /from 'passport\.socketio-compat';/);
    assert.match(legacy, /import\('passport\.socketio-compat'\)/);
    assert.equal(readFileSync(join(dir, 'node_modules/dep/index.js'), 'utf8'), "require('passport.socketio');\n");
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')), {
      name: 'ts-app',
      dependencies: { '@socket.io/redis-adapter': '^8.0.0', 'passport.socketio-compat': '^1.0.0', 'socket.io': '^4.7.0' },
      devDependencies: { typescript: '^5.0.0' },
    });
    assert.equal(
      report.findings.filter((f) => f.rule.startsWith('legacy-')).length,
      0,
      'no import, dependency or types finding is left after --fix',
    );
  });

  it('leaves alone what does not change: accept(null, true), memorystore, same-origin clients, a shadowed accept', () => {
    const dir = writeApp({
      'package.json': '{ "name": "quiet", "dependencies": { "passport.socketio-compat": "^1.0.0", "socket.io": "^4.7.0" } }\n',
      'server.mjs': [
        "import session from 'express-session';",
        "import createMemoryStore from 'memorystore';",
        "import { authorize } from 'passport.socketio-compat';",
        'const MemoryStore = createMemoryStore(session);',
        'const store = new MemoryStore({ checkPeriod: 86400000 });',
        "app.use(session({ secret: 's', store }));",
        'io.use(authorize({',
        "  secret: 's', store,",
        '  success(data, accept) { accept(null, true); },',
        '  fail(data, message, critical, accept) {',
        '    [1].forEach((accept) => accept(null, false));',
        '    accept(new Error(message));',
        '  },',
        '}));',
        '',
      ].join('\n'),
      'client.jsx':
        "const socket = io('/chat', { transports: ['websocket'] });\nconst remote = io('https://x.example', { transports: ['websocket'] });\n",
    });
    const { code, report } = doctorJson(dir);
    assert.deepEqual(report.findings, []);
    assert.equal(code, 0);
  });

  it('reads the README forms of accept: accept(null, !error) and the early two-argument fail(data, accept)', () => {
    const dir = writeApp({
      'package.json':
        '{ "name": "forms", "dependencies": { "passport.socketio": "npm:passport.socketio-compat@^1.0.0", "socket.io": "^2.4.0" } }\n',
      'app.cjs': [
        "const passportSocketIo = require('passport.socketio');",
        'function onAuthorizeFail(data, message, error, accept) {',
        '  console.log(message);',
        '  accept(null, !error);',
        '}',
        'io.use(passportSocketIo.authorize({ secret, store, fail: onAuthorizeFail }));',
        'io.of("/old").use(passportSocketIo.authorize({ secret, store, fail: function (data, accept) { accept(null, false); } }));',
        '',
      ].join('\n'),
    });
    const { report } = doctorJson(dir);
    assert.deepEqual(
      report.findings.map((f) => `${f.line}:${f.column} ${f.message}`),
      [
        '4:3 accept(null, !error) in the fail callback: a false second argument now refuses the connection',
        '7:95 accept(null, false) in the fail callback now refuses the connection',
      ],
    );
  });

  it('does not follow a symbolic link that loops back into the app', () => {
    const dir = writeApp({ 'index.js': "require('passport.socketio');\n" });
    symlinkSync(dir, join(dir, 'loop'));
    const { report } = doctorJson(dir);
    assert.deepEqual(summary(report.findings), ['index.js:1:9 change legacy-import']);
  });
});
