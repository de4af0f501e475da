/**
 * Workflows over the Step Functions API (`@aws-sdk/client-sfn`): AWS in production, the local engine's
 * HTTP endpoint locally, with the same client and the same error names.
 */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { TaskNoLongerWaitingError } from './errors';
import { WORKFLOW_NAMES, type WorkflowName, type Workflows } from './ports';

export type StateMachineArns = Record<WorkflowName, string>;

/** `arn:…:stateMachine:<machine>` + name → `arn:…:execution:<machine>:<name>`, as Step Functions forms it. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

const GONE_TOKEN_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'] as const;

/** Turns "the task is gone" into TaskNoLongerWaitingError; every other error is the caller's to see. */
async function signal(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    const name = (error as { name?: string }).name;
    const gone = GONE_TOKEN_ERRORS.find((n) => n === name);
    if (gone !== undefined) throw new TaskNoLongerWaitingError(gone, { cause: error });
    throw error;
  }
}

/** How far back the history is read to find the state an execution is in. */
const HISTORY_LOOKBACK = 50;

export function createWorkflows(sfn: SFNClient, stateMachineArns: Partial<StateMachineArns>): Workflows {
  const arnOf = (workflow: WorkflowName): string => {
    const arn = stateMachineArns[workflow];
    if (arn === undefined) throw new RangeError(`no state machine is configured for workflow ${workflow} (known: ${WORKFLOW_NAMES.filter((w) => stateMachineArns[w]).join(', ') || 'none'})`);
    return arn;
  };

  return {
    async start(workflow, executionName, input) {
      const stateMachineArn = arnOf(workflow);
      try {
        // An identical start of a running execution succeeds on AWS as well; both callers then hold
        // the one execution, which is the point of naming executions by business id.
        const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
        return { executionArn: out.executionArn ?? executionArnOf(stateMachineArn, executionName), alreadyStarted: false };
      } catch (error) {
        if (!(error instanceof ExecutionAlreadyExists)) throw error;
        const existing = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(stateMachineArn, executionName) }));
        return { executionArn: existing.executionArn ?? executionArnOf(stateMachineArn, executionName), alreadyStarted: true };
      }
    },

    sendTaskSuccess: (taskToken, output) =>
      signal(() => sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))),

    sendTaskFailure: (taskToken, error, cause) => signal(() => sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }))),

    async describe(workflow, executionName) {
      const stateMachineArn = stateMachineArns[workflow];
      // A workflow that is not deployed here has no executions to describe.
      if (stateMachineArn === undefined) return undefined;
      const executionArn = executionArnOf(stateMachineArn, executionName);
      let status: string;
      let startDate: Date | undefined;
      let stopDate: Date | undefined;
      try {
        const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        status = out.status ?? 'UNKNOWN';
        startDate = out.startDate;
        stopDate = out.stopDate;
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
      const history = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: HISTORY_LOOKBACK, includeExecutionData: false }),
      );
      const events = history.events ?? [];
      const entered = events.find((e) => e.type?.endsWith('StateEntered'));
      const last = events[0]?.timestamp ?? stopDate ?? startDate;
      return {
        status,
        executionArn,
        ...(entered?.stateEnteredEventDetails?.name === undefined ? {} : { currentState: entered.stateEnteredEventDetails.name }),
        ...(startDate === undefined ? {} : { startedAt: startDate.toISOString() }),
        ...(last === undefined ? {} : { updatedAt: last.toISOString() }),
      };
    },
  };
}
