// Builds CommonJS with declarations (tsc), then a thin ES module wrapper over each entry, so that
// `require` and `import` share one instance of the package (no dual-package hazard).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** The package's entries: `.` (index) and `./client` (client, with no server code). */
const ENTRIES = ['index', 'client'];

rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
writeFileSync(join(dist, 'cjs/package.json'), '{ "type": "commonjs" }\n');
mkdirSync(join(dist, 'esm'), { recursive: true });

const require = createRequire(import.meta.url);
const built = ENTRIES.map((entry) => {
  const cjs = require(join(dist, `cjs/${entry}.js`));
  const names = Object.keys(cjs).filter((name) => name !== 'default' && name !== '__esModule');
  const hasDefault = 'default' in cjs;
  writeFileSync(
    join(dist, `esm/${entry}.mjs`),
    [
      `import cjs from '../cjs/${entry}.js';`,
      ...names.map((name) => `export const ${name} = cjs.${name};`),
      ...(hasDefault ? ['export default cjs.default;'] : []),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dist, `esm/${entry}.d.mts`),
    [`export * from '../cjs/${entry}.js';`, ...(hasDefault ? [`export { default } from '../cjs/${entry}.js';`] : []), ''].join('\n'),
  );
  return `${entry}: ${names.length} named exports`;
});
console.log(`built dist/cjs and dist/esm (${built.join(', ')})`);
