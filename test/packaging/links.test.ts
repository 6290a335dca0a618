/**
 * The link check that `npm run check:package` runs on the tarball (scripts/check-links.mjs): a
 * README link to a file the package does not ship, and not absolute, is broken on the registry's
 * page. Shown failing on a deliberately broken package, then passing on this package's own files.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = join(__dirname, '../..');
const CHECK = join(ROOT, 'scripts/check-links.mjs');
const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function packageDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'psio-links-'));
  temporary.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function check(dir: string, repoRoot?: string) {
  const run = spawnSync(process.execPath, [CHECK, dir, ...(repoRoot ? ['--repo', repoRoot] : [])], { encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('the tarball link check', () => {
  const readme = [
    '# pkg',
    'See [MIGRATION.md](MIGRATION.md), [the docs](docs/guide.md#setup) and [a site](https://example.com/x).',
    '![screenshot](docs/shot.png)',
    '[Usage](#usage) and <img src="img/logo.svg">',
    '```md',
    '[inside a code block](not/checked.md)',
    '```',
    'Inline `[code](not/checked.md)` is not a link.',
    '[ref]: ../outside.md',
    '',
  ].join('\n');

  it('fails, naming file, line and target, for every link to a file the package does not ship', () => {
    const dir = packageDir({ 'package.json': '{}', 'README.md': readme, 'MIGRATION.md': 'Back to [README](README.md#top).\n' });
    const run = check(dir);
    assert.equal(run.code, 1);
    assert.deepEqual(run.stderr.trim().split('\n'), [
      'README.md:2: docs/guide.md#setup: neither shipped nor an absolute URL',
      'README.md:3: docs/shot.png: neither shipped nor an absolute URL',
      'README.md:4: img/logo.svg: neither shipped nor an absolute URL',
      'README.md:9: ../outside.md: neither shipped nor an absolute URL',
      '4 broken links in MIGRATION.md, README.md',
    ]);
  });

  it('passes once every linked file is shipped or linked absolutely', () => {
    const dir = packageDir({
      'package.json': '{}',
      'README.md': readme.replace('../outside.md', 'https://example.com/outside.md'),
      'MIGRATION.md': 'Back to [README](README.md#top).\n',
      'docs/guide.md': '# guide\n',
      'docs/shot.png': 'png',
      'img/logo.svg': '<svg/>',
    });
    const run = check(dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /every one absolute, an anchor, or a shipped file/);
  });

  it('fails for an absolute link into the repository that names no file of the checkout', () => {
    const repository = 'https://github.com/example/pkg';
    const repo = packageDir({ 'test/kept.test.ts': '', 'examples/app/index.js': '' });
    const dir = packageDir({
      'package.json': JSON.stringify({ repository: { type: 'git', url: `git+${repository}.git` } }),
      'README.md': [
        `[kept](${repository}/blob/main/test/kept.test.ts) and [folder](${repository}/tree/main/examples/app)`,
        `[moved](${repository}/blob/main/test/moved.test.ts#L3)`,
        '[elsewhere](https://github.com/other/pkg/blob/main/test/moved.test.ts)',
      ].join('\n'),
    });
    assert.equal(check(dir).code, 0, 'without --repo, absolute links are not looked up');
    const run = check(dir, repo);
    assert.equal(run.code, 1);
    assert.deepEqual(run.stderr.trim().split('\n'), [
      `README.md:2: ${repository}/blob/main/test/moved.test.ts#L3: names no file of the repository`,
      '1 broken link in README.md',
    ]);
  });

  it("passes on this package's README, MIGRATION, SECURITY and CHANGELOG with the files npm pack ships", () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=error'], { cwd: ROOT, encoding: 'utf8' }),
    ) as [{ files: Array<{ path: string }> }];
    const shipped = packed.files.map((file) => file.path);
    for (const doc of ['README.md', 'MIGRATION.md', 'SECURITY.md', 'CHANGELOG.md', 'LICENSE'])
      assert.ok(shipped.includes(doc), `${doc} is shipped`);
    const dir = packageDir({});
    for (const file of shipped) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      if (file.endsWith('.md') || file === 'package.json') copyFileSync(join(ROOT, file), join(dir, file));
      else writeFileSync(join(dir, file), '');
    }
    const run = check(dir, ROOT);
    assert.equal(run.code, 0, run.stderr);
  });
});
