/**
 * Workflow-test harness for the local engine: a virtual clock at a fixed instant, an in-memory (or
 * on-disk) engine with real in-test handlers, and `deploy`, which refuses any definition that
 * asl-validator (AWS's schema) rejects, so no test runs something AWS itself would refuse.
 */
import aslValidator from 'asl-validator';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { EngineClock } from '../../infra/local/engine/clock';
import { LocalStepFunctions, type LocalStepFunctionsOptions } from '../../infra/local/engine/local-step-functions';

export const T0 = '2026-03-02T09:00:00.000Z';

export function createEngine(options: LocalStepFunctionsOptions = {}): { sfn: LocalStepFunctions; clock: EngineClock } {
  const clock = options.clock ?? new EngineClock({ start: T0 });
  return { sfn: new LocalStepFunctions({ ...options, clock }), clock };
}

export function assertValidAsl(definition: object): void {
  const { isValid, errorsText } = aslValidator(definition);
  if (!isValid) throw new Error(`asl-validator rejects the test definition: ${errorsText('\n')}`);
}

let machines = 0;

/** Validates with asl-validator, then registers on the engine; returns the state machine ARN. */
export async function deploy(sfn: LocalStepFunctions, definition: object, name = `test-machine-${++machines}`): Promise<string> {
  assertValidAsl(definition);
  const out = await sfn.registerStateMachine(name, JSON.stringify(definition));
  return out.stateMachineArn as string;
}

export interface Finished {
  executionArn: string;
  status: string | undefined;
  output: unknown;
  error: string | undefined;
  cause: string | undefined;
}

export async function start(sfn: LocalStepFunctions, stateMachineArn: string, input: unknown = {}, name?: string): Promise<string> {
  const out = await sfn.startExecution({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) });
  return out.executionArn as string;
}

export async function describe(sfn: LocalStepFunctions, executionArn: string): Promise<Finished> {
  const d = await sfn.describeExecution({ executionArn });
  return { executionArn, status: d.status, output: d.output === undefined ? undefined : JSON.parse(d.output), error: d.error, cause: d.cause };
}

/** Starts an execution, lets the engine settle (no clock movement) and describes it. */
export async function run(sfn: LocalStepFunctions, definition: object, input: unknown = {}): Promise<Finished> {
  const arn = await deploy(sfn, definition);
  const executionArn = await start(sfn, arn, input);
  await sfn.whenIdle();
  return describe(sfn, executionArn);
}

export async function history(sfn: LocalStepFunctions, executionArn: string): Promise<HistoryEvent[]> {
  const out = await sfn.getExecutionHistory({ executionArn, maxResults: 1000 });
  return out.events ?? [];
}

export function jsonata<T extends object>(states: T, startAt = Object.keys(states)[0] as string) {
  return { QueryLanguage: 'JSONata', StartAt: startAt, States: states };
}
