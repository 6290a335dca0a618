import './types';
import { authorize } from './authorize';
import { filterSocketsByUser } from './filter-sockets-by-user';

export type { AuthorizeMiddleware } from './authorize';
export { authorize } from './authorize';
export type {
  ExpiringSocket,
  StrategyAuthorizeOptions,
  StrategyLike,
  StrategyRegistry,
  TokenExpiredNotice,
  TokenSource,
  TokenSources,
} from './authorize-strategy';
export { authorizeStrategy, STRATEGY_MESSAGES } from './authorize-strategy';
export type { IdentityData, SocketIdentity } from './cluster/identity';
export type { LiveSessionOptions } from './cluster/live-session';
export type { LogoutRequest, LogoutSocketsOptions } from './cluster/logout';
export { disconnectOnLogout, logoutSockets } from './cluster/logout';
export type { RoomsOptions, UserId } from './cluster/rooms';
export type { SessionEndedPayload, SessionEndedReason } from './cluster/session-ended';
export { SESSION_ENDED_EVENT } from './cluster/session-ended';
export { UnsupportedSocketIoError } from './cluster/socket-io';
export type { DisconnectOptions, IdentityFilter, RemoteUserSocket, UserSocketsOptions } from './cluster/user-sockets';
export { disconnectSession, disconnectUser, emitToUser, fetchSocketsByUser } from './cluster/user-sockets';
export type { EngineAuthorizeOptions, EngineMiddleware, EngineRefusal } from './deliver/engine';
export { authorizeEngine } from './deliver/engine';
export type { AuthorizationErrorCode, ErrorCode } from './errors';
export {
  AuthorizationError,
  ErrorCodes,
  GENERIC_CLIENT_MESSAGE,
  InvalidOptionError,
  LEGACY_MESSAGES,
  REFUSED_MESSAGE,
} from './errors';
export type { DecisionEvent, DecisionListener, DecisionMode } from './events/decision-events';
export { decisionEvents } from './events/decision-events';
export type { NamespaceLike, ServerLike, UserFilter, UserSocket } from './filter-sockets-by-user';
export { filterSocketsByUser } from './filter-sockets-by-user';
/** The name `@types/passport.socketio` gave the options; the same type. */
export type { AuthorizeOptions, AuthorizeOptions as PassportSocketIoOptions } from './options';
export type {
  AcceptCallback,
  AnonymousUser,
  AuthenticatedUser,
  CookieParserFactory,
  CookieParserMiddleware,
  FailCallback,
  HandshakeData,
  LegacyFailCallback,
  PassportLike,
  SessionStoreLike,
  SignedCookies,
  SocketLike,
  SocketUser,
  SuccessCallback,
} from './types';

/**
 * The legacy shape, for `import passportSocketIo from 'passport.socketio-compat'`;
 * `require('passport.socketio-compat')` gives the same two functions as named exports.
 */
const passportSocketIo = { authorize, filterSocketsByUser };
export default passportSocketIo;
