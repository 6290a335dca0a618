import type { File, Node } from '@babel/types';
import { type FunctionNode, findProperty, isFunction, memberName, propertyValue, unwrap } from '../ast';
import { moduleOf, valuesOf } from '../bindings';
import { COMPAT_PACKAGE, LEGACY_PACKAGE } from '../project';
import { walk } from '../walk';
import type { FileContext } from './context';

/** A `success` or `fail` function given to `authorize({ ... })`, and the name of its `accept`. */
interface AuthorizeCallback {
  role: 'success' | 'fail';
  fn: FunctionNode;
  /** The parameter the callback decides through, when it is a plain name. */
  accept?: string;
}

const found = new WeakMap<File, AuthorizeCallback[]>();

/**
 * The success and fail callbacks of every `authorize(...)` call in the file, whether written
 * inline, as methods, or as named functions declared elsewhere in the same file. Both the legacy
 * package and the successor count, so that the doctor still sees them after `--fix`.
 */
export function authorizeCallbacks(context: FileContext): AuthorizeCallback[] {
  const cached = found.get(context.ast);
  if (cached) return cached;
  const callbacks: AuthorizeCallback[] = [];
  const seen = new Set<FunctionNode>();
  walk(context.ast, (node) => {
    if (node.type !== 'CallExpression' || !isAuthorize(context, node.callee)) return;
    const argument = node.arguments[0];
    if (argument === undefined) return;
    for (const options of valuesOf(context.index, argument)) {
      if (options.type !== 'ObjectExpression') continue;
      for (const role of ['success', 'fail'] as const) {
        const property = findProperty(options, role);
        if (!property) continue;
        for (const fn of valuesOf(context.index, propertyValue(property))) {
          if (!isFunction(fn) || seen.has(fn)) continue;
          seen.add(fn);
          callbacks.push({ role, fn, accept: acceptParameter(role, fn) });
        }
      }
    }
  });
  found.set(context.ast, callbacks);
  return callbacks;
}

function isAuthorize(context: FileContext, callee: Node): boolean {
  const node = unwrap(callee);
  const binding = moduleOf(context.index, node);
  if (binding && (binding.module === LEGACY_PACKAGE || binding.module === COMPAT_PACKAGE)) return binding.imported === 'authorize';
  return (node.type === 'Identifier' && node.name === 'authorize') || memberName(node) === 'authorize';
}

/** `success(data, accept)`, `fail(data, message, critical, accept)`, and the early `fail(data, accept)`. */
function acceptParameter(role: 'success' | 'fail', fn: FunctionNode): string | undefined {
  const position = role === 'success' || fn.params.length === 2 ? 1 : 3;
  const param = fn.params[position];
  return param?.type === 'Identifier' ? param.name : undefined;
}

/**
 * Visits the nodes of a callback's body that belong to the callback itself and not to a function
 * nested in it, with `shadowed` true where a nested function redeclares the `accept` name.
 */
export function walkCallback(callback: AuthorizeCallback, visit: (node: Node, nested: boolean, shadowed: boolean) => void): void {
  walk(callback.fn.body, (node, ancestors) => {
    let nested = false;
    let shadowed = false;
    for (const ancestor of ancestors) {
      if (!isFunction(ancestor)) continue;
      nested = true;
      if (ancestor.params.some((param) => param.type === 'Identifier' && param.name === callback.accept)) shadowed = true;
    }
    visit(node, nested, shadowed);
  });
}
