import { CurrencyMismatchError, IllegalTransitionError, NotFoundError, StaleStateError, ValidationError } from '../../domain/errors';
import { jsonResult, type HttpApiResult } from '../api-gateway';
import {
  ConflictError,
  ForbiddenError,
  RequestValidationError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  WebhookInProgressError,
} from '../errors';
import type { RouteEvent, RouteMiddleware } from './route-event';

export interface ErrorLogEntry {
  level: 'error';
  requestId: string;
  routeKey: string;
  error: string;
  message: string;
  stack: string | undefined;
}

export type ErrorLog = (entry: ErrorLogEntry) => void;

export const consoleErrorLog: ErrorLog = (entry) => console.error(JSON.stringify(entry));

const STATUS_BY_CLASS: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, number]> = [
  [UnauthorizedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [StaleStateError, 409],
  [IllegalTransitionError, 409],
  [UnsupportedMediaTypeError, 415],
  [CurrencyMismatchError, 400],
  [WebhookInProgressError, 503],
];

function toResult(error: Error, event: RouteEvent): HttpApiResult | undefined {
  const requestId = event.requestContext.requestId;
  if (error instanceof ValidationError) {
    const issues = error instanceof RequestValidationError ? error.issues : [{ field: error.field, reason: error.reason }];
    return jsonResult(400, { error: 'ValidationError', issues, requestId });
  }
  const status = STATUS_BY_CLASS.find(([cls]) => error instanceof cls)?.[1];
  if (status === undefined) return undefined;
  const headers: Record<string, string> = status === 503 ? { 'retry-after': '5' } : {};
  return jsonResult(status, { error: error.name, message: error.message, requestId }, headers);
}

/**
 * Turns errors into HTTP answers: named errors into their status with a body naming the problem,
 * anything else into a 500 that carries only the request id. The full error, stack included, goes to
 * the log and never into the response. Attach it last: middy runs `onError` hooks in reverse order, so
 * it answers first and hooks that only clean up (releasing a webhook claim) still run after it.
 */
export function errorHandler(log: ErrorLog = consoleErrorLog): RouteMiddleware {
  return {
    name: 'errorHandler',
    onError: (request) => {
      const error = request.error instanceof Error ? request.error : new Error(String(request.error));
      const known = toResult(error, request.event);
      if (known !== undefined) {
        request.response = known;
        return;
      }
      const requestId = request.event.requestContext.requestId;
      log({
        level: 'error',
        requestId,
        routeKey: request.event.routeKey,
        error: error.name,
        message: error.message,
        stack: error.stack,
      });
      request.response = jsonResult(500, {
        error: 'InternalError',
        message: 'the request failed on our side; quote the requestId when reporting it',
        requestId,
      });
    },
  };
}
