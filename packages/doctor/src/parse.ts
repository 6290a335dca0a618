import { extname } from 'node:path';
import { type ParserOptions, type ParserPlugin, parse } from '@babel/parser';
import type { File } from '@babel/types';

/**
 * The Babel plugins a file's extension calls for. Plain `.js` may hold JSX (React apps) or,
 * rarely, something JSX reads differently, so it is tried with JSX first and then without.
 */
function pluginSets(file: string): ParserPlugin[][] {
  switch (extname(file)) {
    case '.ts':
    case '.cts':
    case '.mts':
      return [['typescript', 'decorators-legacy']];
    case '.tsx':
      return [['typescript', 'jsx', 'decorators-legacy']];
    default:
      return [['jsx'], []];
  }
}

function sourceTypeOf(file: string): ParserOptions['sourceType'] {
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return 'module';
  return 'unambiguous';
}

/** Parses one source file, or throws the parser's error for the last plugin set tried. */
export function parseSource(file: string, text: string): File {
  let lastError: unknown;
  for (const plugins of pluginSets(file)) {
    try {
      return parse(text, {
        sourceType: sourceTypeOf(file),
        plugins,
        allowReturnOutsideFunction: true,
        allowAwaitOutsideFunction: true,
        allowImportExportEverywhere: true,
        allowUndeclaredExports: true,
        allowNewTargetOutsideFunction: true,
        allowSuperOutsideMethod: true,
      });
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}
