import type { CallExpression, NewExpression, Node, ObjectExpression } from '@babel/types';
import { findProperty, memberName, propertyValue, stringValue, unwrap } from '../ast';
import { type FileIndex, moduleOf, valuesOf } from '../bindings';
import { walk } from '../walk';
import { codeOf, type FileContext, findingAt, type SourceRule } from './context';

const ADVICE =
  "socket.io 3 and later send the session cookie to another origin only when the client passes { withCredentials: true } and the server allows it with cors: { origin: 'https://your.site', credentials: true }; without the cookie every handshake ends in 'No session found'";

const CLIENT_EXPORTS = new Set(['*', 'io', 'connect', 'default']);

/**
 * Cross-origin connections that cannot carry the session cookie: a client that connects to
 * another origin without `withCredentials`, and a server whose `cors` does not allow credentials.
 * socket.io 2 clients sent credentials by default, so an app known to be on 2 is left alone.
 */
export const corsCredentials: SourceRule = {
  id: 'cors-credentials',
  check(context, report) {
    const major = context.project.clientMajor ?? context.project.socketIoMajor;
    if (major !== undefined && major < 3) return;
    walk(context.ast, (node) => {
      if (node.type === 'CallExpression' && isClientConnect(context.index, node) && crossOrigin(node.arguments[0])) {
        const options = node.arguments[1] === undefined ? [] : valuesOf(context.index, node.arguments[1]);
        if (options.some((value) => value.type !== 'ObjectExpression')) return;
        const objects = options as ObjectExpression[];
        if (objects.some((object) => isTrue(object, 'withCredentials') || websocketOnly(object))) return;
        report(
          findingAt(context, node, {
            rule: 'cors-credentials',
            severity: 'check',
            message: `${codeOf(context, node)} connects to another origin without withCredentials: true`,
            advice: ADVICE,
          }),
        );
      } else if ((node.type === 'NewExpression' || node.type === 'CallExpression') && isServer(context, node)) {
        for (const argument of node.arguments) {
          for (const object of valuesOf(context.index, argument)) {
            if (object.type !== 'ObjectExpression') continue;
            const cors = findProperty(object, 'cors');
            if (!cors) continue;
            const value = unwrap(propertyValue(cors));
            if (value.type !== 'ObjectExpression' || isTrue(value, 'credentials')) continue;
            report(
              findingAt(context, cors, {
                rule: 'cors-credentials',
                severity: 'check',
                message: `${codeOf(context, cors)}: the server's cors option does not allow credentials`,
                advice: ADVICE,
              }),
            );
          }
        }
      }
    });
  },
};

/** `io(url)` with the browser's global `io`, `io.connect(url)`, or socket.io-client's export. */
function isClientConnect(index: FileIndex, call: CallExpression): boolean {
  const callee = unwrap(call.callee);
  const binding = moduleOf(index, callee);
  if (binding) return binding.module === 'socket.io-client' && CLIENT_EXPORTS.has(binding.imported);
  const isGlobalIo = (node: Node) => node.type === 'Identifier' && node.name === 'io' && !index.declarations.has('io');
  if (isGlobalIo(callee)) return true;
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'connect') return false;
  const owner = moduleOf(index, callee.object);
  return owner ? owner.module === 'socket.io-client' && owner.imported === '*' : isGlobalIo(unwrap(callee.object));
}

function isServer(context: FileContext, node: NewExpression | CallExpression): boolean {
  const binding = moduleOf(context.index, node.callee);
  return binding?.module === 'socket.io' && (binding.imported === '*' || binding.imported === 'Server');
}

/** An absolute URL names another origin; a path ('/', '/chat') or no URL at all is the page's own. */
function crossOrigin(argument: Node | undefined): boolean {
  if (argument === undefined) return false;
  const node = unwrap(argument);
  const text = stringValue(node) ?? (node.type === 'TemplateLiteral' ? node.quasis[0]?.value.cooked : undefined);
  return text !== undefined && /^((https?|wss?):\/\/|\/\/.)/i.test(text);
}

function isTrue(object: ObjectExpression, name: string): boolean {
  const property = findProperty(object, name);
  const value = property && unwrap(propertyValue(property));
  return value?.type === 'BooleanLiteral' && value.value;
}

/** WebSocket-only clients never use the XHR requests that withCredentials governs. */
function websocketOnly(object: ObjectExpression): boolean {
  const property = findProperty(object, 'transports');
  const value = property && unwrap(propertyValue(property));
  return (
    value?.type === 'ArrayExpression' &&
    value.elements.length > 0 &&
    value.elements.every((element) => stringValue(element) === 'websocket')
  );
}
