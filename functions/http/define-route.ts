/**
 * A route is declared once with `defineRoute`; its Lambda handler (`buildRouteHandler`) and its
 * OpenAPI operation (openapi.ts) are both derived from that declaration, so they cannot drift.
 */
import middy from '@middy/core';
import type { z } from 'zod';
import type { Clock } from '../domain/clock';
import { jsonResult, type HttpApiEvent, type HttpApiResult } from './api-gateway';
import { errorHandler, type ErrorLog } from './middlewares/error-handler';
import { jsonBody } from './middlewares/json-body';
import { rawBody } from './middlewares/raw-body';
import type { RouteEvent, RouteMiddleware, StaffPrincipal } from './middlewares/route-event';
import { localJwtAuthorizer, requireStaff } from './middlewares/staff-auth';
import { validateRequest } from './middlewares/validate-request';
import { webhookDedupe } from './middlewares/webhook-dedupe';
import { webhookSignature } from './middlewares/webhook-signature';
import type { WebhookLedger } from './ports';
import type { WebhookSecrets } from './webhook-signature';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * `webhook`: signed by the storefront and deduplicated by event id. `staff`: bearer JWT with the
 * `hostcycle/staff` scope. `public`: no authentication.
 */
export type RouteAuth = 'webhook' | 'staff' | 'public';

export interface ResponseSpec<S extends z.ZodType = z.ZodType> {
  description: string;
  schema: S;
}

export type ResponsesSpec = Readonly<Record<number, ResponseSpec>>;

/** Errors the domain may raise for this route (NotFoundError → 404, StaleStateError → 409, …), for the document. */
export type DomainErrorsSpec = Readonly<Partial<Record<404 | 409, string>>>;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteRequest<B, P, Q, A extends RouteAuth> {
  body: Parsed<B>;
  params: Parsed<P>;
  query: Parsed<Q>;
  principal: A extends 'staff' ? StaffPrincipal : undefined;
  requestId: string;
}

export type RouteReply<R extends ResponsesSpec> = {
  [K in keyof R & number]: R[K] extends ResponseSpec<infer S> ? { status: K; body: z.output<S> } : never;
}[keyof R & number];

/** Builds a handler's reply; keeps the status a literal so it is checked against the declared responses. */
export function reply<const S extends number, const B>(status: S, body: B): { status: S; body: B } {
  return { status, body };
}

export interface RouteSpec<
  TDeps = unknown,
  A extends RouteAuth = RouteAuth,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  R extends ResponsesSpec = ResponsesSpec,
> {
  method: HttpMethod;
  /** API Gateway syntax: `/staff/approvals/{approvalId}/decision`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  auth: A;
  body?: B;
  params?: P;
  query?: Q;
  responses: R;
  domainErrors?: DomainErrorsSpec;
  handler: (request: RouteRequest<B, P, Q, A>, deps: TDeps) => Promise<RouteReply<R>>;
}

// `any` where the element types of a heterogeneous route table cannot be expressed; each route is
// checked against its own schemas where it is declared.
export type AnyRouteSpec<TDeps = any> = RouteSpec<TDeps, RouteAuth, any, any, any, any>;

export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
}

function objectKeys(schema: z.ZodType | undefined): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape === undefined ? [] : Object.keys(shape);
}

/**
 * Returns `defineRoute` for routes whose handlers receive `TDeps`. Binding the dependency type first
 * lets TypeScript check each handler's replies against that route's declared statuses and schemas.
 */
export function routeDefiner<TDeps>() {
  return function defineRoute<
    const A extends RouteAuth,
    B extends z.ZodType | undefined = undefined,
    P extends z.ZodType | undefined = undefined,
    Q extends z.ZodType | undefined = undefined,
    const R extends ResponsesSpec = ResponsesSpec,
  >(spec: RouteSpec<TDeps, A, B, P, Q, R>): RouteSpec<TDeps, A, B, P, Q, R> {
    // A mismatch here would make API Gateway and the document disagree about the URL; fail at load.
    const inPath = pathParameterNames(spec.path).sort();
    const declared = objectKeys(spec.params).sort();
    if (inPath.join() !== declared.join()) {
      throw new Error(`${spec.method} ${spec.path}: path parameters {${inPath.join(', ')}} but params schema has [${declared.join(', ')}]`);
    }
    if (Object.keys(spec.responses).length === 0) throw new Error(`${spec.method} ${spec.path}: declares no responses`);
    return spec;
  };
}

export type StaffAuthMode =
  /** On AWS: API Gateway's JWT authorizer has verified the token before the Lambda runs. */
  | { mode: 'api-gateway' }
  /** Locally: HS256 tokens signed with this secret, verified in process. */
  | { mode: 'local'; secret: string };

export interface HttpRuntime {
  clock: Clock;
  webhooks: { secrets: WebhookSecrets; ledger: WebhookLedger };
  staffAuth: StaffAuthMode;
  log?: ErrorLog;
}

export type LambdaHttpHandler = (event: HttpApiEvent, context?: unknown) => Promise<HttpApiResult>;

export interface Route {
  spec: AnyRouteSpec;
  handler: LambdaHttpHandler;
}

function authMiddlewares(auth: RouteAuth, runtime: HttpRuntime): RouteMiddleware[] {
  switch (auth) {
    case 'webhook':
      return [webhookSignature({ secrets: runtime.webhooks.secrets, clock: runtime.clock })];
    case 'staff':
      return runtime.staffAuth.mode === 'local'
        ? [localJwtAuthorizer({ secret: runtime.staffAuth.secret, clock: runtime.clock }), requireStaff()]
        : [requireStaff()];
    case 'public':
      return [];
  }
}

export function buildRouteHandler<TDeps>(spec: AnyRouteSpec<TDeps>, deps: TDeps, runtime: HttpRuntime): LambdaHttpHandler {
  // Order matters: authentication needs the raw body and runs before parsing; dedupe needs the parsed
  // event id; the error handler is attached last.
  const middlewares: RouteMiddleware[] = [
    rawBody(),
    ...authMiddlewares(spec.auth, runtime),
    jsonBody(),
    validateRequest({ body: spec.body, params: spec.params, query: spec.query }),
    ...(spec.auth === 'webhook' ? [webhookDedupe(runtime.webhooks.ledger)] : []),
    errorHandler(runtime.log),
  ];
  const handler = middy<RouteEvent, HttpApiResult>()
    .use(middlewares)
    .handler(async (event: RouteEvent): Promise<HttpApiResult> => {
      if (event.input === undefined) throw new Error('validateRequest did not run');
      const reply = await spec.handler(
        { ...event.input, principal: event.principal, requestId: event.requestContext.requestId },
        deps,
      );
      return reply.status === 204 ? { statusCode: 204 } : jsonResult(reply.status, reply.body);
    });
  return (event, context) => handler(event, context as never);
}
