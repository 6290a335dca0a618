// Builds CommonJS with declarations (tsc), then a thin ES module wrapper over it, so that
// `require` and `import` share one instance of the package (no dual-package hazard).
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
writeFileSync(join(dist, 'cjs/package.json'), '{ "type": "commonjs" }\n');

const cjs = createRequire(import.meta.url)(join(dist, 'cjs/index.js'));
const names = Object.keys(cjs).filter((name) => name !== 'default' && name !== '__esModule');
mkdirSync(join(dist, 'esm'), { recursive: true });
writeFileSync(
  join(dist, 'esm/index.mjs'),
  [
    "import cjs from '../cjs/index.js';",
    ...names.map((name) => `export const ${name} = cjs.${name};`),
    'export default cjs.default;',
    '',
  ].join('\n'),
);
writeFileSync(
  join(dist, 'esm/index.d.mts'),
  ["export * from '../cjs/index.js';", "export { default } from '../cjs/index.js';", ''].join('\n'),
);
console.log(`built dist/cjs and dist/esm (${names.length} named exports)`);
