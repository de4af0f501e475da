/**
 * The local Step Functions service: the programmatic API the HTTP (JSON 1.0) layer serves. Method
 * names, inputs and outputs are those of the AWS SDK v3 SFN commands; errors are SfnApiError with
 * the AWS error code as `name`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type {
  CreateStateMachineInput,
  CreateStateMachineOutput,
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesInput,
  ListStateMachinesOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { EngineClock } from './clock';
import { type Definition, loadDefinition } from './definition';
import { DefinitionError, SfnApiError } from './errors';
import { ExpressionCompiler, type Json } from './expressions';
import { type ExecutionHeader, type Execution, type Frame, Interpreter, type StoredEvent, TokenLookupError } from './interpreter';
import { Journal, type MachineRecord } from './journal';
import type { LambdaHandler, LambdaRegistry } from './resources';

export interface LocalStepFunctionsOptions {
  /** The engine's only time source; defaults to a virtual clock starting now. */
  clock?: EngineClock;
  /** Where executions are persisted; omit for an in-memory engine. */
  dataDir?: string;
  /** Lambda function name → handler. */
  lambdas?: LambdaRegistry;
  /** Client for the DynamoDB integrations (DynamoDB Local). */
  dynamodb?: DynamoDBClient;
  region?: string;
  accountId?: string;
  /** Source of randomness for JitterStrategy FULL and unseeded $random(); injectable for tests. */
  random?: () => number;
  /** The Lambda timeout handlers see through context.getRemainingTimeInMillis(). */
  lambdaTimeoutSeconds?: number;
  /** Journal size that triggers compaction into a snapshot (default 64 MiB). */
  compactJournalAfterBytes?: number;
  /** Task handlers running at once; further invocations wait their turn in start order (default 64). */
  maxConcurrentTasks?: number;
}

interface Machine extends MachineRecord {
  compiled: Definition;
  executions: Execution[];
}

export interface ExecutionMetrics {
  stateTransitions: number;
  taskInvocations: number;
}

const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;

function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken?: string } {
  if (maxResults !== undefined && (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > 1000)) {
    throw new SfnApiError('ValidationException', `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`);
  }
  const size = maxResults || 100;
  let offset = 0;
  if (nextToken !== undefined) {
    const parsed = /^o(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!parsed) throw new SfnApiError('InvalidToken', `Invalid Token: 'Invalid nextToken'`);
    offset = Number(parsed[1]);
  }
  const slice = items.slice(offset, offset + size);
  const more = offset + size < items.length;
  return more ? { items: slice, nextToken: Buffer.from(`o${offset + size}`).toString('base64url') } : { items: slice };
}

export class LocalStepFunctions {
  readonly clock: EngineClock;
  readonly region: string;
  readonly accountId: string;
  private readonly compiler: ExpressionCompiler;
  private readonly interpreter: Interpreter;
  private readonly journal: Journal<ExecutionHeader, Frame, StoredEvent> | undefined;
  private readonly machines = new Map<string, Machine>();
  private readonly lambdas = new Map<string, LambdaHandler>();
  private readonly detachClock: () => void;

  constructor(options: LocalStepFunctionsOptions = {}) {
    this.clock = options.clock ?? new EngineClock();
    this.region = options.region ?? 'eu-central-1';
    this.accountId = options.accountId ?? '123456789012';
    const random = options.random ?? Math.random;
    for (const [name, handler] of Object.entries(options.lambdas ?? {})) this.lambdas.set(name, handler);
    this.compiler = new ExpressionCompiler(() => this.clock.nowMs(), random);
    this.journal = options.dataDir ? new Journal(options.dataDir, options.compactJournalAfterBytes) : undefined;
    this.interpreter = new Interpreter({
      clock: this.clock,
      journal: this.journal,
      random,
      ...(options.maxConcurrentTasks === undefined ? {} : { maxConcurrentTasks: options.maxConcurrentTasks }),
      resources: {
        lambdas: this.lambdas,
        dynamodb: options.dynamodb,
        region: this.region,
        accountId: this.accountId,
        nowMs: () => this.clock.nowMs(),
        lambdaTimeoutMs: (options.lambdaTimeoutSeconds ?? 900) * 1000,
      },
    });
    this.interpreter.onCompact(() => [...this.machines.values()].map((m) => this.machineRecord(m)));
    this.detachClock = this.clock.addIdleSource(this.interpreter);
    if (this.journal) this.restore(this.journal);
  }

  // ——— engine controls (not part of the AWS API) ———

  registerLambda(functionName: string, handler: LambdaHandler): void {
    this.lambdas.set(functionName, handler);
  }

  /** Resolves when no step is queued and no task handler is running. */
  whenIdle(): Promise<void> {
    return this.interpreter.whenIdle();
  }

  /** State transitions and task invocations of every execution so far (for the AWS cost estimate). */
  metrics(): ExecutionMetrics {
    return { stateTransitions: this.interpreter.totals.transitions, taskInvocations: this.interpreter.totals.taskInvocations };
  }

  /**
   * Retries of every execution so far, by the error each retried (each is also a transition and, for a
   * Task, an invocation): explains a run that did more work than another with the same outcome.
   */
  retries(): Record<string, number> {
    return Object.fromEntries([...this.interpreter.retriesByError].sort(([a], [b]) => a.localeCompare(b)));
  }

  executionMetrics(executionArn: string): ExecutionMetrics {
    const exec = this.execution(executionArn);
    return { stateTransitions: exec.transitions, taskInvocations: exec.taskInvocations };
  }

  /** Registers (or finds, if identical) a state machine from an ASL text with `${Placeholder}` substitutions. */
  async registerStateMachine(name: string, definitionText: string, substitutions: Record<string, string> = {}, roleArn?: string): Promise<CreateStateMachineOutput> {
    let compiled: Definition;
    try {
      compiled = loadDefinition(definitionText, substitutions, this.compiler);
    } catch (e) {
      if (e instanceof DefinitionError) throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: '${e.message}'`);
      throw e;
    }
    return this.createStateMachine({ name, definition: compiled.text, roleArn: roleArn ?? `arn:aws:iam::${this.accountId}:role/hostcycle-local-step-functions` });
  }

  /** Registers every `*.asl.json` in a directory under its base name (`dunning.asl.json` → `dunning`). */
  async loadWorkflowsDir(dir: string, substitutions: Record<string, string> = {}): Promise<Record<string, string>> {
    const arns: Record<string, string> = {};
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.asl.json')).sort()) {
      const name = basename(file, '.asl.json');
      const out = await this.registerStateMachine(name, readFileSync(join(dir, file), 'utf8'), substitutions);
      arns[name] = out.stateMachineArn as string;
    }
    return arns;
  }

  /** Flushes and releases the data dir. */
  async close(): Promise<void> {
    await this.interpreter.whenIdle();
    this.interpreter.commit();
    this.journal?.close();
    this.detachClock();
  }

  /** Stops dead without flushing, as if the process were killed: for crash-and-resume tests. */
  abandon(): void {
    this.interpreter.halt();
    this.journal?.close();
    this.detachClock();
  }

  // ——— state machines ———

  async createStateMachine(input: CreateStateMachineInput): Promise<CreateStateMachineOutput> {
    const { name, definition, roleArn } = input;
    if (!name || !NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name ?? ''}'`);
    if (definition === undefined) throw new SfnApiError('ValidationException', "1 validation error detected: Value null at 'definition' failed to satisfy constraint: Member must not be null");
    if (!roleArn || !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(roleArn)) throw new SfnApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${roleArn ?? ''}'`);
    if (input.type !== undefined && input.type !== 'STANDARD') {
      throw new SfnApiError('ValidationException', `The local engine runs STANDARD state machines only, not ${input.type}`);
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    let compiled: Definition;
    try {
      compiled = loadDefinition(definition, {}, this.compiler);
    } catch (e) {
      if (e instanceof DefinitionError) throw new SfnApiError('InvalidDefinition', `Invalid State Machine Definition: '${e.message}'`);
      throw e;
    }
    const existing = this.machines.get(arn);
    if (existing) {
      if (existing.definition === compiled.text && existing.roleArn === roleArn) return { stateMachineArn: arn, creationDate: new Date(existing.creationDate) };
      throw new SfnApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const machine: Machine = { name, arn, definition: compiled.text, roleArn, creationDate: this.clock.nowMs(), compiled, executions: [] };
    this.machines.set(arn, machine);
    this.journal?.writeMachine(this.machineRecord(machine));
    return { stateMachineArn: arn, creationDate: new Date(machine.creationDate) };
  }

  async listStateMachines(input: ListStateMachinesInput = {}): Promise<ListStateMachinesOutput> {
    const all = [...this.machines.values()].sort((a, b) => a.name.localeCompare(b.name));
    const { items, nextToken } = page(all, input.maxResults, input.nextToken);
    return {
      stateMachines: items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: new Date(m.creationDate) })),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  async describeStateMachine(input: DescribeStateMachineInput): Promise<DescribeStateMachineOutput> {
    const m = this.machine(input.stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE',
      definition: m.definition,
      roleArn: m.roleArn,
      type: 'STANDARD',
      creationDate: new Date(m.creationDate),
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  // ——— executions ———

  async startExecution(input: StartExecutionInput): Promise<StartExecutionOutput> {
    const machine = this.machine(input.stateMachineArn);
    const name = input.name ?? crypto.randomUUID();
    if (!NAME.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    const inputText = input.input ?? '{}';
    let inputJson: Json;
    try {
      inputJson = JSON.parse(inputText) as Json;
    } catch (e) {
      throw new SfnApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(e as Error).message}'`);
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.interpreter.executions.get(arn);
    if (existing) {
      // AWS: the same name and input while the execution is open is the same call, answered again.
      if (existing.status === 'RUNNING' && existing.input === inputText) return { executionArn: arn, startDate: new Date(existing.startDate) };
      throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const exec: Execution = {
      arn,
      name,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      roleArn: machine.roleArn,
      input: inputText,
      startDate: this.clock.nowMs(),
      status: 'RUNNING',
      nextFrame: 0,
      nextAttempt: 0,
      lastEventId: 0,
      transitions: 0,
      taskInvocations: 0,
      definition: machine.compiled,
      inputJson,
      frames: new Map(),
      history: [],
      historyRefs: [],
      historyChunks: [],
      timers: new Map(),
    };
    machine.executions.push(exec);
    this.interpreter.start(exec);
    return { executionArn: arn, startDate: new Date(exec.startDate) };
  }

  async describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    const e = this.execution(input.executionArn);
    return {
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: new Date(e.startDate),
      ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
      input: e.input,
      inputDetails: { included: true },
      ...(e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      redriveCount: 0,
    };
  }

  async stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput> {
    const e = this.execution(input.executionArn);
    if (e.status === 'RUNNING') await this.interpreter.stop(e, input.error, input.cause);
    return { stopDate: new Date(e.stopDate ?? this.clock.nowMs()) };
  }

  async listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput> {
    const m = this.machine(input.stateMachineArn);
    const all = [...m.executions].reverse().filter((e) => !input.statusFilter || e.status === input.statusFilter);
    const { items, nextToken } = page(all, input.maxResults, input.nextToken);
    return {
      executions: items.map(
        (e): ExecutionListItem => ({
          executionArn: e.arn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: new Date(e.startDate),
          ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        }),
      ),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  async getExecutionHistory(input: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const e = this.execution(input.executionArn);
    const all = this.interpreter.historyOf(e);
    const ordered = input.reverseOrder ? [...all].reverse() : all;
    const { items, nextToken } = page(ordered, input.maxResults, input.nextToken);
    const withData = input.includeExecutionData !== false;
    return {
      events: items.map((ev) => {
        const out = { ...ev, timestamp: new Date(ev.timestamp) } as unknown as HistoryEvent & Record<string, unknown>;
        if (!withData) {
          for (const [k, v] of Object.entries(out)) {
            if (k.endsWith('EventDetails') && v && typeof v === 'object') {
              const { input: _i, output: _o, parameters: _p, ...rest } = v as Record<string, unknown>;
              out[k] = rest;
            }
          }
        }
        return out;
      }),
      ...(nextToken ? { nextToken } : {}),
    };
  }

  // ——— task tokens ———

  async sendTaskSuccess(input: SendTaskSuccessInput): Promise<Record<string, never>> {
    const token = this.token(input.taskToken);
    let output: Json;
    try {
      output = JSON.parse(input.output ?? '') as Json;
    } catch (e) {
      throw new SfnApiError('InvalidOutput', `Invalid Output: '${(e as Error).message}'`);
    }
    this.withToken(() => this.interpreter.completeToken(token, { output }));
    return {};
  }

  async sendTaskFailure(input: SendTaskFailureInput): Promise<Record<string, never>> {
    const token = this.token(input.taskToken);
    if ((input.error?.length ?? 0) > 256) throw new SfnApiError('ValidationException', "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256");
    if ((input.cause?.length ?? 0) > 32768) throw new SfnApiError('ValidationException', "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768");
    this.withToken(() => this.interpreter.completeToken(token, { error: input.error ?? '', cause: input.cause ?? '' }));
    return {};
  }

  async sendTaskHeartbeat(input: SendTaskHeartbeatInput): Promise<Record<string, never>> {
    const token = this.token(input.taskToken);
    this.withToken(() => this.interpreter.heartbeat(token));
    return {};
  }

  // ——— internals ———

  private token(token: string | undefined): string {
    if (!token || token.length > 2048) throw new SfnApiError('InvalidToken', "Invalid Token: 'Invalid token'");
    return token;
  }

  private withToken(action: () => void): void {
    try {
      action();
    } catch (e) {
      if (!(e instanceof TokenLookupError)) throw e;
      if (e.kind === 'invalid') throw new SfnApiError('InvalidToken', "Invalid Token: 'Invalid token'");
      if (e.kind === 'unknown') throw new SfnApiError('TaskDoesNotExist', "Task Does Not Exist: 'Provided task does not exist'");
      throw new SfnApiError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
  }

  private machine(arn: string | undefined): Machine {
    if (!arn || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+$/.test(arn)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn ?? ''}'`);
    const m = this.machines.get(arn);
    if (!m) throw new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private execution(arn: string | undefined): Execution {
    if (!arn || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) throw new SfnApiError('InvalidArn', `Invalid Arn: '${arn ?? ''}'`);
    const e = this.interpreter.executions.get(arn);
    if (!e) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private machineRecord(m: Machine): MachineRecord {
    return { name: m.name, arn: m.arn, definition: m.definition, roleArn: m.roleArn, creationDate: m.creationDate };
  }

  private restore(journal: Journal<ExecutionHeader, Frame, StoredEvent>): void {
    const { machines, executions } = journal.load();
    for (const rec of machines) {
      this.machines.set(rec.arn, { ...rec, compiled: loadDefinition(rec.definition, {}, this.compiler), executions: [] });
    }
    const loaded = [...executions.values()].sort((a, b) => a.header.startDate - b.header.startDate);
    for (const { header, frames, history } of loaded) {
      const machine = this.machines.get(header.stateMachineArn);
      if (!machine) throw new Error(`journal in ${journal.dir}: execution ${header.arn} refers to unknown state machine ${header.stateMachineArn}`);
      const exec: Execution = {
        ...header,
        definition: machine.compiled,
        inputJson: JSON.parse(header.input) as Json,
        frames: new Map(frames.map((f) => [f.id, f])),
        history: [],
        historyRefs: history,
        historyChunks: [],
        timers: new Map(),
      };
      machine.executions.push(exec);
      this.interpreter.resume(exec);
    }
  }
}
