import { HostcycleError, StaleStateError } from '../domain/errors';
import type { EntityType } from '../domain/model';

/** A create found a record under the same id: a duplicate delivery or a clash of ids. */
export class AlreadyExistsError extends StaleStateError {
  constructor(
    readonly entityType: EntityType,
    readonly id: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * DynamoDB cancelled a transaction because another one was writing the same items at that moment.
 * Nothing was written and nothing was decided: unlike StaleStateError, this one is worth a retry.
 */
export class TransactionConflictError extends HostcycleError {}
