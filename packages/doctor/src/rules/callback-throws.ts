import { authorizeCallbacks, walkCallback } from './authorize-callbacks';
import { codeOf, findingAt, type SourceRule } from './context';

/**
 * A `throw` in a success or fail callback (the legacy README's `if (critical) throw new Error(message)`):
 * it crashed the process; now it refuses the handshake.
 */
export const callbackThrows: SourceRule = {
  id: 'callback-throws',
  check(context, report) {
    for (const callback of authorizeCallbacks(context)) {
      walkCallback(callback, (node, nested) => {
        // A throw in a nested (often asynchronous) function is not the callback's own throw.
        if (nested || node.type !== 'ThrowStatement') return;
        report(
          findingAt(context, node, {
            rule: 'callback-throws',
            severity: 'check',
            message: `throw ${codeOf(context, node.argument)} in the ${callback.role} callback`,
            advice:
              "this used to crash the process; now the handshake is refused and the client sees 'Internal server error'. To refuse with your own message, log the error and call accept(new Error(message))",
          }),
        );
      });
    }
  },
};
