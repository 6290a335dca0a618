/**
 * `npx passport.socketio-compat-doctor`, run as users run it: the doctor package's built bin
 * (packages/doctor), with plain node, on the legacy corpus (test/corpus) and on small apps written
 * to temporary directories.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  aliasLegacyName,
  CORPUS,
  childEnv,
  copyApp,
  installDependencies,
  installDoctor,
  ROOT,
  readManifest,
  runCli,
} from './doctor/install-app';

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
  const run = runCli([dir, '--json', ...flags]);
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
    const run = runCli(['test/corpus/redis-app']);
    assert.equal(run.code, 1);
    assert.equal(
      run.stdout,
      [
        'passport.socketio-compat doctor: read 2 source files in test/corpus/redis-app',
        '',
        'package.json',
        '  13:5    change  dependencies: "passport.socketio": "^3.7.0"',
        '                  depend on "passport.socketio-compat": "^1.1.0" instead (--fix), or install it under the old name: "passport.socketio": "npm:passport.socketio-compat@^1.1.0"',
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
        '+    "passport.socketio-compat": "^1.1.0",',
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
    assert.equal(runCli([dir, '--fix']).code, 0);
    const again = runCli([dir, '--fix']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /--fix: nothing to rewrite\./);
    assert.match(again.stdout, /Nothing else needs attention\./);
    assert.equal(runCli([dir]).code, 0);
  });

  it('says nothing about the import when package.json installs the successor under the old name', () => {
    const dir = corpusCopy('readme-app');
    aliasLegacyName(dir);
    const { code, report } = doctorJson(dir);
    assert.deepEqual(summary(report.findings), ['server.js:12:20 check memory-store', 'server.js:83:5 check filter-sockets-by-user']);
    assert.equal(code, 1);
  });

  it('runs as the installed bin of its own package, through its #!/usr/bin/env node line', () => {
    const dir = corpusCopy('redis-app');
    aliasLegacyName(dir);
    installDependencies(dir);
    const bin = installDoctor(dir);
    const run = spawnSync(bin, ['.', '--json'], { cwd: dir, encoding: 'utf8', env: childEnv() });
    assert.equal(run.stderr, '');
    assert.equal(run.status, 0, 'zero-code redis-app on socket.io 2 has nothing left to change');
    assert.deepEqual(JSON.parse(run.stdout).findings, []);
  });
});

describe('doctor exit codes and usage', () => {
  it('exits 2 with the usage on stderr for an unknown option or two directories', () => {
    for (const args of [['--frobnicate'], ['.', '--frobnicate'], ['a', 'b']]) {
      const run = runCli(args);
      assert.equal(run.code, 2, `args ${JSON.stringify(args)}`);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, /Usage: npx passport\.socketio-compat-doctor \[dir\] \[--fix\] \[--json\]/);
    }
  });

  it('exits 2 for a directory that does not exist, and for one with no sources and no package.json', () => {
    const missing = runCli([join(tmpdir(), 'psio-doctor-no-such-dir')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^Not a directory: /);
    const empty = writeApp({ 'notes.txt': 'nothing here' });
    const run = runCli([empty]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No JavaScript or TypeScript files and no package\.json/);
  });

  it('exits 0 with --help, and for an app that needs nothing', () => {
    const help = runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit code: 0 nothing needs attention, 1 something does, 2 usage error or unreadable dir\./);
    const clean = writeApp({
      'package.json': '{ "name": "clean", "dependencies": { "passport.socketio-compat": "^1.0.0", "socket.io": "^4.7.0" } }\n',
      'server.js': "const { authorize } = require('passport.socketio-compat');\nio.use(authorize({ store, secret }));\n",
    });
    const run = runCli([clean]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Nothing needs attention/);
  });

  it('reads the current directory when given none', () => {
    const run = runCli(['--json'], join(CORPUS, 'redis-app'));
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
      dependencies: { '@socket.io/redis-adapter': '^8.0.0', 'passport.socketio-compat': '^1.1.0', 'socket.io': '^4.7.0' },
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
        "4:3 accept(null, !error) in the fail callback: a falsy second argument (false, 0, '', null, undefined, NaN) now refuses the connection",
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

describe('doctor on the versions an app pins (the tested matrix)', () => {
  const manifest = (dependencies: Record<string, string>, extra: Record<string, unknown> = {}) =>
    `${JSON.stringify({ name: 'pinned', dependencies: { 'passport.socketio-compat': '^1.0.0', ...dependencies }, ...extra }, null, 2)}\n`;
  const versionFindings = (dir: string) => doctorJson(dir).report.findings.filter((f) => f.rule === 'pinned-version');

  it('says nothing about pins inside the tested matrix, oldest and newest of every line', () => {
    const matrixPins: Array<Record<string, string>> = [
      { 'socket.io': '1.4.0', passport: '0.2.2', 'express-session': '1.11.3', 'cookie-parser': '1.3.5', express: '4.13.4' },
      { 'socket.io': '~2.3.0', passport: '^0.4.0', 'express-session': '^1.16.2', express: '^4.16.4', 'connect-redis': '^9.0.0' },
      { 'socket.io': '2.0.4', passport: '0.7.0', 'express-session': '^1.19.0', 'cookie-parser': '^1.4.7', express: '^5.0.0' },
      { 'socket.io': '~3.1.2', memorystore: '^1.6.7', 'session-file-store': '^1.5.0', 'connect-pg-simple': '^10.0.0' },
      { 'socket.io': '4.8.1', express: 'latest', passport: 'git+https://example.com/passport.git' },
    ];
    for (const pins of matrixPins) {
      const dir = writeApp({ 'package.json': manifest(pins), 'server.js': "require('passport.socketio-compat');\n" });
      const { code, report } = doctorJson(dir);
      assert.deepEqual(report.findings, [], JSON.stringify(pins));
      assert.equal(code, 0);
    }
  });

  it('says npm stops with ERESOLVE on a peer older than every tested version, and what to upgrade first', () => {
    const dir = writeApp({
      'package.json': manifest({ 'socket.io': '0.9.17', passport: '~0.1.17', 'express-session': '1.10.1', 'cookie-parser': '1.1.0' }),
    });
    const findings = versionFindings(dir);
    assert.deepEqual(
      findings.map((f) => `${f.line} ${f.severity} ${f.message}`),
      [
        '5 change dependencies: "socket.io": "0.9.17": npm install passport.socketio-compat stops with ERESOLVE: socket.io 0.9.17 is older than every tested version (its peer range: socket.io 1.4 to 1.7, 2.0.4 to 2.5, 3.0 to 3.1, 4.0 to 4.8)',
        '6 change dependencies: "passport": "~0.1.17": npm install passport.socketio-compat stops with ERESOLVE: passport 0.1.17 is older than every tested version (its peer range: passport 0.2 to 0.7)',
        '7 change dependencies: "express-session": "1.10.1": npm install passport.socketio-compat stops with ERESOLVE: express-session 1.10.1 is older than every tested version (its peer range: express-session 1.11 and later 1.x)',
        '8 change dependencies: "cookie-parser": "1.1.0": npm install passport.socketio-compat stops with ERESOLVE: cookie-parser 1.1.0 is older than every tested version (its peer range: cookie-parser 1.3 and later 1.x)',
      ],
    );
    assert.match(findings[0]?.advice ?? '', /^upgrade socket\.io to 1\.4 or later within its major first/);
    assert.equal(findings[1]?.advice, 'upgrade Passport to 0.2 or later first');
  });

  it('tells a pin between tested releases, and one newer than every tested release, what to pin instead', () => {
    const dir = writeApp({ 'package.json': manifest({ 'socket.io': '2.0.1', passport: '^0.8.0' }) });
    const findings = versionFindings(dir);
    assert.deepEqual(
      findings.map((f) => f.message),
      [
        'dependencies: "socket.io": "2.0.1": npm install passport.socketio-compat stops with ERESOLVE: socket.io 2.0.1 is not a tested version (its peer range: socket.io 1.4 to 1.7, 2.0.4 to 2.5, 3.0 to 3.1, 4.0 to 4.8)',
        'dependencies: "passport": "^0.8.0": npm install passport.socketio-compat stops with ERESOLVE: passport 0.8.0 is newer than every tested version (its peer range: passport 0.2 to 0.7)',
      ],
    );
    assert.match(findings[0]?.advice ?? '', /^pin a tested version \(socket\.io 1\.4 to 1\.7, 2\.0\.4 to 2\.5/);
    assert.match(findings[1]?.advice ?? '', /--legacy-peer-deps installs it anyway, untested$/);
  });

  it('reads the version the lock file holds, and says npm will move it when the range allows a tested one', () => {
    const dir = writeApp({
      'package.json': manifest({ 'socket.io': '^2.0.0', 'express-session': '^1.10.0', 'cookie-parser': '^1.4.0' }),
      'package-lock.json': `${JSON.stringify({
        name: 'pinned',
        lockfileVersion: 3,
        packages: {
          '': { name: 'pinned' },
          'node_modules/socket.io': { version: '2.0.3' },
          'node_modules/express-session': { version: '1.17.1' },
          'node_modules/engine.io/node_modules/socket.io': { version: '9.9.9' },
          'node_modules/cookie-parser': { version: 'not-a-version' },
        },
      })}\n`,
    });
    const findings = versionFindings(dir);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.message}`),
      [
        'check dependencies: "socket.io": "^2.0.0": npm install passport.socketio-compat moves socket.io 2.0.3 (package-lock.json) to a tested version your range allows, without asking (tested: 1.4 to 1.7, 2.0.4 to 2.5, 3.0 to 3.1, 4.0 to 4.8)',
      ],
      'express-session 1.17.1 is tested, whatever the range says',
    );
    assert.match(findings[0]?.advice ?? '', /^let it, and test the app on the new socket\.io; or pin a tested version/);
  });

  it('prefers the version installed in node_modules to the range', () => {
    const dir = writeApp({
      'package.json': manifest({ 'socket.io': '^4.0.0' }),
      'node_modules/socket.io/package.json': '{ "name": "socket.io", "version": "4.9.0" }\n',
    });
    assert.deepEqual(
      versionFindings(dir).map((f) => f.message),
      [
        'dependencies: "socket.io": "^4.0.0": npm install passport.socketio-compat moves socket.io 4.9.0 (node_modules) to a tested version your range allows, without asking (tested: 1.4 to 1.7, 2.0.4 to 2.5, 3.0 to 3.1, 4.0 to 4.8)',
      ],
    );
  });

  it('checks Express and the session store, which npm installs whatever their version, against what is tested', () => {
    const dir = writeApp({
      'package.json': manifest(
        { express: '~3.4.8', 'connect-redis': '^2.0.0', 'connect-mongo': '^3.2.0' },
        { devDependencies: { 'socket.io': 'npm:socket.io@2.0.1' }, peerDependencies: { 'socket.io': '0.9.x' } },
      ),
    });
    const findings = versionFindings(dir);
    assert.deepEqual(
      findings.map((f) => `${f.severity} ${f.message}`),
      [
        'check dependencies: "express": "~3.4.8": npm installs it (not a peer dependency), but express 3.4.8 is older than every tested version (tested: 4 and 5)',
        'check dependencies: "connect-redis": "^2.0.0": npm installs it (not a peer dependency), but connect-redis 2.0.0 is older than every tested version (tested: 3.4 and 9)',
        'check dependencies: "connect-mongo": "^3.2.0": connect-mongo is not in the tested matrix (npm installs it: it is not a peer dependency)',
        'change devDependencies: "socket.io": "npm:socket.io@2.0.1": npm install passport.socketio-compat stops with ERESOLVE: socket.io 2.0.1 is not a tested version (its peer range: socket.io 1.4 to 1.7, 2.0.4 to 2.5, 3.0 to 3.1, 4.0 to 4.8)',
      ],
      'an app that is itself a library is not judged on its own peerDependencies',
    );
    assert.match(findings[0]?.advice ?? '', /^move to Express 4 with express-session first/);
    assert.match(findings[2]?.advice ?? '', /get\(sid, callback\)/);
  });

  it('--fix writes the range of the library released with this doctor', () => {
    const library = readManifest(ROOT).version;
    const doctor = readManifest(join(ROOT, 'packages/doctor')).version;
    assert.equal(doctor, library, 'the doctor and the library are released together, with one version');
    const dir = writeApp({ 'package.json': '{ "dependencies": { "passport.socketio": "^3.7.0" } }\n' });
    doctorJson(dir, '--fix');
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).dependencies, {
      'passport.socketio-compat': `^${library}`,
    });
  });
});

describe('doctor on accept(null, x): a falsy x refuses, as in socket.io 0.9', () => {
  it('names every falsy literal, asks about expressions, and leaves accept(), accept(null) and truthy values alone', () => {
    const dir = writeApp({
      'package.json': '{ "name": "accepts", "dependencies": { "passport.socketio-compat": "^1.0.0", "socket.io": "^4.7.0" } }\n',
      'app.js': [
        "const { authorize } = require('passport.socketio-compat');",
        'io.use(authorize({ secret, store, fail(data, message, critical, accept) {',
        '  if (a) return accept(null, false);',
        '  if (b) return accept(null, 0);',
        "  if (c) return accept(null, '');",
        '  if (d) return accept(null, null);',
        '  if (e) return accept(undefined, undefined);',
        '  if (f) return accept(null, NaN);',
        '  if (g) return accept(null, void 0);',
        '  if (h) return accept(null, allowed);',
        '  if (i) return accept(null, true);',
        "  if (j) return accept(null, 'yes');",
        '  if (k) return accept(null, 1);',
        '  if (l) return accept(null);',
        '  accept();',
        '} }));',
        '',
      ].join('\n'),
    });
    const { report } = doctorJson(dir);
    assert.deepEqual(
      report.findings.map((f) => `${f.line} ${f.message}`),
      [
        '3 accept(null, false) in the fail callback now refuses the connection',
        '4 accept(null, 0) in the fail callback now refuses the connection',
        "5 accept(null, '') in the fail callback now refuses the connection",
        '6 accept(null, null) in the fail callback now refuses the connection',
        '7 accept(undefined, undefined) in the fail callback now refuses the connection',
        '8 accept(null, NaN) in the fail callback now refuses the connection',
        '9 accept(null, void 0) in the fail callback now refuses the connection',
        "10 accept(null, allowed) in the fail callback: a falsy second argument (false, 0, '', null, undefined, NaN) now refuses the connection",
      ],
    );
  });
});

describe("the doctor's tested matrix and the library's peer dependencies", () => {
  it('agree: every tested peer version installs without ERESOLVE, and the oldest accepted release of each line is tested', () => {
    const { TESTED } = require('../packages/doctor/src/matrix') as typeof import('../packages/doctor/src/matrix');
    const semver = require('semver') as typeof import('semver');
    const peers = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).peerDependencies as Record<string, string>;
    const testedPeers = TESTED.filter((entry) => entry.kind === 'peer');
    assert.deepEqual(testedPeers.map((entry) => entry.name).sort(), Object.keys(peers).sort());
    for (const entry of testedPeers) {
      const peerRange = peers[entry.name] as string;
      assert.ok(semver.subset(entry.tested, peerRange), `${entry.name}: tested ${entry.tested} is not inside the peer range ${peerRange}`);
      for (const line of peerRange.split('||')) {
        const oldest = semver.minVersion(line.trim())?.version ?? '';
        assert.ok(
          semver.satisfies(oldest, entry.tested),
          `${entry.name} ${oldest}, the oldest of ${line.trim()}, is not in the tested matrix`,
        );
      }
    }
  });
});
