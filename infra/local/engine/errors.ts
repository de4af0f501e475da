/** Errors of the engine: API errors (what the Step Functions API returns) and workflow errors (what Retry/Catch match). */

/** An error the Step Functions API returns; `name` is the AWS error code (`ExecutionDoesNotExist`, …). */
export class SfnApiError extends Error {
  constructor(
    name: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
    this.name = name;
  }
}

/** A definition the engine refuses to load; the message names the state and the field. */
export class DefinitionError extends Error {
  override name = 'DefinitionError';
}

/** An error raised inside a workflow: `error` is the name Retry/Catch `ErrorEquals` match on. */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}

export const PREDEFINED_ERRORS = new Set([
  'States.ALL',
  'States.DataLimitExceeded',
  'States.ExceedToleratedFailureThreshold',
  'States.HeartbeatTimeout',
  'States.Http.Socket',
  'States.IntrinsicFailure',
  'States.ItemReaderFailed',
  'States.NoChoiceMatched',
  'States.ParameterPathFailure',
  'States.Permissions',
  'States.QueryEvaluationError',
  'States.ResultPathMatchFailure',
  'States.ResultWriterFailed',
  'States.Runtime',
  'States.TaskFailed',
  'States.Timeout',
  'States.BranchFailed',
]);

/**
 * Whether a retrier's or catcher's ErrorEquals matches. AWS: States.ALL matches every error except
 * States.DataLimitExceeded and States.Runtime (terminal); States.TaskFailed matches every error
 * except States.Timeout.
 */
export function errorMatches(errorEquals: readonly string[], error: string): boolean {
  const terminal = error === 'States.Runtime' || error === 'States.DataLimitExceeded';
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === 'States.ALL' && !terminal) return true;
    if (name === 'States.TaskFailed' && error !== 'States.Timeout' && !terminal) return true;
  }
  return false;
}
