/**
 * The local stand-in for API Gateway's JWT authorizer: HS256 tokens signed with a local secret. On AWS
 * the authorizer verifies tokens from the identity provider before the Lambda runs; locally this
 * verification fills the same `requestContext.authorizer.jwt` shape, so handlers cannot tell the
 * difference. Only HS256 is accepted: a token that names another algorithm (including `none`) is
 * rejected rather than interpreted.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { UnauthorizedError } from './errors';
import { safeEqual } from './webhook-signature';

export type JwtClaims = Record<string, string | number | boolean | string[]>;

const base64url = (input: string | Buffer): string => Buffer.from(input).toString('base64url');

function hs256(secret: string, signingInput: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

/** Issues a local staff token; for tests and the CLI. `exp` is required so no local token lives forever. */
export function signLocalJwt(secret: string, claims: JwtClaims & { sub: string; exp: number }): string {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${hs256(secret, signingInput)}`;
}

function decodeSegment(segment: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new UnauthorizedError(`bearer token ${what} is not JSON`, { cause: error });
  }
  throw new UnauthorizedError(`bearer token ${what} is not a JSON object`);
}

export interface LocalJwtOptions {
  secret: string;
  clock: Clock;
  /** Seconds of clock skew tolerated on `exp` and `nbf`. */
  leewaySeconds?: number;
}

export function verifyLocalJwt(token: string, options: LocalJwtOptions): JwtClaims {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
    throw new UnauthorizedError('bearer token is not a JWT');
  }
  if (decodeSegment(header, 'header').alg !== 'HS256') throw new UnauthorizedError('bearer token must use HS256');
  if (!safeEqual(hs256(options.secret, `${header}.${payload}`), signature)) {
    throw new UnauthorizedError('bearer token signature does not match');
  }
  const claims = decodeSegment(payload, 'payload');
  const now = Math.floor(options.clock.now().getTime() / 1000);
  const leeway = options.leewaySeconds ?? 30;
  if (typeof claims.exp !== 'number') throw new UnauthorizedError('bearer token has no exp');
  if (claims.exp + leeway <= now) throw new UnauthorizedError('bearer token has expired');
  if (typeof claims.nbf === 'number' && claims.nbf - leeway > now) throw new UnauthorizedError('bearer token is not valid yet');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new UnauthorizedError('bearer token has no sub');
  return claims as JwtClaims;
}
