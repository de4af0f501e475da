import type { MiddlewareObj } from '@middy/core';
import type { HttpApiEvent, HttpApiResult } from '../api-gateway';

export interface StaffPrincipal {
  staffId: string;
  email?: string;
  scopes: readonly string[];
}

/** The API Gateway event as the middlewares enrich it, one field per middleware. */
export interface RouteEvent extends HttpApiEvent {
  /** Set by `rawBody`: the body exactly as sent, decoded from base64 when API Gateway encoded it. */
  rawBody?: string;
  /** Set by `jsonBody`: the parsed, not yet validated body; undefined when the request had none. */
  jsonBody?: unknown;
  /** Set by `validateRequest`: the zod outputs. */
  input?: { body: unknown; params: unknown; query: unknown };
  /** Set by `requireStaff`. */
  principal?: StaffPrincipal;
}

export type RouteMiddleware = MiddlewareObj<RouteEvent, HttpApiResult>;

export function requireRawBody(event: RouteEvent): string {
  if (event.rawBody === undefined) throw new Error('rawBody middleware must run before this one');
  return event.rawBody;
}
