/**
 * What the figures of `npm run bench` that run the local runtime share: the DynamoDB Local and SES
 * emulator one bench process starts once and gives each runtime a fresh table of, and a signed
 * webhook. The median-and-spread summary, the machine record and input checks are in ./stats.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PresetName } from '../../functions/domain/policy';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER } from '../../functions/http/webhook-signature';
import { LOCAL_AWS, startDynamoDbLocal, type DynamoDbLocal } from '../../infra/local/dynamodb-local';
import { EngineClock } from '../../infra/local/engine';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/runtime';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { meterRuntime } from './instrument';
import type { Spread } from './stats';

export { spread, type Spread } from './stats';

export function fmt(v: Spread, unit: string, digits = 0): string {
  const n = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return v.min === v.max ? `${n(v.median)} ${unit}` : `${n(v.median)} ${unit} (${n(v.min)}–${n(v.max)}, ${v.runs} runs)`;
}

export const SILENT_LOG = { info: () => undefined, warn: () => undefined, error: (...args: unknown[]) => console.error(...args) };

/** One DynamoDB Local and one SES emulator for the whole bench; each runtime gets a table of its own. */
export class BenchInfra {
  private constructor(
    readonly dynamo: DynamoDbLocal,
    readonly ses: SesLocal,
  ) {}

  static async start(): Promise<BenchInfra> {
    const dynamo = await startDynamoDbLocal();
    try {
      return new BenchInfra(dynamo, await startSesLocal());
    } catch (error) {
      await dynamo.stop();
      throw error;
    }
  }

  async runtime(preset: PresetName, options: Partial<LocalRuntimeOptions> & { start?: string } = {}): Promise<LocalRuntime> {
    const tableName = `bench-${randomUUID().slice(0, 8)}`;
    const { start, ...rest } = options;
    const runtime = await startLocalRuntime({
      preset,
      clock: new EngineClock(start === undefined ? { mode: 'real' } : { mode: 'virtual', start }),
      dynamodb: { endpoint: this.dynamo.endpoint, tableName },
      ses: this.ses,
      billingRun: false,
      log: SILENT_LOG,
      ...rest,
    });
    meterRuntime(runtime);
    return {
      ...runtime,
      stop: async () => {
        try {
          await runtime.stop();
        } finally {
          const client = new DynamoDBClient({ endpoint: this.dynamo.endpoint, ...LOCAL_AWS });
          await client.send(new DeleteTableCommand({ TableName: tableName })).finally(() => client.destroy());
        }
      },
    };
  }

  async stop(): Promise<void> {
    await this.ses.stop();
    await this.dynamo.stop();
  }
}

/** POSTs a storefront event signed with the runtime's secret at the clock's time, as the storefront does. */
export async function postWebhook(rt: LocalRuntime, event: unknown): Promise<{ status: number; body: string }> {
  const rawBody = JSON.stringify(event);
  const timestamp = Math.floor(rt.clock.nowMs() / 1000);
  const res = await fetch(`${rt.urls.api}/webhooks/storefront`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(rt.webhookSecret, timestamp, rawBody),
    },
    body: rawBody,
  });
  return { status: res.status, body: await res.text() };
}
