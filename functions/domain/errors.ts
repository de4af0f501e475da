/**
 * Named error classes. Their `name` is what ASL `Retry` / `Catch` match on, so a class name is an API:
 * rename one only together with every workflow that refers to it.
 *
 * Business outcomes (a refund that is not due, a transition the table forbids) are distinct from
 * retryable faults (a throttled write). Only the latter should ever be retried by a workflow.
 */
export class HostcycleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not satisfy a schema or an invariant. `field` is the dotted path of the offending field. */
export class ValidationError extends HostcycleError {
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, options);
  }
}

/** Two amounts in different currencies were combined. */
export class CurrencyMismatchError extends HostcycleError {}

/** A state change that the entity's transition table does not allow. */
export class IllegalTransitionError extends HostcycleError {
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`${entity}: transition ${from} → ${to} is not allowed`);
  }
}

/**
 * A conditional write found the record in another state or version than the caller expected:
 * somebody else moved first. Not retryable as such; the caller re-reads and decides again.
 */
export class StaleStateError extends HostcycleError {}

/** The entity does not exist. */
export class NotFoundError extends HostcycleError {}

/** A preset name that is not one of the shipped presets. */
export class UnknownPresetError extends HostcycleError {}
