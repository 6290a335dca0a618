import type { ObjectExpression, ObjectProperty } from '@babel/types';
import type { Edit, Finding } from '../findings';
import { COMPAT_PACKAGE, type DependencyEntry, LEGACY_PACKAGE, LEGACY_TYPES_PACKAGE, type ProjectFacts, targetOf } from '../project';
import { findingAt } from './context';

/**
 * package.json's side of the import swap: the legacy dependency becomes the successor, and
 * `@types/passport.socketio` goes (the successor ships its own types).
 */
export function packageJsonFindings(project: ProjectFacts, compatRange: string): Finding[] {
  const manifest = project.packageJson;
  if (!manifest) return [];
  const findings: Finding[] = [];
  const context = { file: manifest.file };
  for (const entry of manifest.dependencies) {
    if (entry.name === LEGACY_PACKAGE && targetOf(entry.spec).name !== COMPAT_PACKAGE) {
      const alreadyThere = manifest.dependencies.some((other) => other.section === entry.section && other.name === COMPAT_PACKAGE);
      findings.push(
        findingAt(context, entry.property, {
          rule: 'legacy-dependency',
          severity: 'change',
          message: `${entry.section}: "${LEGACY_PACKAGE}": "${entry.spec}"`,
          advice: `depend on "${COMPAT_PACKAGE}": "${compatRange}" instead (--fix), or install it under the old name: "${LEGACY_PACKAGE}": "npm:${COMPAT_PACKAGE}@${compatRange}"`,
          edit: alreadyThere
            ? removal(entry)
            : { start: start(entry.property), end: end(entry.property), text: `"${COMPAT_PACKAGE}": "${compatRange}"` },
        }),
      );
    } else if (entry.name === LEGACY_TYPES_PACKAGE) {
      findings.push(
        findingAt(context, entry.property, {
          rule: 'legacy-types',
          severity: 'change',
          message: `${entry.section}: "${LEGACY_TYPES_PACKAGE}": "${entry.spec}"`,
          advice: `remove it (--fix): ${COMPAT_PACKAGE} ships its own types, and PassportSocketIoOptions keeps its name`,
          edit: removal(entry),
        }),
      );
    }
  }
  return findings;
}

/** Removes one entry with its comma, leaving the lines around it as they were. */
function removal(entry: DependencyEntry): Edit {
  const properties = entry.object.properties as ObjectProperty[];
  const at = properties.indexOf(entry.property);
  const next = properties[at + 1];
  const previous = properties[at - 1];
  if (next) return { start: start(entry.property), end: start(next), text: '' };
  if (previous) return { start: end(previous), end: end(entry.property), text: '' };
  return { start: start(entry.object) + 1, end: end(entry.object) - 1, text: '' };
}

const start = (node: ObjectProperty | ObjectExpression) => node.start ?? 0;
const end = (node: ObjectProperty | ObjectExpression) => node.end ?? 0;
