import type { Node } from '@babel/types';
import { authorizeCallbacks, walkCallback } from './authorize-callbacks';
import { codeOf, findingAt, type SourceRule } from './context';

const isNullish = (node: Node | undefined) =>
  node?.type === 'NullLiteral' ||
  (node?.type === 'Identifier' && node.name === 'undefined') ||
  (node?.type === 'UnaryExpression' && node.operator === 'void');

/** What a literal second argument says: 'falsy' (false, 0, '', null, undefined, NaN), 'truthy', or unknown. */
function truthOf(node: Node): 'falsy' | 'truthy' | undefined {
  if (isNullish(node) || (node.type === 'Identifier' && node.name === 'NaN')) return 'falsy';
  switch (node.type) {
    case 'BooleanLiteral':
    case 'NumericLiteral':
    case 'StringLiteral':
      return node.value ? 'truthy' : 'falsy';
    case 'ObjectExpression':
    case 'ArrayExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return 'truthy';
    default:
      return undefined;
  }
}

/**
 * `accept(null, x)` with a falsy `x` (false, 0, '', null, undefined, NaN) in a success or fail
 * callback: the legacy package, on socket.io 1 and later, let such connections in; the successor
 * refuses them, as socket.io 0.9 did. `accept()` and `accept(null)` still let the connection in.
 */
export const acceptNullFalse: SourceRule = {
  id: 'accept-null-false',
  check(context, report) {
    for (const callback of authorizeCallbacks(context)) {
      if (callback.accept === undefined) continue;
      walkCallback(callback, (node, _nested, shadowed) => {
        if (shadowed || node.type !== 'CallExpression') return;
        if (node.callee.type !== 'Identifier' || node.callee.name !== callback.accept) return;
        const [error, authorized] = node.arguments;
        if (!isNullish(error as Node | undefined) || authorized === undefined) return;
        const truth = authorized.type === 'SpreadElement' ? undefined : truthOf(authorized);
        if (truth === 'truthy') return;
        if (truth === 'falsy') {
          report(
            findingAt(context, node, {
              rule: 'accept-null-false',
              severity: 'check',
              message: `${codeOf(context, node)} in the ${callback.role} callback now refuses the connection`,
              advice:
                "the legacy package let this connection in on socket.io 1 and later; now the client gets 'handshake unauthorized'. Keep it if refusing is what you meant, or call accept() to let the visitor in",
            }),
          );
          return;
        }
        report(
          findingAt(context, node, {
            rule: 'accept-null-false',
            severity: 'check',
            message: `${codeOf(context, node)} in the ${callback.role} callback: a falsy second argument (false, 0, '', null, undefined, NaN) now refuses the connection`,
            advice:
              'the legacy package let such connections in on socket.io 1 and later; check that the connections this refuses are the ones you mean to refuse, or call accept() to let them in',
          }),
        );
      });
    }
  },
};
