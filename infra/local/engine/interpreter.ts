/**
 * The step machine that runs executions.
 *
 * All progress lives in serialisable records: an execution header and its frames. A frame is one
 * sequential thread — the machine itself, one Parallel branch or one Map iteration — and is also a
 * variable scope. Work is a single queue drained one item at a time, so steps of one execution never
 * interleave; handlers run concurrently and report back through the queue. Timers are absolute
 * instants on the engine clock, kept in the frames and re-armed on load.
 *
 * Durability: after each item that starts a task, and at the end of every drain, the changed
 * executions are committed to the journal *before* any handler is called. A task whose invocation
 * was started but whose result was not committed when the process died is invoked again on resume
 * (at-least-once, as AWS's own retries are); every other completed step is never repeated.
 */
import { randomBytes } from 'node:crypto';
import type { EngineClock, IdleSource, TimerHandle } from './clock';
import type { Assign, Definition, Graph, MapState, ParallelState, State, TaskState } from './definition';
import { StatesError, errorMatches } from './errors';
import { type Bindings, type Json, type Template, evaluateExpression, evaluateTemplate } from './expressions';
import type { HistoryRef, Journal, MachineRecord } from './journal';
import { type ResourceEnv, resourceNames, runResource } from './resources';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface ExecutionHeader {
  arn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  input: string;
  startDate: number;
  stopDate?: number;
  status: ExecutionStatus;
  output?: string;
  error?: string;
  cause?: string;
  timeoutAt?: number;
  nextFrame: number;
  nextAttempt: number;
  lastEventId: number;
  transitions: number;
  taskInvocations: number;
}

interface TaskRun {
  attempt: number;
  args: Json;
  token?: string;
  submitted?: boolean;
  timeoutAt?: number;
  heartbeatAt?: number;
  heartbeatSeconds?: number;
}

interface Children {
  ids: string[];
  results: Json[];
  remaining: number;
  next: number;
  max: number;
  items?: Json[];
}

export interface Frame {
  id: string;
  parent: string | null;
  slot: number;
  graph: string;
  state: string;
  input: Json;
  enteredAt: number;
  phase: 'enter' | 'task' | 'wait' | 'retry' | 'children';
  vars: Record<string, Json>;
  retryCounts: number[];
  retries: number;
  lastEvent: number;
  until?: number;
  task?: TaskRun;
  kids?: Children;
}

/** A history event as stored: the AWS shape with the timestamp in epoch ms. */
export interface StoredEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

export interface Execution extends ExecutionHeader {
  definition: Definition;
  inputJson: Json;
  frames: Map<string, Frame>;
  /** Events not yet committed; committed ones are at historyRefs (persisted) or in historyChunks (in memory). */
  history: StoredEvent[];
  historyRefs: HistoryRef[];
  /** Committed events of an in-memory engine as JSON text, several times smaller than live objects. */
  historyChunks: string[];
  timers: Map<string, TimerHandle[]>;
}

export interface InterpreterOptions {
  clock: EngineClock;
  resources: ResourceEnv;
  journal: Journal<ExecutionHeader, Frame, StoredEvent> | undefined;
  random: () => number;
  /** Task handlers running at once; more wait their turn in start order (default 64). */
  maxConcurrentTasks?: number;
}

type Work = () => Promise<void> | void;

const HEADER_KEYS: Array<keyof ExecutionHeader> = [
  'arn', 'name', 'stateMachineArn', 'stateMachineName', 'roleArn', 'input', 'startDate', 'stopDate', 'status', 'output', 'error', 'cause',
  'timeoutAt', 'nextFrame', 'nextAttempt', 'lastEventId', 'transitions', 'taskInvocations',
];

const TYPE_EVENT_PREFIX: Record<State['type'], string> = {
  Task: 'TaskState', Pass: 'PassState', Choice: 'ChoiceState', Wait: 'WaitState', Succeed: 'SucceedState', Fail: 'FailState', Parallel: 'ParallelState', Map: 'MapState',
};

/** Every binding needs the start and entry instants as ISO text; in a burst they repeat, so remember two. */
const isoCache: Array<[number, string]> = [
  [Number.NaN, ''],
  [Number.NaN, ''],
];
function iso(ms: number): string {
  for (const entry of isoCache) if (entry[0] === ms) return entry[1];
  const text = new Date(ms).toISOString();
  isoCache.unshift([ms, text]);
  isoCache.length = 2;
  return text;
}

function str(v: Json): string {
  return JSON.stringify(v);
}

export class TokenLookupError extends Error {
  constructor(readonly kind: 'invalid' | 'unknown' | 'gone') {
    super(kind);
  }
}

export class Interpreter implements IdleSource {
  readonly executions = new Map<string, Execution>();
  readonly totals = { transitions: 0, taskInvocations: 0 };
  /** Retries scheduled since this interpreter started, by the error each one retried. */
  readonly retriesByError = new Map<string, number>();
  private readonly tokens = new Map<string, { arn: string; frame: string; attempt: number }>();
  private readonly queue: Work[] = [];
  private head = 0;
  private draining = false;
  private inflight = 0;
  private waiters: Array<() => void> = [];
  private readonly dirty = new Set<Execution>();
  private pendingInvocations: Array<() => void> = [];
  /** Invocations waiting for a free handler slot, in start order, and the handlers running now. */
  private readonly ready: Array<() => void> = [];
  private readyHead = 0;
  private running = 0;
  private readonly maxRunning: number;
  private dead = false;
  /** Handler calls whose result the engine still waits for; a timed-out or aborted task stops counting. */
  private readonly awaited = new Map<string, () => void>();

  constructor(private readonly o: InterpreterOptions) {
    this.maxRunning = o.maxConcurrentTasks ?? 64;
    if (!(this.maxRunning >= 1)) throw new RangeError('maxConcurrentTasks must be ≥ 1');
  }

  // ——— idleness ———

  isIdle(): boolean {
    return !this.draining && this.head === this.queue.length && this.inflight === 0 && this.readyHead === this.ready.length;
  }

  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private settle(): void {
    if (!this.isIdle()) return;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }

  /** Stops all progress as if the process had died: no more work, no more writes. */
  halt(): void {
    this.dead = true;
    for (const exec of this.executions.values()) for (const list of exec.timers.values()) for (const t of list) t.cancel();
    this.queue.length = 0;
    this.head = 0;
    this.ready.length = 0;
    this.readyHead = 0;
    this.awaited.clear();
    this.inflight = 0;
    this.settle();
  }

  private enqueue(work: Work): void {
    if (this.dead) return;
    this.queue.push(work);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    let sinceCommit = 0;
    while (this.head < this.queue.length && !this.dead) {
      const work = this.queue[this.head++] as Work;
      if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      try {
        await work();
      } catch (e) {
        this.fatal(e);
      }
      if (this.pendingInvocations.length > 0 || ++sinceCommit >= 512) {
        this.commit();
        sinceCommit = 0;
        for (const start of this.pendingInvocations) this.ready.push(start);
        this.pendingInvocations = [];
        this.startReady();
      }
    }
    this.commit();
    this.draining = false;
    this.settle();
  }

  /** A bug in the engine, not in the workflow: surface it loudly instead of hanging the execution. */
  private fatal(e: unknown): void {
    queueMicrotask(() => {
      throw e;
    });
  }

  // ——— persistence ———

  private markDirty(exec: Execution): void {
    this.dirty.add(exec);
  }

  commit(): void {
    const journal = this.o.journal;
    if (this.dead) return;
    if (journal) {
      for (const exec of this.dirty) {
        const refs = exec.historyRefs;
        journal.writeExecution({ x: exec.arn, h: this.header(exec), f: [...exec.frames.values()], e: exec.history }, exec.history.length > 0 ? (ref) => refs.push(ref) : undefined);
        exec.history = [];
      }
      journal.flush();
      if (journal.needsCompaction) journal.compact(this.machineRecords(), this.snapshotCommits());
    } else {
      for (const exec of this.dirty) {
        if (exec.history.length === 0) continue;
        exec.historyChunks.push(JSON.stringify(exec.history));
        exec.history = [];
      }
    }
    this.dirty.clear();
  }

  private machineRecords: () => MachineRecord[] = () => [];

  /** The state machines to write into a snapshot; the service that owns them provides them. */
  onCompact(machines: () => MachineRecord[]): void {
    this.machineRecords = machines;
  }

  private *snapshotCommits() {
    for (const exec of this.executions.values()) {
      yield {
        commit: { x: exec.arn, h: this.header(exec), f: [...exec.frames.values()], e: this.historyOf(exec) },
        onWritten: (ref: HistoryRef) => void (exec.historyRefs = [ref]),
      };
    }
  }

  historyOf(exec: Execution): StoredEvent[] {
    const journal = this.o.journal;
    const committed = journal ? journal.readEvents(exec.historyRefs) : exec.historyChunks.flatMap((chunk) => JSON.parse(chunk) as StoredEvent[]);
    return [...committed, ...exec.history];
  }

  header(exec: Execution): ExecutionHeader {
    const h: Record<string, unknown> = {};
    for (const k of HEADER_KEYS) if (exec[k] !== undefined) h[k] = exec[k];
    return h as unknown as ExecutionHeader;
  }

  // ——— lifecycle of executions ———

  start(exec: Execution): void {
    this.executions.set(exec.arn, exec);
    const root = this.newFrame(exec, null, 0, exec.definition.root, exec.inputJson);
    this.emit(exec, null, 'ExecutionStarted', 'executionStartedEventDetails', {
      input: exec.input,
      inputDetails: { truncated: false },
      roleArn: exec.roleArn,
      stateMachineArn: exec.stateMachineArn,
    });
    if (exec.definition.timeoutSeconds !== undefined) {
      exec.timeoutAt = exec.startDate + exec.definition.timeoutSeconds * 1000;
      this.armExecutionTimeout(exec);
    }
    root.lastEvent = exec.lastEventId;
    this.markDirty(exec);
    this.enqueue(() => this.enter(exec, root));
  }

  /** Re-arms timers, tokens and in-flight work of an execution read back from the journal. */
  resume(exec: Execution): void {
    this.executions.set(exec.arn, exec);
    if (exec.status !== 'RUNNING') return;
    this.armExecutionTimeout(exec);
    for (const f of exec.frames.values()) {
      switch (f.phase) {
        case 'enter':
          this.enqueue(() => this.enter(exec, f));
          break;
        case 'wait':
        case 'retry':
          this.armUntil(exec, f);
          break;
        case 'children':
          if (f.kids && f.kids.remaining === 0) this.enqueue(() => this.childrenDone(exec, f));
          break;
        case 'task': {
          const task = f.task as TaskRun;
          if (task.token) this.tokens.set(task.token, { arn: exec.arn, frame: f.id, attempt: task.attempt });
          if (task.submitted) this.armTaskTimers(exec, f, task);
          else this.enqueue(() => this.startTask(exec, f, this.state(exec, f) as TaskState));
          break;
        }
      }
    }
  }

  /** Resolves once the execution is aborted, without waiting for unrelated work (or hung handlers). */
  stop(exec: Execution, error: string | undefined, cause: string | undefined): Promise<void> {
    return new Promise((resolve) => {
      this.enqueue(() => {
        if (exec.status === 'RUNNING') {
          this.abortActiveStates(exec);
          this.closeExecution(exec, 'ABORTED', { error, cause });
          this.emit(exec, null, 'ExecutionAborted', 'executionAbortedEventDetails', { error, cause });
          this.commit();
        }
        resolve();
      });
    });
  }

  private commitSoon(): void {
    this.enqueue(() => undefined);
  }

  private armExecutionTimeout(exec: Execution): void {
    const at = exec.timeoutAt;
    if (at === undefined) return;
    this.schedule(exec, '', at, () => {
      if (exec.status !== 'RUNNING') return;
      this.abortActiveStates(exec);
      this.closeExecution(exec, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out.' });
      this.emit(exec, null, 'ExecutionTimedOut', 'executionTimedOutEventDetails', { error: 'States.Timeout', cause: 'The execution timed out.' });
    });
  }

  /** History of a stop or an execution timeout: each state still running is recorded as aborted, innermost first. */
  private abortActiveStates(exec: Execution): void {
    for (const f of [...exec.frames.values()].reverse()) {
      if (f.phase === 'enter') continue;
      const st = this.state(exec, f);
      this.emit(exec, f, `${TYPE_EVENT_PREFIX[st.type]}Aborted`);
      const parent = f.parent === null ? undefined : exec.frames.get(f.parent);
      if (parent && this.state(exec, parent).type === 'Map' && parent.kids?.ids.includes(f.id)) {
        this.emit(exec, f, 'MapIterationAborted', 'mapIterationAbortedEventDetails', { name: this.state(exec, parent).name, index: f.slot });
      }
    }
  }

  private closeExecution(exec: Execution, status: ExecutionStatus, r: { output?: string; error?: string; cause?: string }): void {
    exec.status = status;
    exec.stopDate = this.o.clock.nowMs();
    if (r.output !== undefined) exec.output = r.output;
    if (r.error !== undefined) exec.error = r.error;
    if (r.cause !== undefined) exec.cause = r.cause;
    for (const id of [...exec.frames.keys()]) this.dropFrame(exec, id);
    for (const list of exec.timers.values()) for (const t of list) t.cancel();
    exec.timers.clear();
    this.markDirty(exec);
  }

  // ——— frames ———

  private newFrame(exec: Execution, parent: Frame | null, slot: number, graph: Graph, input: Json): Frame {
    const f: Frame = {
      id: String(exec.nextFrame++),
      parent: parent?.id ?? null,
      slot,
      graph: graph.id,
      state: graph.startAt,
      input,
      enteredAt: this.o.clock.nowMs(),
      phase: 'enter',
      vars: {},
      retryCounts: [],
      retries: 0,
      lastEvent: parent?.lastEvent ?? exec.lastEventId,
    };
    exec.frames.set(f.id, f);
    return f;
  }

  private dropFrame(exec: Execution, id: string): void {
    const f = exec.frames.get(id);
    if (!f) return;
    for (const kid of f.kids?.ids ?? []) this.dropFrame(exec, kid);
    for (const t of exec.timers.get(id) ?? []) t.cancel();
    exec.timers.delete(id);
    if (f.task) {
      if (f.task.token) this.tokens.delete(f.task.token);
      this.release(exec, f.task.attempt);
    }
    exec.frames.delete(id);
  }

  state(exec: Execution, f: Frame): State {
    return (exec.definition.graphs.get(f.graph) as Graph).states.get(f.state) as State;
  }

  private live(exec: Execution, f: Frame): boolean {
    return exec.status === 'RUNNING' && exec.frames.get(f.id) === f;
  }

  private schedule(exec: Execution, frameId: string, at: number, fire: () => Promise<void> | void): void {
    const run = () => this.enqueue(fire);
    if (at <= this.o.clock.nowMs()) {
      run();
      return;
    }
    const handle = this.o.clock.schedule(at, run);
    const list = exec.timers.get(frameId);
    if (list) list.push(handle);
    else exec.timers.set(frameId, [handle]);
  }

  private cancelTimers(exec: Execution, f: Frame): void {
    for (const t of exec.timers.get(f.id) ?? []) t.cancel();
    exec.timers.delete(f.id);
  }

  private armUntil(exec: Execution, f: Frame): void {
    const phase = f.phase;
    this.schedule(exec, f.id, f.until as number, () => {
      if (!this.live(exec, f) || f.phase !== phase) return;
      f.until = undefined;
      if (phase === 'wait') return this.finish(exec, f, this.state(exec, f), {});
      return this.run(exec, f);
    });
  }

  // ——— history ———

  private emit(exec: Execution, f: Frame | null, type: string, key?: string, details?: Record<string, unknown>): number {
    const id = ++exec.lastEventId;
    const ev: StoredEvent = { id, previousEventId: f ? f.lastEvent : id - 1, timestamp: this.o.clock.nowMs(), type };
    if (key && details) {
      for (const k of Object.keys(details)) if (details[k] === undefined) delete details[k];
      ev[key] = details;
    }
    exec.history.push(ev);
    if (f) f.lastEvent = id;
    this.markDirty(exec);
    return id;
  }

  // ——— evaluation ———

  private varsOf(exec: Execution, f: Frame): Record<string, Json> {
    if (f.parent === null) return f.vars;
    const chain: Frame[] = [];
    for (let cur: Frame | undefined = f; cur; cur = cur.parent === null ? undefined : exec.frames.get(cur.parent)) chain.push(cur);
    const out: Record<string, Json> = {};
    for (let i = chain.length - 1; i >= 0; i--) Object.assign(out, (chain[i] as Frame).vars);
    return out;
  }

  private bindings(exec: Execution, f: Frame, extra: { result?: Json; errorOutput?: Json; token?: string; item?: { index: number; value: Json } } = {}): Bindings {
    const context: Record<string, unknown> = {
      Execution: { Id: exec.arn, Input: exec.inputJson, Name: exec.name, RoleArn: exec.roleArn, StartTime: iso(exec.startDate), RedriveCount: 0 },
      State: { EnteredTime: iso(f.enteredAt), Name: f.state, RetryCount: f.retries },
      StateMachine: { Id: exec.stateMachineArn, Name: exec.stateMachineName },
    };
    if (extra.token !== undefined) context.Task = { Token: extra.token };
    if (extra.item) context.Map = { Item: { Index: extra.item.index, Value: extra.item.value } };
    const states: Record<string, unknown> = { input: f.input, context };
    if (extra.result !== undefined) states.result = extra.result;
    if (extra.errorOutput !== undefined) states.errorOutput = extra.errorOutput;
    return { ...this.varsOf(exec, f), states };
  }

  private async evalAssign(assign: Assign | undefined, b: Bindings, field: string): Promise<Record<string, Json> | undefined> {
    if (!assign) return undefined;
    const out: Record<string, Json> = {};
    for (const [name, t] of assign) out[name] = await evaluateTemplate(t, b, `${field}/${name}`);
    return out;
  }

  private async evalNumber(t: Template | undefined, b: Bindings, field: string, min: number): Promise<number | undefined> {
    if (!t) return undefined;
    const v = t.k === 'expr' ? await evaluateExpression(t.e, t.src, b, field) : await evaluateTemplate(t, b, field);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      throw new StatesError('States.QueryEvaluationError', `The value of the field '${field}' must be an integer ≥ ${min}, but was ${str(v)}.`);
    }
    return v;
  }

  // ——— states ———

  private async enter(exec: Execution, f: Frame): Promise<void> {
    if (!this.live(exec, f) || f.phase !== 'enter') return;
    const st = this.state(exec, f);
    f.enteredAt = this.o.clock.nowMs();
    f.retryCounts = [];
    f.retries = 0;
    this.countTransition(exec);
    this.emit(exec, f, `${TYPE_EVENT_PREFIX[st.type]}Entered`, 'stateEnteredEventDetails', { name: st.name, input: str(f.input), inputDetails: { truncated: false } });
    await this.run(exec, f);
  }

  private countTransition(exec: Execution): void {
    exec.transitions++;
    this.totals.transitions++;
  }

  /** Performs the state's work; called on entry and again for each retry. */
  private async run(exec: Execution, f: Frame): Promise<void> {
    const st = this.state(exec, f);
    try {
      switch (st.type) {
        case 'Pass':
          return await this.finish(exec, f, st, {});
        case 'Succeed': {
          const output = st.output ? await evaluateTemplate(st.output, this.bindings(exec, f), 'Output') : f.input;
          this.emit(exec, f, 'SucceedStateExited', 'stateExitedEventDetails', { name: st.name, output: str(output), outputDetails: { truncated: false } });
          return this.frameDone(exec, f, output);
        }
        case 'Fail': {
          const b = this.bindings(exec, f);
          const error = st.error ? await evaluateTemplate(st.error, b, 'Error') : undefined;
          const cause = st.cause ? await evaluateTemplate(st.cause, b, 'Cause') : undefined;
          if ((error !== undefined && typeof error !== 'string') || (cause !== undefined && typeof cause !== 'string')) {
            throw new StatesError('States.QueryEvaluationError', `The fields 'Error' and 'Cause' of state '${st.name}' must evaluate to strings.`);
          }
          return this.frameFailed(exec, f, error ?? '', cause ?? '');
        }
        case 'Choice': {
          const b = this.bindings(exec, f);
          for (const [i, rule] of st.choices.entries()) {
            const v = await evaluateTemplate(rule.condition, b, `Choices[${i}].Condition`);
            if (typeof v !== 'boolean') {
              throw new StatesError('States.QueryEvaluationError', `The Condition of Choices[${i}] in state '${st.name}' must evaluate to a boolean, but returned ${str(v)}.`);
            }
            if (v) return await this.finish(exec, f, st, { next: rule.next, output: rule.output ?? st.output, assign: rule.assign ?? st.assign, bindings: b });
          }
          if (st.default) return await this.finish(exec, f, st, { next: st.default, bindings: b });
          throw new StatesError('States.NoChoiceMatched', `No Choice rule matched and no Default is set in state '${st.name}'.`);
        }
        case 'Wait': {
          const b = this.bindings(exec, f);
          let until: number;
          if (st.seconds) until = this.o.clock.nowMs() + ((await this.evalNumber(st.seconds, b, 'Seconds', 0)) as number) * 1000;
          else {
            const ts = await evaluateTemplate(st.timestamp as Template, b, 'Timestamp');
            until = typeof ts === 'string' ? Date.parse(ts) : Number.NaN;
            if (Number.isNaN(until)) throw new StatesError('States.QueryEvaluationError', `The field 'Timestamp' of state '${st.name}' must be an ISO-8601 timestamp, but was ${str(ts)}.`);
          }
          f.phase = 'wait';
          f.until = until;
          this.markDirty(exec);
          return this.armUntil(exec, f);
        }
        case 'Task':
          return await this.scheduleTask(exec, f, st);
        case 'Parallel':
          return await this.startParallel(exec, f, st);
        case 'Map':
          return await this.startMap(exec, f, st);
      }
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      await this.handleError(exec, f, st, e);
    }
  }

  /** Assign and Output of a state that completed, then the transition. Both see the values at state entry. */
  private async finish(
    exec: Execution,
    f: Frame,
    st: State,
    r: { result?: Json; next?: string; output?: Template; assign?: Assign; bindings?: Bindings },
  ): Promise<void> {
    try {
      const b = r.result !== undefined ? this.bindings(exec, f, { result: r.result }) : (r.bindings ?? this.bindings(exec, f));
      const outputT = 'output' in r ? r.output : st.output;
      const assignT = 'assign' in r ? r.assign : st.assign;
      const assigned = await this.evalAssign(assignT, b, 'Assign');
      const output = outputT ? await evaluateTemplate(outputT, b, 'Output') : r.result !== undefined ? r.result : f.input;
      this.transition(exec, f, st, output, assigned, r.next);
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      await this.handleError(exec, f, st, e);
    }
  }

  private transition(exec: Execution, f: Frame, st: State, output: Json, assigned: Record<string, Json> | undefined, next: string | undefined): void {
    if (assigned) Object.assign(f.vars, assigned);
    this.emit(exec, f, `${TYPE_EVENT_PREFIX[st.type]}Exited`, 'stateExitedEventDetails', {
      name: st.name,
      output: str(output),
      outputDetails: { truncated: false },
      assignedVariables: assigned ? Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, str(v)])) : undefined,
      assignedVariablesDetails: assigned ? { truncated: false } : undefined,
    });
    const target = next ?? st.next;
    if (target === undefined) return this.frameDone(exec, f, output);
    f.state = target;
    f.input = output;
    f.phase = 'enter';
    f.until = undefined;
    f.task = undefined;
    f.kids = undefined;
    this.markDirty(exec);
    this.enqueue(() => this.enter(exec, f));
  }

  private async handleError(exec: Execution, f: Frame, st: State, err: StatesError): Promise<void> {
    if (!this.live(exec, f)) return;
    this.cancelTimers(exec, f);
    if (f.task) {
      if (f.task.token) this.tokens.delete(f.task.token);
      this.release(exec, f.task.attempt);
    }
    f.task = undefined;
    if (st.type === 'Task' || st.type === 'Parallel' || st.type === 'Map') {
      const idx = st.retry.findIndex((r) => errorMatches(r.errorEquals, err.error));
      const retrier = st.retry[idx];
      if (retrier) {
        const count = f.retryCounts[idx] ?? 0;
        if (count < retrier.maxAttempts) {
          let delay = retrier.intervalSeconds * retrier.backoffRate ** count;
          if (retrier.maxDelaySeconds !== undefined) delay = Math.min(delay, retrier.maxDelaySeconds);
          if (retrier.jitter === 'FULL') delay *= this.o.random();
          f.retryCounts[idx] = count + 1;
          f.retries++;
          this.retriesByError.set(err.error, (this.retriesByError.get(err.error) ?? 0) + 1);
          f.phase = 'retry';
          f.until = this.o.clock.nowMs() + Math.round(delay * 1000);
          this.countTransition(exec);
          this.markDirty(exec);
          return this.armUntil(exec, f);
        }
      }
      const catcher = st.catch.find((c) => errorMatches(c.errorEquals, err.error));
      if (catcher) {
        const errorOutput = { Error: err.error, Cause: err.cause };
        try {
          const b = this.bindings(exec, f, { errorOutput });
          const assigned = await this.evalAssign(catcher.assign, b, 'Catch.Assign');
          const output = catcher.output ? await evaluateTemplate(catcher.output, b, 'Catch.Output') : errorOutput;
          return this.transition(exec, f, st, output, assigned, catcher.next);
        } catch (e) {
          if (!(e instanceof StatesError)) throw e;
          return this.frameFailed(exec, f, e.error, e.cause);
        }
      }
    }
    this.frameFailed(exec, f, err.error, err.cause);
  }

  private frameFailed(exec: Execution, f: Frame, error: string, cause: string): void {
    if (!this.live(exec, f)) return;
    if (f.parent === null) {
      this.closeExecution(exec, 'FAILED', { error, cause });
      this.emit(exec, null, 'ExecutionFailed', 'executionFailedEventDetails', { error, cause });
      return;
    }
    const parent = exec.frames.get(f.parent) as Frame;
    const pst = this.state(exec, parent);
    if (pst.type === 'Map') this.emit(exec, f, 'MapIterationFailed', 'mapIterationFailedEventDetails', { name: pst.name, index: f.slot });
    for (const kid of parent.kids?.ids ?? []) this.dropFrame(exec, kid);
    parent.kids = undefined;
    parent.lastEvent = exec.lastEventId;
    this.emit(exec, parent, pst.type === 'Map' ? 'MapStateFailed' : 'ParallelStateFailed');
    this.markDirty(exec);
    this.enqueue(() => this.handleError(exec, parent, pst, new StatesError(error, cause)));
  }

  private frameDone(exec: Execution, f: Frame, output: Json): void {
    if (f.parent === null) {
      this.closeExecution(exec, 'SUCCEEDED', { output: str(output) });
      this.emit(exec, null, 'ExecutionSucceeded', 'executionSucceededEventDetails', { output: str(output), outputDetails: { truncated: false } });
      return;
    }
    const parent = exec.frames.get(f.parent) as Frame;
    const kids = parent.kids as Children;
    const pst = this.state(exec, parent);
    kids.results[f.slot] = output;
    kids.remaining--;
    kids.ids = kids.ids.filter((id) => id !== f.id);
    if (pst.type === 'Map') this.emit(exec, f, 'MapIterationSucceeded', 'mapIterationSucceededEventDetails', { name: pst.name, index: f.slot });
    this.cancelTimers(exec, f);
    exec.frames.delete(f.id);
    parent.lastEvent = Math.max(parent.lastEvent, f.lastEvent);
    this.markDirty(exec);
    if (pst.type === 'Map' && kids.items && kids.next < kids.items.length) {
      this.enqueue(() => this.spawnIteration(exec, parent, pst));
    }
    if (kids.remaining === 0) this.enqueue(() => this.childrenDone(exec, parent));
  }

  private async childrenDone(exec: Execution, f: Frame): Promise<void> {
    if (!this.live(exec, f) || f.phase !== 'children' || !f.kids || f.kids.remaining !== 0) return;
    const st = this.state(exec, f);
    this.emit(exec, f, st.type === 'Map' ? 'MapStateSucceeded' : 'ParallelStateSucceeded');
    await this.finish(exec, f, st, { result: f.kids.results });
  }

  // ——— Parallel and Map ———

  private async startParallel(exec: Execution, f: Frame, st: ParallelState): Promise<void> {
    const input = st.arguments ? await evaluateTemplate(st.arguments, this.bindings(exec, f), 'Arguments') : f.input;
    this.emit(exec, f, 'ParallelStateStarted');
    f.phase = 'children';
    f.kids = { ids: [], results: st.branches.map(() => null), remaining: st.branches.length, next: st.branches.length, max: 0 };
    for (const [i, branch] of st.branches.entries()) {
      const kid = this.newFrame(exec, f, i, branch, input);
      f.kids.ids.push(kid.id);
      this.enqueue(() => this.enter(exec, kid));
    }
    this.markDirty(exec);
  }

  private async startMap(exec: Execution, f: Frame, st: MapState): Promise<void> {
    const b = this.bindings(exec, f);
    const items = st.items ? await evaluateTemplate(st.items, b, 'Items') : f.input;
    if (!Array.isArray(items)) {
      throw new StatesError('States.QueryEvaluationError', `The field 'Items' of Map state '${st.name}' must evaluate to a JSON array, but was ${str(items)}.`);
    }
    const max = (await this.evalNumber(st.maxConcurrency, b, 'MaxConcurrency', 0)) ?? 0;
    this.emit(exec, f, 'MapStateStarted', 'mapStateStartedEventDetails', { length: items.length });
    f.phase = 'children';
    f.kids = { ids: [], results: items.map(() => null), remaining: items.length, next: 0, max, items };
    this.markDirty(exec);
    if (items.length === 0) return this.childrenDone(exec, f);
    const first = max === 0 ? items.length : Math.min(max, items.length);
    for (let i = 0; i < first; i++) await this.spawnIteration(exec, f, st);
  }

  private async spawnIteration(exec: Execution, f: Frame, st: MapState): Promise<void> {
    if (!this.live(exec, f) || !f.kids?.items || f.kids.next >= f.kids.items.length) return;
    const kids = f.kids;
    const items = f.kids.items;
    const index = kids.next++;
    const value = items[index] as Json;
    try {
      const input = st.itemSelector ? await evaluateTemplate(st.itemSelector, this.bindings(exec, f, { item: { index, value } }), 'ItemSelector') : value;
      const kid = this.newFrame(exec, f, index, st.processor, input);
      kids.ids.push(kid.id);
      this.emit(exec, kid, 'MapIterationStarted', 'mapIterationStartedEventDetails', { name: st.name, index });
      this.markDirty(exec);
      this.enqueue(() => this.enter(exec, kid));
    } catch (e) {
      if (!(e instanceof StatesError)) throw e;
      for (const id of kids.ids) this.dropFrame(exec, id);
      f.kids = undefined;
      await this.handleError(exec, f, st, e);
    }
  }

  // ——— tasks ———

  private async scheduleTask(exec: Execution, f: Frame, st: TaskState): Promise<void> {
    const callback = st.spec.kind === 'lambda:invoke' && st.spec.waitForTaskToken;
    const attempt = exec.nextAttempt++;
    const token = callback ? this.newToken(exec, f, attempt) : undefined;
    const b = this.bindings(exec, f, { token });
    const args = st.arguments ? await evaluateTemplate(st.arguments, b, 'Arguments') : f.input;
    const timeout = await this.evalNumber(st.timeoutSeconds, b, 'TimeoutSeconds', 1);
    const heartbeat = callback ? await this.evalNumber(st.heartbeatSeconds, b, 'HeartbeatSeconds', 1) : undefined;
    const now = this.o.clock.nowMs();
    const task: TaskRun = { attempt, args };
    if (token) {
      task.token = token;
      this.tokens.set(token, { arn: exec.arn, frame: f.id, attempt });
    }
    if (timeout !== undefined) task.timeoutAt = now + timeout * 1000;
    if (heartbeat !== undefined) {
      task.heartbeatSeconds = heartbeat;
      task.heartbeatAt = now + heartbeat * 1000;
    }
    f.phase = 'task';
    f.task = task;
    const names = resourceNames(st.spec, st.resource);
    if (st.spec.kind === 'lambda:arn') {
      this.emit(exec, f, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', { resource: st.resource, input: str(args), inputDetails: { truncated: false }, timeoutInSeconds: timeout });
    } else {
      this.emit(exec, f, 'TaskScheduled', 'taskScheduledEventDetails', {
        ...names,
        region: this.o.resources.region,
        parameters: str(args),
        timeoutInSeconds: timeout,
        heartbeatInSeconds: heartbeat,
      });
    }
    this.startTask(exec, f, st);
  }

  private newToken(exec: Execution, f: Frame, attempt: number): string {
    const body = Buffer.from(JSON.stringify({ e: exec.arn, f: f.id, a: attempt })).toString('base64url');
    return `${body}.${randomBytes(24).toString('base64url')}`;
  }

  private startTask(exec: Execution, f: Frame, st: TaskState): void {
    if (!this.live(exec, f) || f.phase !== 'task' || !f.task) return;
    const task = f.task;
    const names = resourceNames(st.spec, st.resource);
    if (st.spec.kind === 'lambda:arn') this.emit(exec, f, 'LambdaFunctionStarted');
    else this.emit(exec, f, 'TaskStarted', 'taskStartedEventDetails', names);
    exec.taskInvocations++;
    this.totals.taskInvocations++;
    this.armTaskTimers(exec, f, task);
    this.pendingInvocations.push(() => {
      // A task that timed out or was stopped while it waited for a slot is not invoked any more.
      if (!this.current(exec, f, task.attempt)) {
        this.running--;
        return;
      }
      const key = `${exec.arn}#${task.attempt}`;
      this.inflight++;
      this.awaited.set(key, () => {
        this.awaited.delete(key);
        this.inflight--;
        this.settle();
      });
      runResource(this.o.resources, st.spec, st.resource, task.args)
        .then(
          (result) => this.enqueue(() => this.taskSettled(exec, f, task.attempt, result, undefined)),
          (e: unknown) => {
            const err = e instanceof StatesError ? e : new StatesError('States.Runtime', String((e as Error)?.message ?? e));
            this.enqueue(() => this.taskSettled(exec, f, task.attempt, undefined, err));
          },
        )
        .finally(() => {
          this.running--;
          this.release(exec, task.attempt);
          this.startReady();
        });
    });
  }

  /** Starts waiting invocations while handler slots are free. */
  private startReady(): void {
    while (this.running < this.maxRunning && this.readyHead < this.ready.length && !this.dead) {
      const start = this.ready[this.readyHead++] as () => void;
      if (this.readyHead === this.ready.length) {
        this.ready.length = 0;
        this.readyHead = 0;
      }
      this.running++;
      start();
    }
    if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
      this.ready.splice(0, this.readyHead);
      this.readyHead = 0;
    }
    this.settle();
  }

  private release(exec: Execution, attempt: number): void {
    this.awaited.get(`${exec.arn}#${attempt}`)?.();
  }

  private armTaskTimers(exec: Execution, f: Frame, task: TaskRun): void {
    if (task.timeoutAt !== undefined) {
      this.schedule(exec, f.id, task.timeoutAt, () => this.taskTimedOut(exec, f, task.attempt, 'States.Timeout'));
    }
    if (task.heartbeatAt !== undefined) {
      const at = task.heartbeatAt;
      this.schedule(exec, f.id, at, () => {
        if (f.task?.heartbeatAt === at) return this.taskTimedOut(exec, f, task.attempt, 'States.HeartbeatTimeout');
      });
    }
  }

  private current(exec: Execution, f: Frame, attempt: number): boolean {
    return this.live(exec, f) && f.phase === 'task' && f.task?.attempt === attempt;
  }

  private async taskSettled(exec: Execution, f: Frame, attempt: number, result: Json | undefined, err: StatesError | undefined): Promise<void> {
    if (!this.current(exec, f, attempt)) return;
    const st = this.state(exec, f) as TaskState;
    const names = resourceNames(st.spec, st.resource);
    const task = f.task as TaskRun;
    if (!err && task.token) {
      task.submitted = true;
      this.emit(exec, f, 'TaskSubmitted', 'taskSubmittedEventDetails', { ...names, output: str(result as Json), outputDetails: { truncated: false } });
      return;
    }
    if (err) {
      if (st.spec.kind === 'lambda:arn') this.emit(exec, f, 'LambdaFunctionFailed', 'lambdaFunctionFailedEventDetails', { error: err.error, cause: err.cause });
      else this.emit(exec, f, 'TaskFailed', 'taskFailedEventDetails', { ...names, error: err.error, cause: err.cause });
      return this.handleError(exec, f, st, err);
    }
    await this.taskSucceeded(exec, f, st, result as Json);
  }

  private async taskSucceeded(exec: Execution, f: Frame, st: TaskState, result: Json): Promise<void> {
    this.cancelTimers(exec, f);
    if (f.task?.token) this.tokens.delete(f.task.token);
    if (st.spec.kind === 'lambda:arn') {
      this.emit(exec, f, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', { output: str(result), outputDetails: { truncated: false } });
    } else {
      this.emit(exec, f, 'TaskSucceeded', 'taskSucceededEventDetails', { ...resourceNames(st.spec, st.resource), output: str(result), outputDetails: { truncated: false } });
    }
    await this.finish(exec, f, st, { result });
  }

  private async taskTimedOut(exec: Execution, f: Frame, attempt: number, error: 'States.Timeout' | 'States.HeartbeatTimeout'): Promise<void> {
    if (!this.current(exec, f, attempt)) return;
    const st = this.state(exec, f) as TaskState;
    const cause = error === 'States.Timeout' ? 'The task timed out.' : 'The task did not send a heartbeat in time.';
    if (st.spec.kind === 'lambda:arn') this.emit(exec, f, 'LambdaFunctionTimedOut', 'lambdaFunctionTimedOutEventDetails', { error, cause });
    else this.emit(exec, f, 'TaskTimedOut', 'taskTimedOutEventDetails', { ...resourceNames(st.spec, st.resource), error, cause });
    await this.handleError(exec, f, st, new StatesError(error, cause));
  }

  // ——— task tokens ———

  /** Resolves a token to its waiting task, or throws TokenLookupError saying why not. */
  lookupToken(token: string): { exec: Execution; frame: Frame; attempt: number } {
    const known = this.tokens.get(token);
    if (!known) {
      const body = token.split('.')[0] ?? '';
      let arn: unknown;
      try {
        arn = (JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { e?: unknown }).e;
      } catch {
        throw new TokenLookupError('invalid');
      }
      if (typeof arn !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{32}$/.test(token)) throw new TokenLookupError('invalid');
      throw new TokenLookupError(this.executions.has(arn) ? 'gone' : 'unknown');
    }
    const exec = this.executions.get(known.arn);
    const frame = exec?.frames.get(known.frame);
    if (!exec || !frame || !this.current(exec, frame, known.attempt)) throw new TokenLookupError('gone');
    return { exec, frame, attempt: known.attempt };
  }

  completeToken(token: string, outcome: { output: Json } | { error: string; cause: string }): void {
    const { exec, frame, attempt } = this.lookupToken(token);
    this.tokens.delete(token);
    this.enqueue(async () => {
      if (!this.current(exec, frame, attempt)) return;
      const st = this.state(exec, frame) as TaskState;
      if ('output' in outcome) return this.taskSucceeded(exec, frame, st, outcome.output);
      this.emit(exec, frame, 'TaskFailed', 'taskFailedEventDetails', { ...resourceNames(st.spec, st.resource), error: outcome.error, cause: outcome.cause });
      await this.handleError(exec, frame, st, new StatesError(outcome.error, outcome.cause));
    });
  }

  heartbeat(token: string): void {
    const { exec, frame } = this.lookupToken(token);
    const task = frame.task as TaskRun;
    if (task.heartbeatSeconds === undefined) return;
    task.heartbeatAt = this.o.clock.nowMs() + task.heartbeatSeconds * 1000;
    const at = task.heartbeatAt;
    this.markDirty(exec);
    this.schedule(exec, frame.id, at, () => {
      if (frame.task?.heartbeatAt === at) return this.taskTimedOut(exec, frame, task.attempt, 'States.HeartbeatTimeout');
    });
    this.commitSoon();
  }
}
