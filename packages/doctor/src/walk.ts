import type { Node } from '@babel/types';

/** Keys of a Babel node that hold positions, comments or parser extras, never child nodes to visit. */
const NOT_CHILDREN = new Set([
  'loc',
  'start',
  'end',
  'range',
  'extra',
  'errors',
  'tokens',
  'comments',
  'leadingComments',
  'trailingComments',
  'innerComments',
]);

/** Called for each node in source order; `ancestors` runs from the root down to the parent. */
type Visitor = (node: Node, ancestors: readonly Node[]) => void;

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Visits every node under `root` (itself included), depth first in source order. Iterative, so a
 * generated file with a very deep expression cannot overflow the stack.
 */
export function walk(root: Node, visit: Visitor): void {
  const ancestors: Node[] = [];
  const pending: Array<{ node: Node; leaving: boolean }> = [{ node: root, leaving: false }];
  for (let entry = pending.pop(); entry !== undefined; entry = pending.pop()) {
    if (entry.leaving) {
      ancestors.pop();
      continue;
    }
    visit(entry.node, ancestors);
    ancestors.push(entry.node);
    pending.push({ node: entry.node, leaving: true });
    const children = childrenOf(entry.node);
    for (let i = children.length - 1; i >= 0; i -= 1) pending.push({ node: children[i] as Node, leaving: false });
  }
}

function childrenOf(node: Node): Node[] {
  const children: Node[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (NOT_CHILDREN.has(key)) continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) children.push(item);
    } else if (isNode(value)) {
      children.push(value);
    }
  }
  return children;
}
