/**
 * Loads and validates a state machine definition against the JSONata subset this engine implements
 * (README.md). Anything outside it is rejected here with the state and field named, never run
 * approximately (ARCHITECTURE.md invariant 1). Every JSONata expression is compiled once, here.
 */
import * as dynamodb from '@aws-sdk/client-dynamodb';
import { DefinitionError, PREDEFINED_ERRORS } from './errors';
import { type ExpressionCompiler, type Json, type Template, isExpression } from './expressions';

export type ResourceSpec =
  | { kind: 'lambda:invoke'; waitForTaskToken: boolean }
  | { kind: 'lambda:arn'; functionName: string; arn: string }
  | { kind: 'dynamodb'; action: string; command: string; sdk: boolean };

export interface Retrier {
  errorEquals: string[];
  intervalSeconds: number;
  maxAttempts: number;
  backoffRate: number;
  maxDelaySeconds: number | undefined;
  jitter: 'FULL' | 'NONE';
}

export interface Catcher {
  errorEquals: string[];
  next: string;
  output: Template | undefined;
  assign: Assign | undefined;
}

export type Assign = Array<[string, Template]>;

interface StateCommon {
  name: string;
  next: string | undefined;
  end: boolean;
  output: Template | undefined;
  assign: Assign | undefined;
}

export interface TaskState extends StateCommon {
  type: 'Task';
  resource: string;
  spec: ResourceSpec;
  arguments: Template | undefined;
  timeoutSeconds: Template | undefined;
  heartbeatSeconds: Template | undefined;
  retry: Retrier[];
  catch: Catcher[];
}
export interface PassState extends StateCommon {
  type: 'Pass';
}
export interface ChoiceRule {
  condition: Template;
  next: string;
  output: Template | undefined;
  assign: Assign | undefined;
}
export interface ChoiceState extends StateCommon {
  type: 'Choice';
  choices: ChoiceRule[];
  default: string | undefined;
}
export interface WaitState extends StateCommon {
  type: 'Wait';
  seconds: Template | undefined;
  timestamp: Template | undefined;
}
export interface SucceedState extends StateCommon {
  type: 'Succeed';
}
export interface FailState extends StateCommon {
  type: 'Fail';
  error: Template | undefined;
  cause: Template | undefined;
}
export interface ParallelState extends StateCommon {
  type: 'Parallel';
  branches: Graph[];
  arguments: Template | undefined;
  retry: Retrier[];
  catch: Catcher[];
}
export interface MapState extends StateCommon {
  type: 'Map';
  processor: Graph;
  items: Template | undefined;
  itemSelector: Template | undefined;
  maxConcurrency: Template | undefined;
  retry: Retrier[];
  catch: Catcher[];
}

export type State = TaskState | PassState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState;

/** A list of states with a start: the machine itself, a Parallel branch or a Map processor. */
export interface Graph {
  id: string;
  startAt: string;
  states: Map<string, State>;
}

export interface Definition {
  root: Graph;
  graphs: Map<string, Graph>;
  timeoutSeconds: number | undefined;
  /** The definition as given, with substitutions applied (what DescribeStateMachine returns). */
  text: string;
}

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const ALLOWED: Record<string, string[]> = {
  Task: [...COMMON, 'Resource', 'Arguments', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch', 'TimeoutSeconds', 'HeartbeatSeconds'],
  Pass: [...COMMON, 'Output', 'Assign', 'Next', 'End'],
  Choice: [...COMMON, 'Choices', 'Default', 'Output', 'Assign'],
  Wait: [...COMMON, 'Seconds', 'Timestamp', 'Output', 'Assign', 'Next', 'End'],
  Succeed: [...COMMON, 'Output'],
  Fail: [...COMMON, 'Error', 'Cause'],
  Parallel: [...COMMON, 'Branches', 'Arguments', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch'],
  Map: [...COMMON, 'ItemProcessor', 'Items', 'ItemSelector', 'MaxConcurrency', 'Output', 'Assign', 'Next', 'End', 'Retry', 'Catch'],
};
const JSONPATH_FIELDS = new Set(['InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'Result', 'ItemsPath', 'SecondsPath', 'TimestampPath', 'ErrorPath', 'CausePath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'Iterator']);
const DISTRIBUTED_MAP_FIELDS = new Set(['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Label']);
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,79}$/;
const STATE_NAME_MAX = 80;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function applySubstitutions(value: unknown, subs: Record<string, string>, missing: Set<string>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key: string) => {
      const sub = subs[key];
      if (sub === undefined) {
        missing.add(key);
        return whole;
      }
      return sub;
    });
  }
  if (Array.isArray(value)) return value.map((v) => applySubstitutions(v, subs, missing));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applySubstitutions(v, subs, missing)]));
  return value;
}

function dynamoCommand(action: string): string | undefined {
  const name = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
  return action.charAt(0) === action.charAt(0).toLowerCase() && typeof (dynamodb as Record<string, unknown>)[name] === 'function' ? name : undefined;
}

export function parseResource(resource: string): ResourceSpec | undefined {
  if (resource === 'arn:aws:states:::lambda:invoke') return { kind: 'lambda:invoke', waitForTaskToken: false };
  if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') return { kind: 'lambda:invoke', waitForTaskToken: true };
  const fn = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]{1,64})(?::[A-Za-z0-9$_-]+)?$/.exec(resource);
  if (fn) return { kind: 'lambda:arn', functionName: fn[1] as string, arn: resource };
  const opt = /^arn:aws:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/.exec(resource);
  if (opt) return { kind: 'dynamodb', action: opt[1] as string, command: dynamoCommand(opt[1] as string) as string, sdk: false };
  const sdk = /^arn:aws:states:::aws-sdk:dynamodb:([A-Za-z]+)$/.exec(resource);
  if (sdk) {
    const command = dynamoCommand(sdk[1] as string);
    if (command) return { kind: 'dynamodb', action: sdk[1] as string, command, sdk: true };
  }
  return undefined;
}

/** Variables a scope assigns at its own level (its states, choice rules and catchers), nested scopes excluded. */
function assignedNames(states: Record<string, unknown>): Set<string> {
  const names = new Set<string>();
  const add = (assign: unknown) => {
    if (isObject(assign)) for (const k of Object.keys(assign)) names.add(k);
  };
  for (const s of Object.values(states)) {
    if (!isObject(s)) continue;
    add(s.Assign);
    for (const list of [s.Choices, s.Catch]) if (Array.isArray(list)) for (const c of list) if (isObject(c)) add(c.Assign);
  }
  return names;
}

class Loader {
  readonly graphs = new Map<string, Graph>();

  constructor(
    private readonly compiler: ExpressionCompiler,
    private readonly topLanguage: string | undefined,
  ) {}

  private fail(where: string, message: string): never {
    throw new DefinitionError(`${where}: ${message}`);
  }

  private checkFields(obj: Record<string, unknown>, allowed: string[], where: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      if (JSONPATH_FIELDS.has(key)) this.fail(where, `field '${key}' is a JSONPath field; JSONata states use Arguments, Output and Assign`);
      if (DISTRIBUTED_MAP_FIELDS.has(key)) this.fail(where, `field '${key}' belongs to distributed Map, which the local engine does not implement`);
      this.fail(where, `field '${key}' is not supported by the local engine`);
    }
  }

  private integerOrExpression(value: unknown, where: string, min: number, max: number): Template | undefined {
    if (value === undefined) return undefined;
    if (isExpression(value)) return this.compiler.template(value, where);
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) this.fail(where, `must be an integer from ${min} to ${max} or a JSONata expression`);
    return { k: 'lit', v: value as number };
  }

  private stringOrExpression(value: unknown, where: string): Template | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(where, 'must be a string or a JSONata expression');
    return this.compiler.template(value, where);
  }

  private assign(value: unknown, where: string, outerNames: Set<string>, own: Set<string>): Assign | undefined {
    if (value === undefined) return undefined;
    if (!isObject(value)) this.fail(where, 'Assign must be a JSON object');
    return Object.entries(value).map(([name, v]) => {
      if (!VARIABLE_NAME.test(name) || name === 'states') this.fail(where, `'${name}' is not a valid variable name`);
      if (outerNames.has(name)) {
        this.fail(where, `variable '${name}' is assigned in an outer scope; states inside a Parallel or Map can read outer variables but not assign them`);
      }
      own.add(name);
      return [name, this.compiler.template(v, `${where}.${name}`)];
    });
  }

  private errorNames(value: unknown, where: string): string[] {
    if (!Array.isArray(value) || value.length === 0 || !value.every((e) => typeof e === 'string')) this.fail(where, 'ErrorEquals must be a non-empty array of strings');
    for (const name of value as string[]) {
      if (name.startsWith('States.') && !PREDEFINED_ERRORS.has(name)) this.fail(where, `'${name}' is not a predefined error name`);
    }
    if ((value as string[]).includes('States.ALL') && value.length > 1) this.fail(where, 'States.ALL must appear alone in ErrorEquals');
    return value as string[];
  }

  private retriers(value: unknown, where: string): Retrier[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(where, 'Retry must be an array');
    return value.map((r: unknown, i) => {
      const w = `${where}[${i}]`;
      if (!isObject(r)) this.fail(w, 'a retrier must be an object');
      this.checkFields(r, ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'], w);
      const errorEquals = this.errorNames(r.ErrorEquals, `${w}.ErrorEquals`);
      if (errorEquals.includes('States.ALL') && i !== value.length - 1) this.fail(w, 'a retrier with States.ALL must be the last one');
      const num = (v: unknown, dflt: number, ok: (n: number) => boolean, field: string): number => {
        if (v === undefined) return dflt;
        if (typeof v !== 'number' || !ok(v)) this.fail(`${w}.${field}`, 'out of range');
        return v;
      };
      const jitter = r.JitterStrategy ?? 'NONE';
      if (jitter !== 'FULL' && jitter !== 'NONE') this.fail(`${w}.JitterStrategy`, "must be 'FULL' or 'NONE'");
      return {
        errorEquals,
        intervalSeconds: num(r.IntervalSeconds, 1, (n) => Number.isInteger(n) && n >= 1 && n <= 99_999_999, 'IntervalSeconds'),
        maxAttempts: num(r.MaxAttempts, 3, (n) => Number.isInteger(n) && n >= 0 && n <= 99_999_999, 'MaxAttempts'),
        backoffRate: num(r.BackoffRate, 2, (n) => n >= 1, 'BackoffRate'),
        maxDelaySeconds: r.MaxDelaySeconds === undefined ? undefined : num(r.MaxDelaySeconds, 0, (n) => Number.isInteger(n) && n >= 1 && n < 31_622_401, 'MaxDelaySeconds'),
        jitter,
      };
    });
  }

  private catchers(value: unknown, where: string, outer: Set<string>, own: Set<string>): Catcher[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) this.fail(where, 'Catch must be an array');
    return value.map((c: unknown, i) => {
      const w = `${where}[${i}]`;
      if (!isObject(c)) this.fail(w, 'a catcher must be an object');
      this.checkFields(c, ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'], w);
      const errorEquals = this.errorNames(c.ErrorEquals, `${w}.ErrorEquals`);
      if (errorEquals.includes('States.ALL') && i !== value.length - 1) this.fail(w, 'a catcher with States.ALL must be the last one');
      if (typeof c.Next !== 'string') this.fail(w, 'Next is required');
      return {
        errorEquals,
        next: c.Next,
        output: c.Output === undefined ? undefined : this.compiler.template(c.Output, `${w}.Output`),
        assign: this.assign(c.Assign, `${w}.Assign`, outer, own),
      };
    });
  }

  graph(raw: unknown, id: string, where: string, outerNames: Set<string>, language: string | undefined): Graph {
    if (!isObject(raw)) this.fail(where, 'must be an object');
    const { StartAt, States } = raw;
    if (typeof StartAt !== 'string') this.fail(where, 'StartAt is required');
    if (!isObject(States) || Object.keys(States).length === 0) this.fail(where, 'States must be a non-empty object');
    const own = assignedNames(States);
    const states = new Map<string, State>();
    const graph: Graph = { id, startAt: StartAt, states };
    this.graphs.set(id, graph);
    for (const [name, s] of Object.entries(States)) {
      if (name.length === 0 || name.length > STATE_NAME_MAX) this.fail(`state '${name}'`, `state names must be 1 to ${STATE_NAME_MAX} characters`);
      states.set(name, this.state(name, s, id, outerNames, own, language));
    }
    this.checkTransitions(graph, where);
    return graph;
  }

  private checkTransitions(graph: Graph, where: string): void {
    const targets = (s: State): string[] => {
      const out: string[] = [];
      if (s.next) out.push(s.next);
      if (s.type === 'Choice') {
        out.push(...s.choices.map((c) => c.next));
        if (s.default) out.push(s.default);
      }
      if (s.type === 'Task' || s.type === 'Parallel' || s.type === 'Map') out.push(...s.catch.map((c) => c.next));
      return out;
    };
    if (!graph.states.has(graph.startAt)) this.fail(where, `StartAt '${graph.startAt}' is not a state`);
    for (const s of graph.states.values()) {
      for (const t of targets(s)) if (!graph.states.has(t)) this.fail(`state '${s.name}'`, `transition to '${t}', which is not a state in this scope`);
    }
    const seen = new Set([graph.startAt]);
    const todo = [graph.startAt];
    while (todo.length) {
      for (const t of targets(graph.states.get(todo.pop() as string) as State)) {
        if (!seen.has(t)) {
          seen.add(t);
          todo.push(t);
        }
      }
    }
    for (const name of graph.states.keys()) if (!seen.has(name)) this.fail(`state '${name}'`, 'is unreachable from StartAt');
  }

  private state(name: string, raw: unknown, graphId: string, outer: Set<string>, own: Set<string>, inherited: string | undefined): State {
    const where = `state '${name}'`;
    if (!isObject(raw)) this.fail(where, 'must be an object');
    const type = raw.Type;
    if (typeof type !== 'string' || !ALLOWED[type]) this.fail(where, `Type '${String(type)}' is not supported by the local engine`);
    const language = raw.QueryLanguage ?? inherited;
    if (language !== 'JSONata') {
      this.fail(where, `field 'QueryLanguage' is '${String(language ?? 'JSONPath')}'; the local engine runs JSONata states only (set "QueryLanguage": "JSONata")`);
    }
    this.checkFields(raw, ALLOWED[type] as string[], where);
    const terminal = type === 'Choice' || type === 'Succeed' || type === 'Fail';
    if (!terminal) {
      if (raw.End !== undefined && raw.End !== true) this.fail(where, 'End must be true when present');
      if ((raw.Next === undefined) === (raw.End === undefined)) this.fail(where, 'exactly one of Next and End is required');
      if (raw.Next !== undefined && typeof raw.Next !== 'string') this.fail(where, 'Next must be a state name');
    }
    const common = {
      name,
      next: raw.Next as string | undefined,
      end: raw.End === true,
      output: raw.Output === undefined ? undefined : this.compiler.template(raw.Output, `${where}.Output`),
      assign: this.assign(raw.Assign, `${where}.Assign`, outer, own),
    };
    const inner = new Set([...outer, ...own]);
    switch (type) {
      case 'Pass':
      case 'Succeed':
        return { ...common, type };
      case 'Fail':
        return { ...common, type, error: this.stringOrExpression(raw.Error, `${where}.Error`), cause: this.stringOrExpression(raw.Cause, `${where}.Cause`) };
      case 'Wait': {
        if ((raw.Seconds === undefined) === (raw.Timestamp === undefined)) this.fail(where, 'exactly one of Seconds and Timestamp is required');
        if (typeof raw.Timestamp === 'string' && !isExpression(raw.Timestamp) && Number.isNaN(Date.parse(raw.Timestamp))) this.fail(`${where}.Timestamp`, 'is not an ISO-8601 timestamp');
        return {
          ...common,
          type,
          seconds: this.integerOrExpression(raw.Seconds, `${where}.Seconds`, 0, 99_999_999),
          timestamp: this.stringOrExpression(raw.Timestamp, `${where}.Timestamp`),
        };
      }
      case 'Choice': {
        if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) this.fail(where, 'Choices must be a non-empty array');
        const choices = raw.Choices.map((c: unknown, i): ChoiceRule => {
          const w = `${where}.Choices[${i}]`;
          if (!isObject(c)) this.fail(w, 'a choice rule must be an object');
          this.checkFields(c, ['Condition', 'Next', 'Output', 'Assign', 'Comment'], w);
          if (!isExpression(c.Condition) && typeof c.Condition !== 'boolean') this.fail(w, 'Condition must be a JSONata expression');
          if (typeof c.Next !== 'string') this.fail(w, 'Next is required');
          return {
            condition: this.compiler.template(c.Condition, `${w}.Condition`),
            next: c.Next,
            output: c.Output === undefined ? undefined : this.compiler.template(c.Output, `${w}.Output`),
            assign: this.assign(c.Assign, `${w}.Assign`, outer, own),
          };
        });
        if (raw.Default !== undefined && typeof raw.Default !== 'string') this.fail(where, 'Default must be a state name');
        return { ...common, type, choices, default: raw.Default as string | undefined };
      }
      case 'Task': {
        if (typeof raw.Resource !== 'string') this.fail(where, 'Resource is required');
        const spec = parseResource(raw.Resource);
        if (!spec) this.fail(where, `Resource '${raw.Resource}' is not supported by the local engine`);
        if (spec.kind === 'lambda:invoke' || (spec.kind === 'dynamodb' && !spec.sdk)) {
          if (!isObject(raw.Arguments) && !isExpression(raw.Arguments)) this.fail(where, `field 'Arguments' is required for ${raw.Resource}`);
        }
        if (typeof raw.TimeoutSeconds === 'number' && typeof raw.HeartbeatSeconds === 'number' && raw.HeartbeatSeconds >= raw.TimeoutSeconds) {
          this.fail(`${where}.HeartbeatSeconds`, 'must be smaller than TimeoutSeconds');
        }
        return {
          ...common,
          type,
          resource: raw.Resource,
          spec,
          arguments: raw.Arguments === undefined ? undefined : this.compiler.template(raw.Arguments, `${where}.Arguments`),
          timeoutSeconds: this.integerOrExpression(raw.TimeoutSeconds, `${where}.TimeoutSeconds`, 1, 99_999_999),
          heartbeatSeconds: this.integerOrExpression(raw.HeartbeatSeconds, `${where}.HeartbeatSeconds`, 1, 99_999_999),
          retry: this.retriers(raw.Retry, `${where}.Retry`),
          catch: this.catchers(raw.Catch, `${where}.Catch`, outer, own),
        };
      }
      case 'Parallel': {
        if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) this.fail(where, 'Branches must be a non-empty array');
        const branches = raw.Branches.map((b: unknown, i) => {
          if (isObject(b)) this.checkFields(b, ['StartAt', 'States', 'Comment'], `${where}.Branches[${i}]`);
          return this.graph(b, `${graphId}/${name}#${i}`, `${where}.Branches[${i}]`, inner, language);
        });
        return {
          ...common,
          type,
          branches,
          arguments: raw.Arguments === undefined ? undefined : this.compiler.template(raw.Arguments, `${where}.Arguments`),
          retry: this.retriers(raw.Retry, `${where}.Retry`),
          catch: this.catchers(raw.Catch, `${where}.Catch`, outer, own),
        };
      }
      case 'Map': {
        const p = raw.ItemProcessor;
        if (!isObject(p)) this.fail(where, 'ItemProcessor is required');
        this.checkFields(p, ['ProcessorConfig', 'StartAt', 'States', 'Comment'], `${where}.ItemProcessor`);
        const config = p.ProcessorConfig;
        if (config !== undefined) {
          if (!isObject(config)) this.fail(`${where}.ItemProcessor.ProcessorConfig`, 'must be an object');
          if (config.Mode !== undefined && config.Mode !== 'INLINE') {
            this.fail(`${where}.ItemProcessor.ProcessorConfig`, `field 'Mode' is '${String(config.Mode)}'; only INLINE Map is implemented (distributed Map is not)`);
          }
          this.checkFields(config, ['Mode'], `${where}.ItemProcessor.ProcessorConfig`);
        }
        if (raw.Items !== undefined && !isExpression(raw.Items) && !Array.isArray(raw.Items)) this.fail(`${where}.Items`, 'must be a JSON array or a JSONata expression');
        return {
          ...common,
          type,
          processor: this.graph(p, `${graphId}/${name}#map`, `${where}.ItemProcessor`, inner, language),
          items: raw.Items === undefined ? undefined : this.compiler.template(raw.Items, `${where}.Items`),
          itemSelector: raw.ItemSelector === undefined ? undefined : this.compiler.template(raw.ItemSelector, `${where}.ItemSelector`),
          maxConcurrency: this.integerOrExpression(raw.MaxConcurrency, `${where}.MaxConcurrency`, 0, 99_999_999),
          retry: this.retriers(raw.Retry, `${where}.Retry`),
          catch: this.catchers(raw.Catch, `${where}.Catch`, outer, own),
        };
      }
    }
    return this.fail(where, `Type '${type}' is not supported`);
  }
}

/** Parses, substitutes and validates a definition; throws DefinitionError naming the state and field. */
export function loadDefinition(text: string, substitutions: Record<string, string>, compiler: ExpressionCompiler): Definition {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DefinitionError(`definition is not valid JSON: ${(e as Error).message}`);
  }
  const missing = new Set<string>();
  raw = applySubstitutions(raw, substitutions, missing);
  if (missing.size > 0) throw new DefinitionError(`definition uses substitutions with no value: ${[...missing].map((m) => `\${${m}}`).join(', ')}`);
  if (!isObject(raw)) throw new DefinitionError('definition must be a JSON object');
  const top = raw;
  for (const key of Object.keys(top)) {
    if (!['StartAt', 'States', 'Comment', 'Version', 'TimeoutSeconds', 'QueryLanguage'].includes(key)) {
      throw new DefinitionError(`state machine: field '${key}' is not supported by the local engine`);
    }
  }
  const language = top.QueryLanguage as string | undefined;
  if (language !== undefined && language !== 'JSONata' && language !== 'JSONPath') throw new DefinitionError(`state machine: QueryLanguage '${String(language)}' is not valid`);
  if (top.TimeoutSeconds !== undefined && (!Number.isInteger(top.TimeoutSeconds) || (top.TimeoutSeconds as number) < 1)) {
    throw new DefinitionError('state machine: TimeoutSeconds must be a positive integer');
  }
  const loader = new Loader(compiler, language);
  const root = loader.graph({ StartAt: top.StartAt, States: top.States }, '', 'state machine', new Set(), language);
  return { root, graphs: loader.graphs, timeoutSeconds: top.TimeoutSeconds as number | undefined, text: JSON.stringify(raw) };
}

export type { Json };
