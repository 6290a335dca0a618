import { memberName, stringValue } from '../ast';
import { walk } from '../walk';
import { codeOf, findingAt, type SourceRule } from './context';

/** socket.io 0.9's `io.set('authorization', fn)`: socket.io 1 and later never call it. */
export const socketio09Authorization: SourceRule = {
  id: 'socketio-09-authorization',
  check(context, report) {
    walk(context.ast, (node) => {
      if (node.type !== 'CallExpression' || memberName(node.callee) !== 'set') return;
      if (stringValue(node.arguments[0]) !== 'authorization') return;
      report(
        findingAt(context, node, {
          rule: 'socketio-09-authorization',
          severity: 'change',
          message: `${codeOf(context, node.callee)}('authorization', ...) is socket.io 0.9's hook: socket.io 1 and later never call it`,
          advice: 'install the middleware with io.use(passportSocketIo.authorize({ ... })) and read the user from socket.request.user',
        }),
      );
    });
  },
};
