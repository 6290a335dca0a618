import type {
  ArrowFunctionExpression,
  FunctionDeclaration,
  FunctionExpression,
  Node,
  ObjectExpression,
  ObjectMethod,
  ObjectProperty,
} from '@babel/types';

/** Any function the doctor looks into: declarations, expressions, arrows and object methods. */
export type FunctionNode = FunctionDeclaration | FunctionExpression | ArrowFunctionExpression | ObjectMethod;

export function isFunction(node: Node | null | undefined): node is FunctionNode {
  return (
    node?.type === 'FunctionDeclaration' ||
    node?.type === 'FunctionExpression' ||
    node?.type === 'ArrowFunctionExpression' ||
    node?.type === 'ObjectMethod'
  );
}

/** The text of a string literal, or of a template literal without `${}`; otherwise undefined. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (node?.type === 'StringLiteral') return node.value;
  if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

/** `a.b` and `a['b']` give 'b'; anything computed at run time gives undefined. */
export function memberName(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'MemberExpression' && node?.type !== 'OptionalMemberExpression') return undefined;
  if (!node.computed && node.property.type === 'Identifier') return node.property.name;
  return stringValue(node.property);
}

/** The name of an object literal's key (`a`, `'a'`, `"a"`), for properties and methods alike. */
export function keyName(node: ObjectProperty | ObjectMethod): string | undefined {
  if (!node.computed && node.key.type === 'Identifier') return node.key.name;
  return stringValue(node.key);
}

export function findProperty(object: ObjectExpression, name: string): ObjectProperty | ObjectMethod | undefined {
  for (const property of object.properties) {
    if (property.type !== 'SpreadElement' && keyName(property) === name) return property;
  }
  return undefined;
}

/** The value of a property (an object method is its own value). */
export function propertyValue(property: ObjectProperty | ObjectMethod): Node {
  return property.type === 'ObjectMethod' ? property : property.value;
}

/** The module of `require('m')` with a literal name; undefined for anything else. */
export function requiredModule(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return undefined;
  return stringValue(node.arguments[0]);
}

/** Strips what does not change a value: parentheses, TypeScript casts and non-null assertions. */
export function unwrap(node: Node): Node {
  let current = node;
  for (;;) {
    switch (current.type) {
      case 'ParenthesizedExpression':
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
        current = current.expression;
        break;
      default:
        return current;
    }
  }
}
