import type { Clock } from '../../domain/clock';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { verifyLocalJwt } from '../local-jwt';
import type { RouteMiddleware } from './route-event';

export const STAFF_SCOPE = 'hostcycle/staff';

/**
 * Local stand-in for API Gateway's JWT authorizer: verifies an HS256 bearer token and fills
 * `requestContext.authorizer.jwt` the way API Gateway does, so `requireStaff` reads one shape in both
 * places. A request without a token passes through unauthenticated and `requireStaff` refuses it.
 */
export function localJwtAuthorizer(options: { secret: string; clock: Clock }): RouteMiddleware {
  return {
    name: 'localJwtAuthorizer',
    before: ({ event }) => {
      const header = event.headers.authorization;
      if (header === undefined) return;
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (match?.[1] === undefined) throw new UnauthorizedError('authorization header must be "Bearer <token>"');
      const claims = verifyLocalJwt(match[1], options);
      event.requestContext.authorizer = { jwt: { claims, scopes: null } };
    },
  };
}

function scopesOf(claims: Record<string, unknown>, granted: string[] | null): string[] {
  if (granted !== null && granted.length > 0) return granted;
  // Cognito and most OAuth servers put scopes in a space-separated `scope` claim; Azure AD uses `scp`.
  const raw = claims.scope ?? claims.scp;
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  return typeof raw === 'string' ? raw.split(' ').filter(Boolean) : [];
}

/** The authenticated staff member, from the authorizer's claims; the only source of a decider's identity. */
export function requireStaff(scope: string = STAFF_SCOPE): RouteMiddleware {
  return {
    name: 'requireStaff',
    before: ({ event }) => {
      const jwt = event.requestContext.authorizer?.jwt;
      const sub = jwt?.claims.sub;
      if (jwt === undefined || typeof sub !== 'string' || sub === '') {
        throw new UnauthorizedError('a staff bearer token is required');
      }
      const scopes = scopesOf(jwt.claims, jwt.scopes);
      if (!scopes.includes(scope)) throw new ForbiddenError(`the token lacks the ${scope} scope`);
      const email = jwt.claims.email;
      event.principal = { staffId: sub, scopes, ...(typeof email === 'string' ? { email } : {}) };
    },
  };
}
