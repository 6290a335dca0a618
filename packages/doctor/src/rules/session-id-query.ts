import { keyName, memberName, unwrap } from '../ast';
import { walk } from '../walk';
import { codeOf, findingAt, type SourceRule } from './context';

const ADVICE =
  'passport.socketio-compat no longer logs in with a raw session id in ?session_id= (anyone who learns one could log in with it). Let the browser send the session cookie (same origin, or withCredentials: true across origins), or send the signed cookie value (s:<id>.<signature>); allowUnsignedSessionIdQuery: true restores the old, unsafe behaviour';

/**
 * The cross-origin workaround of the legacy era: the client puts the raw session id in the
 * connection query (`{ query: { session_id } }` or `'session_id=' + id`), or the server reads it.
 */
export const sessionIdQuery: SourceRule = {
  id: 'session-id-query',
  check(context, report) {
    const flag = (node: Parameters<typeof codeOf>[1], message: string) =>
      report(findingAt(context, node, { rule: 'session-id-query', severity: 'change', message, advice: ADVICE }));
    walk(context.ast, (node, ancestors) => {
      switch (node.type) {
        case 'ObjectProperty': {
          const object = ancestors[ancestors.length - 1];
          const owner = ancestors[ancestors.length - 2];
          if (keyName(node) !== 'session_id' || object?.type !== 'ObjectExpression') return;
          if ((owner?.type === 'ObjectProperty' || owner?.type === 'ObjectMethod') && keyName(owner) === 'query') {
            flag(node, `${codeOf(context, node)} in the connection query: a raw session id sent by the client`);
          }
          return;
        }
        case 'StringLiteral':
          if (node.value.includes('session_id=')) flag(node, `${codeOf(context, node)}: a raw session id in the connection query`);
          return;
        case 'TemplateLiteral':
          if (node.quasis.some((quasi) => quasi.value.raw.includes('session_id='))) {
            flag(node, `${codeOf(context, node)}: a raw session id in the connection query`);
          }
          return;
        case 'MemberExpression':
        case 'OptionalMemberExpression':
          if (memberName(node) === 'session_id' && memberName(unwrap(node.object)) === 'query') {
            flag(node, `${codeOf(context, node)}: the server reads a raw session id from the query`);
          }
          return;
        case 'VariableDeclarator':
          if (node.id.type !== 'ObjectPattern' || !node.init || memberName(unwrap(node.init)) !== 'query') return;
          for (const property of node.id.properties) {
            if (property.type === 'ObjectProperty' && keyName(property) === 'session_id') {
              flag(property, `session_id taken from ${codeOf(context, node.init)}: the server reads a raw session id from the query`);
            }
          }
          return;
      }
    });
  },
};
