import { COMPAT_PACKAGE, LEGACY_PACKAGE } from '../project';
import { type FileContext, findingAt, type SourceRule } from './context';

const HOW_IT_LOADS = {
  import: (module: string) => `import ... from '${module}'`,
  export: (module: string) => `export ... from '${module}'`,
  require: (module: string) => `require('${module}')`,
  'dynamic-import': (module: string) => `import('${module}')`,
  'import-equals': (module: string) => `import ... = require('${module}')`,
} as const;

/** Every place the app loads the legacy package; `--fix` rewrites the module name and nothing else. */
export const legacyImport: SourceRule = {
  id: 'legacy-import',
  check(context: FileContext, report) {
    // Installed under the old name (the zero-code route), the old name already loads the successor.
    if (context.project.servedByCompat) return;
    for (const reference of context.index.references) {
      const { module, source } = reference;
      const message = HOW_IT_LOADS[reference.kind](module);
      if (module === LEGACY_PACKAGE) {
        const quote = context.text[source.start ?? 0] ?? "'";
        report(
          findingAt(context, source, {
            rule: 'legacy-import',
            severity: 'change',
            message,
            advice: `load '${COMPAT_PACKAGE}' instead (--fix rewrites this), or keep the line and install the successor under the old name: npm install ${LEGACY_PACKAGE}@npm:${COMPAT_PACKAGE}`,
            edit: { start: source.start ?? 0, end: source.end ?? 0, text: `${quote}${COMPAT_PACKAGE}${quote}` },
          }),
        );
      } else if (module.startsWith(`${LEGACY_PACKAGE}/`)) {
        report(
          findingAt(context, source, {
            rule: 'legacy-import',
            severity: 'change',
            message,
            advice: `${COMPAT_PACKAGE} has no inner files to load: take authorize and filterSocketsByUser from '${COMPAT_PACKAGE}' itself`,
          }),
        );
      }
    }
  },
};
