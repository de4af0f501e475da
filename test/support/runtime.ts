/**
 * The harness for workflow scenario tests (functions/lifecycles/README.md, "Tests"): the real local
 * runtime with the real handlers and ASL, on
 *  - the DynamoDB Local the test run shares (global-setup.ts), in a table of its own,
 *  - the SES emulator of this test process (one per process; `mail()` returns only this runtime's mail),
 *  - an in-memory engine on a virtual clock standing at `start`: time moves only by `advance('8d')`.
 *
 *   const rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
 *   await rt.webhook(orderPlaced);                 // signed, over HTTP, like the storefront
 *   await rt.advance('8d');                        // returns once every step it triggered settled
 *   expect(await rt.mail()).toHaveLength(2);
 *   await rt.stop();
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { inject } from 'vitest';
import type { WorkflowName } from '../../functions/app/ports';
import type { PresetName } from '../../functions/domain/policy';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../functions/http/webhook-signature';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { EngineClock } from '../../infra/local/engine';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';

export interface TestRuntimeOptions {
  preset: PresetName;
  /** The virtual instant the clock starts at, e.g. '2026-03-02T09:00:00Z'. */
  start: string;
  /** Defaults: results after 2 minutes of virtual time, none failing. */
  provisioner?: LocalRuntimeOptions['provisioner'];
  /** Runs the billing run at each local midnight the clock passes (default off, so other tests stay quiet). */
  billingRun?: boolean;
  workflowsDir?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON body (untyped: tests check it field by field), or the text when it is not JSON. */
  body: any;
}

export interface TestRuntime extends LocalRuntime {
  /** POSTs a storefront event signed with the runtime's secret at the clock's time. */
  webhook(event: unknown, options?: { secret?: string; rawBody?: string }): Promise<HttpAnswer>;
  /** Calls the staff API with a fresh staff token (or `token: null` for none). */
  staff(path: string, init?: { method?: string; body?: unknown; token?: string | null }): Promise<HttpAnswer>;
  /** The execution history of `workflow`'s execution named `executionName`. */
  history(workflow: WorkflowName, executionName: string): Promise<HistoryEvent[]>;
  /** Errors raised by work the clock started (provisioning results, billing runs), for tests to assert none. */
  backgroundErrors: unknown[];
}

// One emulator per process (its mail store is per process), shared by the runtimes a file starts.
let shared: { ses: Promise<SesLocal>; users: number } | undefined;

async function acquireSes(): Promise<SesLocal> {
  shared ??= { ses: startSesLocal(), users: 0 };
  shared.users += 1;
  return shared.ses;
}

async function releaseSes(): Promise<void> {
  if (shared === undefined) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  const { ses } = shared;
  shared = undefined;
  await (await ses).stop();
}

async function answer(res: Response): Promise<HttpAnswer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: the text is the body.
  }
  return { status: res.status, headers: res.headers, body };
}

export async function startTestRuntime(options: TestRuntimeOptions): Promise<TestRuntime> {
  const endpoint = inject('dynamoEndpoint');
  const tableName = `hostcycle-rt-${randomUUID().slice(0, 8)}`;
  const backgroundErrors: unknown[] = [];
  const log = {
    info: () => undefined,
    warn: () => undefined,
    error: (...args: unknown[]) => {
      backgroundErrors.push(args.find((a) => a instanceof Error) ?? args.join(' '));
      console.error(...args);
    },
  };
  const ses = await acquireSes();
  let runtime: LocalRuntime;
  try {
    runtime = await startLocalRuntime({
      preset: options.preset,
      clock: new EngineClock({ mode: 'virtual', start: options.start }),
      dynamodb: { endpoint, tableName },
      ses,
      billingRun: options.billingRun ?? false,
      log,
      ...(options.provisioner === undefined ? {} : { provisioner: options.provisioner }),
      ...(options.workflowsDir === undefined ? {} : { workflowsDir: options.workflowsDir }),
    });
  } catch (error) {
    await releaseSes();
    throw error;
  }

  const nowSeconds = () => Math.floor(runtime.clock.nowMs() / 1000);

  return {
    ...runtime,
    backgroundErrors,
    async webhook(event, delivery = {}) {
      const rawBody = delivery.rawBody ?? JSON.stringify(event);
      const timestamp = nowSeconds();
      const res = await fetch(`${runtime.urls.api}/webhooks/storefront`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(delivery.secret ?? runtime.webhookSecret, timestamp, rawBody),
        },
        body: rawBody,
      });
      return answer(res);
    },
    async staff(path, init = {}) {
      const token = init.token === undefined ? runtime.staffToken() : init.token;
      const headers: Record<string, string> = {};
      if (token !== null) headers.authorization = `Bearer ${token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${runtime.urls.api}${path}`, {
        method: init.method ?? 'GET',
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return answer(res);
    },
    async history(workflow, executionName) {
      const stateMachineArn = runtime.stateMachineArns[workflow];
      if (stateMachineArn === undefined) throw new Error(`workflow ${workflow} is not loaded from ${options.workflowsDir ?? 'workflows'}/`);
      const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
      const out = await runtime.sfn.getExecutionHistory({ executionArn, maxResults: 1000 });
      return out.events ?? [];
    },
    async stop() {
      try {
        await runtime.stop();
      } finally {
        await releaseSes();
        const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
        await client.send(new DeleteTableCommand({ TableName: tableName })).finally(() => client.destroy());
      }
    },
  };
}
