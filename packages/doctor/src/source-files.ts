import { readdirSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';

/** The extensions the doctor reads: JavaScript and TypeScript in every module flavour, with JSX. */
const SOURCE_EXTENSIONS = new Set(['.js', '.cjs', '.mjs', '.jsx', '.ts', '.cts', '.mts', '.tsx']);

/** Bundles this large are vendored or built code, not the app's own source. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

interface SourceFile {
  /** Relative to the directory read, with forward slashes. */
  file: string;
  path: string;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/**
 * The app's own source files, sorted. Skips node_modules, hidden directories (.git and the like),
 * minified bundles and huge files; symbolic links to directories are not followed, so a link
 * cycle cannot loop.
 */
export function findSourceFiles(dir: string): { files: SourceFile[]; skipped: SkippedFile[] } {
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  const visit = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) visit(child);
        continue;
      }
      if (!entry.isFile() || !SOURCE_EXTENSIONS.has(extname(entry.name))) continue;
      const file = relative(dir, child).split(sep).join('/');
      if (/\.min\.[cm]?js$/.test(entry.name)) skipped.push({ file, reason: 'minified bundle' });
      else if (statSync(child).size > MAX_FILE_BYTES) skipped.push({ file, reason: 'larger than 2 MB' });
      else files.push({ file, path: child });
    }
  };
  visit(dir);
  return { files, skipped };
}
