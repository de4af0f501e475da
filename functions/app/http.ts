/**
 * The HTTP API as one Lambda (`hostcycle-http-api`): API Gateway routes every path to it and it picks
 * the route by `routeKey`, the same route table the local HTTP API serves.
 */
import type { HttpApiEvent } from '../http/api-gateway';
import { jsonResult } from '../http/api-gateway';
import type { HttpRuntime, LambdaHttpHandler, Route } from '../http/define-route';
import { createRoutes } from '../http/routes';
import { createActions } from './actions';
import type { PlatformDeps } from './deps';

export function createHttpRoutes(deps: PlatformDeps, http: HttpRuntime): Route[] {
  return createRoutes(createActions(deps.app, deps.mailLog), http);
}

export function createHttpApiHandler(routes: readonly Route[]): LambdaHttpHandler {
  const byKey = new Map(routes.map((r) => [`${r.spec.method} ${r.spec.path}`, r.handler]));
  return async (event: HttpApiEvent, context) => {
    const handler = byKey.get(event.routeKey);
    // API Gateway only forwards the routes it was given, which are these; anything else is a deployment mismatch.
    if (handler === undefined) return jsonResult(404, { message: 'Not Found', routeKey: event.routeKey });
    return handler(event, context);
  };
}
