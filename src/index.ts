import './types';
import { authorize } from './authorize';
import { filterSocketsByUser } from './sockets';

export type { AuthorizeMiddleware } from './authorize';
export { authorize } from './authorize';
export type { IdentityData, SocketIdentity } from './cluster/identity';
export type { LiveSessionOptions } from './cluster/live-session';
export type { LogoutRequest, LogoutSocketsOptions } from './cluster/logout';
export { disconnectOnLogout, logoutSockets } from './cluster/logout';
export type { RoomsOptions, UserId } from './cluster/rooms';
export type { SessionEndedPayload, SessionEndedReason } from './cluster/session-ended';
export { SESSION_ENDED_EVENT } from './cluster/session-ended';
export { UnsupportedSocketIoError } from './cluster/socket-io';
export type { DisconnectOptions, FetchSocketsOptions, IdentityFilter, RemoteUserSocket, UserSocketsOptions } from './cluster/user-sockets';
export { ClusterLookupError, disconnectSession, disconnectUser, emitToUser, fetchSocketsByUser } from './cluster/user-sockets';
export { socketUser } from './connection-user';
export type { CookieSessionAuthorizeOptions, CookieSessionOptions } from './cookie-session';
export type { DecisionEvent, DecisionListener, DecisionMode } from './decisions';
export { decisionEvents } from './decisions';
export type { EngineAuthorizeOptions, EngineMiddleware, EngineRefusal } from './engine';
export { authorizeEngine } from './engine';
export type { AuthorizationErrorCode, ErrorCode } from './errors';
export {
  AuthorizationError,
  ErrorCodes,
  GENERIC_CLIENT_MESSAGE,
  InvalidOptionError,
  LEGACY_MESSAGES,
  REFUSED_MESSAGE,
} from './errors';
/** The name `@types/passport.socketio` gave the options; the same type. */
export type { AuthorizeOptions, AuthorizeOptions as PassportSocketIoOptions } from './options';
export type { NamespaceLike, ServerLike, UserFilter, UserSocket } from './sockets';
export { filterSocketsByUser } from './sockets';
export type {
  ExpiringSocket,
  StrategyAuthorizeOptions,
  StrategyLike,
  StrategyRegistry,
  TokenExpiredNotice,
  TokenSource,
  TokenSources,
} from './strategy';
export { authorizeStrategy, STRATEGY_MESSAGES } from './strategy';
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
