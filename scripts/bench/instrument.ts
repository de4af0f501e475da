/**
 * Counting what a lifecycle would be billed for while it runs on the local runtime.
 *
 * DynamoDB: infra/local/metering.ts's meter on the runtime's own client (`LocalRuntime.dynamodb`, the
 * one the repository, the ledgers and the engine use), attached by BenchInfra.runtime for every runtime.
 *
 * Lambda durations: each function the workflows call is re-registered in the engine wrapped in a
 * timer (the same handler the manifest creates, built from the runtime's own deps), and the billing
 * run is invoked through the same wrapper. A duration is wall time on this machine, rounded up to the
 * 1 ms Lambda bills by; it includes DynamoDB Local's latency and the machine's load, so it is an
 * estimate of the billed duration, not a measurement of it.
 */
import type { TaskHandler } from '../../functions/app/ports';
import { createWebhookLedger } from '../../functions/data/webhook-ledger';
import { FUNCTIONS, type FunctionDeps } from '../../functions/lambda/manifest';
import { meterDynamoDb, type DynamoDbUsage } from '../../infra/local/metering';
import type { LocalRuntime } from '../../infra/local/runtime';

const meters: ReturnType<typeof meterDynamoDb>[] = [];

/** Meters the runtime's own DynamoDB client; `dynamoDb.usage()` sums every metered runtime. */
export function meterRuntime(rt: Pick<LocalRuntime, 'dynamodb'>): void {
  meters.push(meterDynamoDb(rt.dynamodb));
}

export const dynamoDb = {
  reset(): void {
    for (const m of meters) m.reset();
  },
  usage(): DynamoDbUsage {
    const total: DynamoDbUsage = { readRequestUnits: 0, writeRequestUnits: 0, requests: {} };
    for (const { usage } of meters) {
      total.readRequestUnits += usage.readRequestUnits;
      total.writeRequestUnits += usage.writeRequestUnits;
      for (const [command, n] of Object.entries(usage.requests)) total.requests[command] = (total.requests[command] ?? 0) + n;
    }
    return total;
  },
};

export interface Invocation {
  functionName: string;
  billedMs: number;
}

/** Records every invocation of a wrapped function with its duration rounded up to 1 ms. */
export class LambdaTimer {
  readonly invocations: Invocation[] = [];

  wrap(functionName: string, handler: TaskHandler): TaskHandler {
    return async (event, context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        this.invocations.push({ functionName, billedMs: Math.max(1, Math.ceil(performance.now() - started)) });
      }
    };
  }

  record(functionName: string, ms: number): void {
    this.invocations.push({ functionName, billedMs: Math.max(1, Math.ceil(ms)) });
  }

  /**
   * Re-registers the workflows' functions timed and returns the billing run, timed, for the caller to
   * run. The functions' HTTP deps are required by the manifest's type but unused: none of them serves HTTP.
   */
  instrument(rt: LocalRuntime): TaskHandler {
    const deps: FunctionDeps = {
      ...rt.platform,
      http: {
        clock: rt.clock,
        webhooks: {
          secrets: [rt.webhookSecret],
          ledger: createWebhookLedger({ client: rt.dynamodb, tableName: rt.tableName, clock: rt.clock }),
        },
        staffAuth: { mode: 'local', secret: 'unused: the timed functions serve no HTTP' },
      },
    };
    for (const f of FUNCTIONS.filter((f) => f.placeholder !== undefined)) rt.sfn.registerLambda(f.name, this.wrap(f.name, f.create(deps)));
    const billing = FUNCTIONS.find((f) => f.trigger === 'schedule');
    if (billing === undefined) throw new Error('the manifest has no scheduled function (the billing run)');
    return this.wrap(billing.name, billing.create(deps));
  }
}
