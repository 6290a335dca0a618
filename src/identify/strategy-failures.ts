import { AuthorizationError, type AuthorizationErrorCode, ErrorCodes, LEGACY_MESSAGES, messageOf } from '../errors';
import type { StrategyOutcome } from './strategy';

/**
 * What `fail` receives in strategy mode, in the legacy messages' style: short, stable for each
 * code, with the strategy's own reason where it has one. Match on `error.code`, not on these.
 */
export const STRATEGY_MESSAGES = {
  noToken: 'No token found',
  tokenExpired: 'Token expired',
  tokenNotActive: 'Token not yet valid',
  tokenInvalid: 'Invalid token: ',
  strategyFailed: 'Authentication failed',
  strategyError: 'Error in authentication strategy:\n',
} as const;

/**
 * Why a strategy let nobody in, as an {@link AuthorizationError}. `tokenSent` says whether a
 * token was found in the configured places: a strategy that fails without one is 'No token
 * found', unless its reason shows it read a token elsewhere.
 */
export function strategyFailure(outcome: Exclude<StrategyOutcome, { kind: 'success' }>, tokenSent: boolean): AuthorizationError {
  switch (outcome.kind) {
    case 'error':
      return strategyError(messageOf(outcome.error), outcome.error);
    case 'timeout':
      return new AuthorizationError(
        ErrorCodes.STRATEGY_TIMEOUT,
        `${STRATEGY_MESSAGES.strategyError}the strategy did not answer within ${outcome.ms} ms`,
        true,
      );
    case 'redirect':
      return strategyError('the strategy asked for a redirect, which a socket handshake cannot follow', undefined);
    case 'pass':
      return tokenSent
        ? new AuthorizationError(ErrorCodes.STRATEGY_FAILED, STRATEGY_MESSAGES.strategyFailed, false)
        : new AuthorizationError(ErrorCodes.NO_TOKEN, STRATEGY_MESSAGES.noToken, false);
    case 'fail':
      return notAuthenticated(outcome.challenge, tokenSent);
  }
}

function strategyError(reason: string, cause: unknown): AuthorizationError {
  return new AuthorizationError(ErrorCodes.STRATEGY_ERROR, STRATEGY_MESSAGES.strategyError + reason, true, cause);
}

export function unknownStrategy(name: string): AuthorizationError {
  return strategyError(`Unknown authentication strategy "${name}": register it with passport.use()`, undefined);
}

export function noUser(): AuthorizationError {
  return new AuthorizationError(ErrorCodes.USER_NOT_FOUND, LEGACY_MESSAGES.userNotFound, false);
}

function notAuthenticated(challenge: unknown, tokenSent: boolean): AuthorizationError {
  const token = tokenFailure(challenge);
  if (token) return token;
  if (!tokenSent) return new AuthorizationError(ErrorCodes.NO_TOKEN, STRATEGY_MESSAGES.noToken, false, challenge);
  // passport-jwt, like most strategies, fails with no challenge when `verify` found no user.
  if (challenge === undefined || challenge === null) return noUser();
  const reason = reasonOf(challenge);
  return new AuthorizationError(ErrorCodes.STRATEGY_FAILED, reason || STRATEGY_MESSAGES.strategyFailed, false, challenge);
}

/**
 * Failures of token libraries, told apart by the error's class name (jsonwebtoken, which
 * passport-jwt uses) or stable code (jose), without loading either.
 */
function tokenFailure(challenge: unknown): AuthorizationError | undefined {
  if (challenge === null || typeof challenge !== 'object') return undefined;
  const { name, code, claim } = challenge as { name?: unknown; code?: unknown; claim?: unknown };
  let failure: AuthorizationErrorCode | undefined;
  if (name === 'TokenExpiredError' || code === 'ERR_JWT_EXPIRED') failure = ErrorCodes.TOKEN_EXPIRED;
  else if (name === 'NotBeforeError' || (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && claim === 'nbf')) {
    failure = ErrorCodes.TOKEN_NOT_ACTIVE;
  } else if (name === 'JsonWebTokenError' || (typeof code === 'string' && /^ERR_(JWT|JWS|JWE|JWK|JOSE)_/.test(code))) {
    failure = ErrorCodes.TOKEN_INVALID;
  }
  switch (failure) {
    case ErrorCodes.TOKEN_EXPIRED:
      return new AuthorizationError(failure, STRATEGY_MESSAGES.tokenExpired, false, challenge);
    case ErrorCodes.TOKEN_NOT_ACTIVE:
      return new AuthorizationError(failure, STRATEGY_MESSAGES.tokenNotActive, false, challenge);
    case ErrorCodes.TOKEN_INVALID:
      return new AuthorizationError(failure, STRATEGY_MESSAGES.tokenInvalid + (reasonOf(challenge) || 'rejected'), false, challenge);
    default:
      return undefined;
  }
}

/** A strategy's challenge: a string, an Error, or Passport's `{ message }` info object. */
function reasonOf(challenge: unknown): string {
  if (typeof challenge === 'string') return challenge;
  if (challenge !== null && typeof challenge === 'object' && typeof (challenge as { message?: unknown }).message === 'string') {
    return (challenge as { message: string }).message;
  }
  return '';
}
