// The links of a package's Markdown files, as the registry's page shows them: every link or image
// must be absolute (https://..., mailto:), an anchor of the same page, or a file the package ships.
// Run on an unpacked tarball (check-package does), so "exists" means "shipped":
//
//   node scripts/check-links.mjs <package dir> [file.md ...]     (default: every *.md at the top)
//
//   node scripts/check-links.mjs <package dir> --repo <checkout> [file.md ...]
//
// With --repo, an absolute link into the package's own repository (package.json "repository",
// `.../blob/<ref>/<path>` or `.../tree/<ref>/<path>`) must also name a path of that checkout: a
// file moved or renamed since the link was written is a broken link on the registry's page too.
// Prints each broken link with its file and line and exits 1, or prints a summary and exits 0.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Inline links and images `[text](target)`, reference definitions `[id]: target`, HTML src/href. */
const PATTERNS = [
  /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g,
  /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm,
  /\b(?:src|href)="([^"]+)"/g,
];

/** Every link target in a Markdown text with its line, code blocks and inline code left out. */
export function linksOf(text) {
  const lines = text.split('\n');
  let fenced = false;
  const kept = lines.map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line.replace(/`[^`]*`/g, '');
  });
  const prose = kept.join('\n');
  const links = [];
  for (const pattern of PATTERNS) {
    for (const match of prose.matchAll(pattern)) {
      const line = prose.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
      links.push({ target: match[1], line });
    }
  }
  return links.sort((a, b) => a.line - b.line);
}

/** `https://github.com/owner/name` from a package.json's "repository", or undefined. */
function repositoryUrlOf(dir) {
  const manifest = join(dir, 'package.json');
  if (!existsSync(manifest)) return undefined;
  const { repository } = JSON.parse(readFileSync(manifest, 'utf8'));
  const url = typeof repository === 'string' ? repository : repository?.url;
  const match = typeof url === 'string' ? /github\.com[/:]([^/]+\/[^/.#]+)/.exec(url) : null;
  return match ? `https://github.com/${match[1]}` : undefined;
}

/**
 * The links of `files` (relative to `dir`) that point to nothing the package holds, and, given
 * `repoRoot`, the absolute links into the package's repository that name no path of that checkout.
 */
export function brokenLinks(dir, files, repoRoot) {
  const broken = [];
  const repository = repoRoot ? repositoryUrlOf(dir) : undefined;
  const inRepository = repository ? new RegExp(`^${repository.replace(/[.]/g, '\\.')}/(?:blob|tree)/[^/]+/([^?#]+)`) : undefined;
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const { target, line } of linksOf(text)) {
      const ownPath = inRepository?.exec(target)?.[1];
      if (ownPath !== undefined && !existsSync(join(repoRoot, decodeURIComponent(ownPath)))) {
        broken.push({ file, line, target, reason: 'names no file of the repository' });
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // absolute, or this page
      if (target.startsWith('//')) continue;
      const path = decodeURIComponent(target.replace(/[?#].*$/, ''));
      const resolved = normalize(join(dirname(file), path));
      if (resolved.startsWith(`..${sep}`) || resolved === '..' || !existsSync(join(dir, resolved))) {
        broken.push({ file, line, target, reason: 'neither shipped nor an absolute URL' });
      }
    }
  }
  return broken;
}

/** The Markdown files at the top of a package: README, MIGRATION, SECURITY, CHANGELOG and the like. */
export function topMarkdown(dir) {
  return readdirSync(dir)
    .filter((name) => name.toLowerCase().endsWith('.md'))
    .sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const repoAt = args.indexOf('--repo');
  const repoRoot = repoAt >= 0 ? args.splice(repoAt, 2)[1] : undefined;
  const [dir, ...named] = args;
  if (!dir || (repoAt >= 0 && !repoRoot)) {
    console.error('usage: node scripts/check-links.mjs <package dir> [--repo <checkout>] [file.md ...]');
    process.exit(2);
  }
  const files = named.length > 0 ? named.map((file) => relative(dir, join(dir, file))) : topMarkdown(dir);
  const broken = brokenLinks(dir, files, repoRoot);
  for (const link of broken) console.error(`${link.file}:${link.line}: ${link.target}: ${link.reason}`);
  if (broken.length > 0) {
    console.error(`${broken.length} broken link${broken.length === 1 ? '' : 's'} in ${files.join(', ')}`);
    process.exit(1);
  }
  const count = files.reduce((sum, file) => sum + linksOf(readFileSync(join(dir, file), 'utf8')).length, 0);
  console.log(`${count} links in ${files.join(', ')}: every one absolute, an anchor, or a shipped file`);
}
