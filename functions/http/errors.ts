/**
 * Errors that exist only at the HTTP boundary. Domain errors (ValidationError, NotFoundError,
 * StaleStateError, …) live in functions/domain/errors.ts; the error handler maps both to statuses.
 */
import { HostcycleError, ValidationError } from '../domain/errors';

export interface FieldIssue {
  /** Dotted path inside the part of the request it belongs to, e.g. `data.items.0.price.amount`. */
  field: string;
  reason: string;
}

/** A request that failed schema validation in one or more fields; the first one is its `field`. */
export class RequestValidationError extends ValidationError {
  constructor(readonly issues: readonly [FieldIssue, ...FieldIssue[]]) {
    super(issues[0].field, issues[0].reason);
  }
}

/** Missing or wrong credentials: a webhook signature, a stale timestamp, a bearer token. */
export class UnauthorizedError extends HostcycleError {}

/** Authenticated, but the principal lacks the scope the route needs. */
export class ForbiddenError extends HostcycleError {}

/** The request contradicts what is already recorded, e.g. a reused webhook event id with another body. */
export class ConflictError extends HostcycleError {}

export class UnsupportedMediaTypeError extends HostcycleError {}

/**
 * A redelivered webhook whose first delivery is still being processed. Transient: the sender should
 * retry later and will then get the recorded outcome.
 */
export class WebhookInProgressError extends HostcycleError {}
