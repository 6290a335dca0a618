import semver from 'semver';
import type { Finding, Severity } from '../findings';
import { TESTED, type TestedPackage } from '../matrix';
import { COMPAT_PACKAGE, type DependencyEntry, type ProjectFacts, type ResolvedVersion, targetOf } from '../project';
import { findingAt } from './context';

/**
 * Every pinned socket.io, Passport, express-session, cookie-parser, Express and session store,
 * checked against the tested matrix (matrix.ts): what `npm install` will do when the app adds
 * passport.socketio-compat (refuse with ERESOLVE, move a locked version, or nothing), whether the
 * version the app runs is tested, and what to do. A pin inside the matrix says nothing.
 */
export function pinnedVersionFindings(project: ProjectFacts): Finding[] {
  const manifest = project.packageJson;
  if (!manifest) return [];
  const findings: Finding[] = [];
  for (const entry of manifest.dependencies) {
    if (entry.section === 'peerDependencies') continue;
    const tested = TESTED.find((one) => one.name === entry.name);
    const target = targetOf(entry.spec);
    if (!tested || (target.name !== undefined && target.name !== entry.name)) continue;
    // git URLs, tags such as "latest", file: paths: npm cannot be second-guessed from the text.
    const range = semver.validRange(target.range);
    if (range === null) continue;
    const resolved = project.resolved.get(entry.name);
    // A version npm itself could not have written (a hand-edited lock) is ignored, not trusted.
    const verdict = judge(tested, range, resolved && semver.valid(resolved.version) ? resolved : undefined);
    if (verdict)
      findings.push(
        findingAt({ file: manifest.file }, entry.property, {
          rule: 'pinned-version',
          ...verdict,
          message: `${pin(entry)}: ${verdict.message}`,
        }),
      );
  }
  return findings;
}

interface Verdict {
  severity: Severity;
  message: string;
  advice: string;
}

function judge(tested: TestedPackage, range: string, resolved: ResolvedVersion | undefined): Verdict | undefined {
  const lines = tested.shown;
  if (tested.tested === '') {
    return {
      severity: 'check',
      message: `${tested.name} is not in the tested matrix (npm installs it: it is not a peer dependency)`,
      advice: tested.older,
    };
  }
  const testedRange = tested.tested;
  if (resolved !== undefined ? semver.satisfies(resolved.version, testedRange) : semver.subset(range, testedRange)) return undefined;
  // Without a lock file, a fresh install takes a version the range and the peer range both allow.
  if (resolved === undefined && semver.intersects(range, testedRange)) return undefined;
  const version = resolved?.version ?? semver.minVersion(range)?.version;
  if (version === undefined) return undefined;
  const runs = resolved ? `${tested.name} ${version} (${resolved.from})` : `${tested.name} ${version}`;
  const older = semver.ltr(version, testedRange);
  const newer = semver.gtr(version, testedRange);
  const where = older ? 'older than every tested version' : newer ? 'newer than every tested version' : 'not a tested version';
  const pinTested = `pin a tested version (${tested.name} ${lines})`;

  if (tested.kind === 'app') {
    return {
      severity: 'check',
      message: `npm installs it (not a peer dependency), but ${runs} is ${where} (tested: ${lines})`,
      advice: older ? tested.older : `${pinTested}, or check a login and a socket connection by hand`,
    };
  }
  if (semver.intersects(range, testedRange)) {
    return {
      severity: 'check',
      message: `npm install ${COMPAT_PACKAGE} moves ${runs} to a tested version your range allows, without asking (tested: ${lines})`,
      advice: `let it, and test the app on the new ${tested.name}; or ${pinTested} yourself first and commit the lock file, then add ${COMPAT_PACKAGE}`,
    };
  }
  return {
    severity: 'change',
    message: `npm install ${COMPAT_PACKAGE} stops with ERESOLVE: ${runs} is ${where} (its peer range: ${tested.name} ${lines})`,
    advice: older
      ? tested.older
      : newer
        ? `${pinTested}; --legacy-peer-deps installs it anyway, untested`
        : `${pinTested}: the nearest tested release of the same line works the same way`,
  };
}

function pin(entry: DependencyEntry): string {
  return `${entry.section}: "${entry.name}": "${entry.spec}"`;
}
