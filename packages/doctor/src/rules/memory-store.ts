import type { Node } from '@babel/types';
import { findProperty, memberName, unwrap } from '../ast';
import { type FileIndex, moduleOf, valuesOf } from '../bindings';
import { walk } from '../walk';
import { codeOf, findingAt, type SourceRule } from './context';

/** Where express-session has lived: its own package, and inside Express 3 and Connect. */
const SESSION_MODULES = new Set(['express-session', 'express', 'connect']);

const ADVICE =
  'fine on a laptop; in production it leaks memory, loses every session on restart and is not shared between processes. Use a real store (Redis, PostgreSQL, ...) and pass the same instance to session() and authorize()';

/** express-session's MemoryStore, made explicitly or left as the default by a session() without `store`. */
export const memoryStore: SourceRule = {
  id: 'memory-store',
  check(context, report) {
    walk(context.ast, (node) => {
      if (node.type === 'NewExpression' && isMemoryStore(context.index, node.callee)) {
        report(
          findingAt(context, node, {
            rule: 'memory-store',
            severity: 'check',
            message: `${codeOf(context, node)}: express-session's in-memory store`,
            advice: ADVICE,
          }),
        );
      } else if (node.type === 'CallExpression' && isSessionMiddleware(context.index, node.callee)) {
        const argument = node.arguments[0];
        const options = argument === undefined ? [] : valuesOf(context.index, argument);
        const objects = options.filter((value) => value.type === 'ObjectExpression');
        // Options built elsewhere (a variable from another file, a spread) are not second-guessed.
        if (argument !== undefined && (objects.length === 0 || objects.length !== options.length)) return;
        const withoutStore = objects.every(
          (object) => !findProperty(object, 'store') && !object.properties.some((property) => property.type === 'SpreadElement'),
        );
        if (!withoutStore) return;
        report(
          findingAt(context, node, {
            rule: 'memory-store',
            severity: 'check',
            message: `${codeOf(context, node.callee)}(...) without a store: express-session keeps sessions in its MemoryStore`,
            advice: ADVICE,
          }),
        );
      }
    });
  },
};

function isMemoryStore(index: FileIndex, callee: Node): boolean {
  const node = unwrap(callee);
  const binding = moduleOf(index, node);
  if (binding) return SESSION_MODULES.has(binding.module) && binding.imported === 'MemoryStore';
  if (node.type !== 'MemberExpression' || memberName(node) !== 'MemoryStore') return false;
  const owner = moduleOf(index, node.object);
  return owner !== undefined && SESSION_MODULES.has(owner.module);
}

/** `session(...)` from express-session, or Express 3's `express.session(...)`. */
function isSessionMiddleware(index: FileIndex, callee: Node): boolean {
  const binding = moduleOf(index, callee);
  if (!binding) return false;
  if (binding.module === 'express-session') return binding.imported === '*';
  return (binding.module === 'express' || binding.module === 'connect') && binding.imported === 'session';
}
