import type { File, Node, StringLiteral, TemplateLiteral } from '@babel/types';
import { memberName, requiredModule, stringValue, unwrap } from './ast';
import { walk } from './walk';

/** A place where a file names a module: import, export-from, require, import(), TS import-equals. */
interface ModuleReference {
  module: string;
  /** The literal that names the module; `--fix` rewrites exactly this. */
  source: StringLiteral | TemplateLiteral;
  kind: 'import' | 'export' | 'require' | 'dynamic-import' | 'import-equals';
}

/**
 * What a local name holds: a module (`imported: '*'`, for `require('m')`, default and namespace
 * imports), one of its exports (`imported: 'Name'`), or what calling the module returned
 * (`imported: '()'`, as in `require('socket.io')(server)`).
 */
interface ModuleBinding {
  module: string;
  imported: string;
}

/** One file's module references, module bindings and local declarations, by name. */
export interface FileIndex {
  references: ModuleReference[];
  bindings: Map<string, ModuleBinding>;
  /** Each name's declared values: a function declaration, or the initialiser of `const name = ...`. */
  declarations: Map<string, Node[]>;
}

/**
 * Builds the index in one pass. Names are per file, not per scope: legacy apps rarely shadow the
 * names of their modules, and a rare miss only costs a finding, never a wrong `--fix`.
 */
export function indexFile(file: File): FileIndex {
  const index: FileIndex = { references: [], bindings: new Map(), declarations: new Map() };
  walk(file, (node) => {
    switch (node.type) {
      case 'ImportDeclaration':
        addReference(index, node.source, 'import');
        for (const specifier of node.specifiers) {
          const imported =
            specifier.type === 'ImportSpecifier'
              ? (stringValue(specifier.imported) ?? (specifier.imported.type === 'Identifier' ? specifier.imported.name : '*'))
              : '*';
          index.bindings.set(specifier.local.name, { module: node.source.value, imported: imported === 'default' ? '*' : imported });
        }
        break;
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (node.source) addReference(index, node.source, 'export');
        break;
      case 'TSImportEqualsDeclaration':
        if (node.moduleReference.type === 'TSExternalModuleReference') {
          addReference(index, node.moduleReference.expression, 'import-equals');
          index.bindings.set(node.id.name, { module: node.moduleReference.expression.value, imported: '*' });
        }
        break;
      case 'CallExpression':
        if (requiredModule(node) !== undefined) addReference(index, node.arguments[0], 'require');
        else if (node.callee.type === 'Import') addReference(index, node.arguments[0], 'dynamic-import');
        break;
      case 'ImportExpression':
        addReference(index, node.source, 'dynamic-import');
        break;
      case 'FunctionDeclaration':
        if (node.id) declare(index, node.id.name, node);
        break;
      case 'VariableDeclarator':
        if (node.init) bindDeclarator(index, node.id, node.init);
        break;
    }
  });
  return index;
}

function addReference(index: FileIndex, source: Node | undefined, kind: ModuleReference['kind']): void {
  if (source?.type !== 'StringLiteral' && source?.type !== 'TemplateLiteral') return;
  const module = stringValue(source);
  if (module !== undefined) index.references.push({ module, source, kind });
}

function declare(index: FileIndex, name: string, value: Node): void {
  const values = index.declarations.get(name);
  if (values) values.push(value);
  else index.declarations.set(name, [value]);
}

function bindDeclarator(index: FileIndex, id: Node, init: Node): void {
  if (id.type === 'Identifier') {
    declare(index, id.name, init);
    const binding = moduleOf(index, init);
    if (binding) index.bindings.set(id.name, binding);
    return;
  }
  if (id.type !== 'ObjectPattern') return;
  const binding = moduleOf(index, init);
  if (binding?.imported !== '*') return;
  for (const property of id.properties) {
    if (property.type !== 'ObjectProperty') continue;
    const imported = property.computed
      ? stringValue(property.key)
      : property.key.type === 'Identifier'
        ? property.key.name
        : stringValue(property.key);
    const local = property.value.type === 'AssignmentPattern' ? property.value.left : property.value;
    if (imported !== undefined && local.type === 'Identifier') index.bindings.set(local.name, { module: binding.module, imported });
  }
}

/** Which module an expression comes from, if any: `session`, `require('m').x`, `require('m')(...)`. */
export function moduleOf(index: FileIndex, expression: Node): ModuleBinding | undefined {
  const node = unwrap(expression);
  switch (node.type) {
    case 'Identifier':
      return index.bindings.get(node.name);
    case 'CallExpression': {
      const required = requiredModule(node);
      if (required !== undefined) return { module: required, imported: '*' };
      const callee = moduleOf(index, node.callee);
      return callee?.imported === '*' ? { module: callee.module, imported: '()' } : undefined;
    }
    case 'MemberExpression': {
      const object = moduleOf(index, node.object);
      const name = memberName(node);
      if (object?.imported !== '*' || name === undefined) return undefined;
      return { module: object.module, imported: name === 'default' ? '*' : name };
    }
    case 'AwaitExpression':
      if (node.argument.type === 'ImportExpression') {
        const module = stringValue(node.argument.source);
        return module === undefined ? undefined : { module, imported: '*' };
      }
      return undefined;
    default:
      return undefined;
  }
}

/**
 * The values an expression may stand for in this file: itself, or what a local name was declared
 * as (followed through a few `const a = b` steps).
 */
export function valuesOf(index: FileIndex, expression: Node): Node[] {
  const values: Node[] = [];
  const visit = (node: Node, depth: number) => {
    const value = unwrap(node);
    if (value.type === 'Identifier' && depth < 4) {
      const declared = index.declarations.get(value.name);
      if (declared && declared.length > 0) {
        for (const one of declared) visit(one, depth + 1);
        return;
      }
    }
    values.push(value);
  };
  visit(expression, 0);
  return values;
}
