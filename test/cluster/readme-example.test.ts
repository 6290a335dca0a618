/**
 * README's cluster setup is examples/cluster, word for word: the server and the HAProxy
 * configuration shown are the files load-balanced.test.ts runs, and the install line names every
 * package the example depends on, at the major its package.json asks for.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block that follows `<!-- path -->` in README.md. */
function blockAfterMarker(path: string): string {
  const marker = `<!-- ${path} -->\n`;
  const at = README.indexOf(marker);
  assert.ok(at >= 0, `README.md shows ${path}`);
  const fence = README.indexOf('\n', at + marker.length);
  const end = README.indexOf('\n```\n', fence);
  return README.slice(fence + 1, end + 1);
}

describe("README's cluster section and examples/cluster", () => {
  for (const file of ['server.js', 'haproxy.cfg']) {
    it(`shows examples/cluster/${file} as it is`, () => {
      assert.equal(blockAfterMarker(`examples/cluster/${file}`), readFileSync(join(ROOT, 'examples', 'cluster', file), 'utf8'));
    });
  }

  it('has an install line with every dependency of the example, at the major the example uses', () => {
    const install = README.split('\n').find((line) => line.startsWith('npm install passport.socketio-compat express'));
    assert.ok(install, 'an install line in the cluster section');
    const named = new Map(
      install
        .split(' ')
        .slice(2)
        .map((spec) => {
          const at = spec.lastIndexOf('@');
          return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, ''];
        }),
    );
    const example = JSON.parse(readFileSync(join(ROOT, 'examples', 'cluster', 'package.json'), 'utf8'));
    for (const [name, range] of Object.entries(example.dependencies as Record<string, string>)) {
      assert.ok(named.has(name), `${name} is in the install line`);
      if (name === 'passport.socketio-compat') continue;
      const version = range.replace(/^\^/, '').split('.');
      const major = version[0] === '0' ? version.slice(0, 2).join('.') : version[0];
      assert.equal(named.get(name), major, `${name} in the install line, for ${range}`);
    }
  });
});
