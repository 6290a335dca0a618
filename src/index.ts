// The public API, and nothing else: every name here is part of the package's contract.
import './types';
import { authorize } from './authorize';
import { filterSocketsByUser } from './filter-sockets-by-user';

export { authorize } from './authorize';
export type { EngineMiddleware } from './authorize-engine';
export { authorizeEngine } from './authorize-engine';
export { authorizeStrategy } from './authorize-strategy';
export type { IdentityData, SocketIdentity } from './cluster/identity';
export type { LogoutRequest, LogoutSocketsOptions } from './cluster/logout';
export { disconnectOnLogout, logoutSockets } from './cluster/logout';
export type { ReconnectChoice } from './cluster/reconnect';
export type { SessionEndedPayload, SessionEndedReason } from './cluster/session-ended';
export { SESSION_ENDED_EVENT } from './cluster/session-ended';
export type { LoginSocket, SocketLoginOptions, SocketLogoutOptions } from './cluster/socket-login';
export { loginSocket, logoutSocket } from './cluster/socket-login';
export { loadSocketSession } from './cluster/socket-session';
export type { DisconnectOptions, FetchSocketsOptions, IdentityFilter, RemoteUserSocket, UserSocketsOptions } from './cluster/user-sockets';
export { disconnectSession, disconnectUser, emitToUser, fetchSocketsByUser } from './cluster/user-sockets';
export { socketUser } from './deliver/connection-user';
export type { EngineRefusal } from './deliver/engine';
export type { ExpiringSocket, TokenExpiredNotice } from './deliver/token-expiry';
export type { AuthorizationErrorCode, ErrorCode } from './errors';
export {
  AuthorizationError,
  ClusterLookupError,
  ErrorCodes,
  GENERIC_CLIENT_MESSAGE,
  InvalidArgumentError,
  InvalidOptionError,
  LEGACY_MESSAGES,
  REFUSED_MESSAGE,
  UnsupportedSocketIoError,
} from './errors';
export { decisionEvents } from './events/decision-events';
export type { NamespaceLike, ServerLike, UserFilter, UserSocket } from './filter-sockets-by-user';
export { filterSocketsByUser } from './filter-sockets-by-user';
export { STRATEGY_MESSAGES } from './identify/strategy-failures';
/** The name `@types/passport.socketio` gave the options; the same type. */
export type {
  AuthorizeOptions,
  AuthorizeOptions as PassportSocketIoOptions,
  CookieSessionAuthorizeOptions,
  CookieSessionOptions,
  EngineAuthorizeOptions,
  LiveSessionOptions,
  RoomsOptions,
  SocketSessionOptions,
  StrategyAuthorizeOptions,
  StrategyRegistry,
} from './options';
export type {
  AcceptCallback,
  AnonymousUser,
  AuthenticatedUser,
  AuthorizeMiddleware,
  CookieParserFactory,
  CookieParserMiddleware,
  DecisionEvent,
  DecisionListener,
  DecisionMode,
  FailCallback,
  HandshakeData,
  LegacyFailCallback,
  PassportLike,
  SessionStoreLike,
  SignedCookies,
  SocketEvent,
  SocketEventListener,
  SocketLike,
  SocketSession,
  SocketUser,
  StrategyLike,
  SuccessCallback,
  TokenSource,
  TokenSources,
  UserId,
} from './types';

/**
 * The legacy shape, for `import passportSocketIo from 'passport.socketio-compat'`;
 * `require('passport.socketio-compat')` gives the same two functions as named exports.
 */
const passportSocketIo = { authorize, filterSocketsByUser };
export default passportSocketIo;
