import { memberName, unwrap } from '../ast';
import { walk } from '../walk';
import { codeOf, findingAt, type SourceRule } from './context';

/** socket.io 0.9 kept the user on `socket.handshake.user`; since socket.io 1 it is `socket.request.user`. */
export const handshakeUser: SourceRule = {
  id: 'handshake-user',
  check(context, report) {
    walk(context.ast, (node) => {
      if (node.type !== 'MemberExpression' && node.type !== 'OptionalMemberExpression') return;
      if (memberName(node) !== 'user' || memberName(unwrap(node.object)) !== 'handshake') return;
      report(
        findingAt(context, node, {
          rule: 'handshake-user',
          severity: 'change',
          message: `${codeOf(context, node)}: socket.io 0.9's place for the user, empty on socket.io 1 and later`,
          advice: 'read socket.request.user instead (it carries logged_in as before)',
        }),
      );
    });
  },
};
