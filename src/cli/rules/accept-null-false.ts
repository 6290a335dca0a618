import type { Node } from '@babel/types';
import { authorizeCallbacks, walkCallback } from './authorize-callbacks';
import { codeOf, findingAt, type SourceRule } from './context';

const isNullish = (node: Node | undefined) => node?.type === 'NullLiteral' || (node?.type === 'Identifier' && node.name === 'undefined');

/**
 * `accept(null, false)` in a success or fail callback: the legacy package, on socket.io 1 and
 * later, let such connections in; the successor refuses them.
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
        if (authorized.type === 'BooleanLiteral') {
          if (authorized.value) return;
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
            message: `${codeOf(context, node)} in the ${callback.role} callback: a false second argument now refuses the connection`,
            advice:
              'the legacy package let such connections in on socket.io 1 and later; check that the connections this refuses are the ones you mean to refuse',
          }),
        );
      });
    }
  },
};
