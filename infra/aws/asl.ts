/**
 * Reading the workflow files the way the CDK app deploys them. The IAM role of a state machine is
 * derived from what its Task states call, so this module understands exactly the integrations the
 * workflows use and refuses any other: a new integration must come with its grant, never run with
 * a role that silently lacks it (or one that was widened to "*" to be safe).
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const SUFFIX = '.asl.json';
const PLACEHOLDER = /\$\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** Lambda integrations whose IAM need is lambda:InvokeFunction on the function in `Arguments.FunctionName`. */
const LAMBDA_INVOKE = new Set(['arn:aws:states:::lambda:invoke', 'arn:aws:states:::lambda:invoke.waitForTaskToken']);

export interface WorkflowFile {
  /** `invoice-dunning` for workflows/invoice-dunning.asl.json. */
  workflowName: string;
  file: string;
  /** The file exactly as committed; this string is what the state machine's definition is. */
  text: string;
}

export function readWorkflowFiles(directory: string): WorkflowFile[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith(SUFFIX))
    .sort()
    .map((name) => {
      const file = path.join(directory, name);
      return { workflowName: name.slice(0, -SUFFIX.length), file, text: readFileSync(file, 'utf8') };
    });
}

/** Every `${Name}` in the text, in order of first use. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/** Replaces every `${Name}` as Step Functions' definitionSubstitutions does; a name without a value is an error. */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no substitution for \${${name}}`);
    return value;
  });
}

export class UnsupportedIntegrationError extends Error {
  constructor(workflowName: string, stateName: string, detail: string) {
    super(`${workflowName}: state "${stateName}" ${detail}; infra/aws/asl.ts derives IAM only for Lambda invocations through \${Placeholder} function names`);
    this.name = 'UnsupportedIntegrationError';
  }
}

interface StateLike {
  Type?: unknown;
  Resource?: unknown;
  Arguments?: unknown;
  Parameters?: unknown;
  Branches?: unknown;
  ItemProcessor?: unknown;
  Iterator?: unknown;
}

/**
 * The placeholders of the functions the Task states invoke, walking into Parallel branches and
 * inline Map processors. A Task whose function is not a `${Placeholder}`, an integration other than
 * Lambda invoke, or a distributed Map (which starts child executions) is refused.
 */
export function invokedFunctionPlaceholders(workflowName: string, definition: unknown): string[] {
  const invoked = new Set<string>();
  const visit = (machine: unknown) => {
    const states = (machine as { States?: Record<string, StateLike> } | null)?.States;
    if (states === undefined || states === null || typeof states !== 'object') return;
    for (const [stateName, state] of Object.entries(states)) {
      if (state.Type === 'Task') invoked.add(functionOf(workflowName, stateName, state));
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) state.Branches.forEach(visit);
      if (state.Type === 'Map') {
        const processor = (state.ItemProcessor ?? state.Iterator) as { ProcessorConfig?: { Mode?: unknown } } | undefined;
        const mode = processor?.ProcessorConfig?.Mode ?? 'INLINE';
        if (mode !== 'INLINE') throw new UnsupportedIntegrationError(workflowName, stateName, `is a ${String(mode)} Map`);
        visit(processor);
      }
    }
  };
  visit(definition);
  return [...invoked];
}

function functionOf(workflowName: string, stateName: string, state: StateLike): string {
  const resource = String(state.Resource);
  const direct = /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(resource);
  if (direct?.[1] !== undefined) return direct[1];
  if (!LAMBDA_INVOKE.has(resource)) throw new UnsupportedIntegrationError(workflowName, stateName, `calls ${resource}`);
  const args = (state.Arguments ?? state.Parameters) as Record<string, unknown> | undefined;
  const functionName = args?.FunctionName ?? args?.['FunctionName.$'];
  const match = typeof functionName === 'string' ? /^\$\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(functionName) : null;
  if (match?.[1] === undefined) {
    throw new UnsupportedIntegrationError(workflowName, stateName, `invokes FunctionName ${JSON.stringify(functionName)}, not a \${Placeholder}`);
  }
  return match[1];
}
