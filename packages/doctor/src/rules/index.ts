import { acceptNullFalse } from './accept-null-false';
import { callbackThrows } from './callback-throws';
import type { SourceRule } from './context';
import { corsCredentials } from './cors-credentials';
import { filterSocketsByUser } from './filter-sockets-by-user';
import { handshakeUser } from './handshake-user';
import { legacyImport } from './legacy-import';
import { memoryStore } from './memory-store';
import { sessionIdQuery } from './session-id-query';
import { socketio09Authorization } from './socketio-09-authorization';

/** Every check the doctor runs on each source file. */
export const SOURCE_RULES: readonly SourceRule[] = [
  legacyImport,
  socketio09Authorization,
  handshakeUser,
  acceptNullFalse,
  callbackThrows,
  filterSocketsByUser,
  memoryStore,
  sessionIdQuery,
  corsCredentials,
];

export type { FileContext, SourceRule } from './context';
export { packageJsonFindings } from './package-json';
export { pinnedVersionFindings } from './pinned-versions';
