import { memberName, unwrap } from '../ast';
import { moduleOf } from '../bindings';
import { COMPAT_PACKAGE, LEGACY_PACKAGE } from '../project';
import { walk } from '../walk';
import { findingAt, type SourceRule } from './context';

/**
 * `filterSocketsByUser` reads the sockets of one process: it threw on socket.io 3+ in the legacy
 * package, and behind a cluster adapter it misses every user connected to another process.
 */
export const filterSocketsByUser: SourceRule = {
  id: 'filter-sockets-by-user',
  check(context, report) {
    const { socketIoMajor, adapters } = context.project;
    walk(context.ast, (node) => {
      if (node.type !== 'CallExpression') return;
      const callee = unwrap(node.callee);
      const binding = moduleOf(context.index, callee);
      const named =
        binding && (binding.module === LEGACY_PACKAGE || binding.module === COMPAT_PACKAGE)
          ? binding.imported === 'filterSocketsByUser'
          : (callee.type === 'Identifier' && callee.name === 'filterSocketsByUser') || memberName(callee) === 'filterSocketsByUser';
      if (!named) return;
      if (socketIoMajor === undefined || socketIoMajor >= 3) {
        const version =
          socketIoMajor === undefined ? 'an unknown socket.io version (package.json names none)' : `socket.io ${socketIoMajor}`;
        report(
          findingAt(context, node, {
            rule: 'filter-sockets-by-user',
            severity: 'check',
            message: `filterSocketsByUser on ${version}: the legacy version threw there (io.sockets.connected is gone since socket.io 3)`,
            advice: `${COMPAT_PACKAGE} finds the sockets on socket.io 2, 3 and 4: pass io, or a namespace such as io.of('/chat')`,
          }),
        );
      }
      if (adapters.size > 0) {
        report(
          findingAt(context, node, {
            rule: 'filter-sockets-by-user',
            severity: 'check',
            message: `filterSocketsByUser with ${[...adapters].sort().join(', ')}: it sees only the sockets of this process`,
            advice:
              "to reach a user on every process, join a room per user on connection (socket.join('user:' + socket.request.user.id)) and emit to it (io.to('user:' + id).emit(...))",
          }),
        );
      }
    });
  },
};
