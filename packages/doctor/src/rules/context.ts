import type { File, Node } from '@babel/types';
import type { FileIndex } from '../bindings';
import type { Edit, Finding, RuleId, Severity } from '../findings';
import type { ProjectFacts } from '../project';

/** What a rule sees of one source file. */
export interface FileContext {
  file: string;
  text: string;
  ast: File;
  index: FileIndex;
  project: ProjectFacts;
}

/** A check over one parsed source file; it reports through `report` and returns nothing. */
export interface SourceRule {
  id: RuleId;
  check(context: FileContext, report: (finding: Finding) => void): void;
}

interface FindingDetails {
  rule: RuleId;
  severity: Severity;
  message: string;
  advice: string;
  edit?: Edit;
}

export function findingAt(context: Pick<FileContext, 'file'>, node: Node, details: FindingDetails): Finding {
  const start = node.loc?.start;
  return { file: context.file, line: start?.line ?? 1, column: (start?.column ?? 0) + 1, ...details };
}

/** The code of a node as one short line, for quoting it in a message. */
export function codeOf(context: Pick<FileContext, 'text'>, node: Node, max = 70): string {
  const code = context.text
    .slice(node.start ?? 0, node.end ?? 0)
    .replace(/\s+/g, ' ')
    .trim();
  return code.length > max ? `${code.slice(0, max - 3)}...` : code;
}
