/** Errors of the platform layer (functions/app). Their names are API: ASL Catch and the HTTP layer match on them. */
import { HostcycleError, StaleStateError } from '../domain/errors';
import type { Approval } from '../domain/model';

/**
 * A decision on an approval that is no longer pending: staff decided first or the wait timed out.
 * Nothing was changed; the staff API answers 409 with the approval's final state. A StaleStateError,
 * because that is what it is (somebody moved first), so any other boundary maps it to 409 as well.
 */
export class ApprovalClosedError extends StaleStateError {
  constructor(readonly approval: Approval) {
    super(`approval ${approval.id} is already ${approval.state}`);
  }
}

/**
 * Step Functions no longer waits on this task token (TaskTimedOut, TaskDoesNotExist, InvalidToken):
 * the workflow moved on. Not a failure of the caller: the record is the truth and the workflow re-reads
 * it at its next step.
 */
export class TaskNoLongerWaitingError extends HostcycleError {
  constructor(
    readonly reason: 'TaskTimedOut' | 'TaskDoesNotExist' | 'InvalidToken',
    options: { cause: unknown },
  ) {
    super(`the workflow step no longer waits for this token (${reason})`, options);
  }
}

/** A part another engineer is still writing; its placeholder says which. */
export class NotImplementedError extends HostcycleError {}

/** A required environment variable is missing or malformed; thrown when the Lambda loads. */
export class ConfigurationError extends HostcycleError {}
