/**
 * Figure 5: the local HTTP API taking storefront webhooks — signed order.placed events (unique event,
 * order and customer ids) POSTed over loopback to a smartape runtime on the real clock. Each request
 * is verified, parsed, deduplicated, recorded (customer, order, audit) and starts an order-activation
 * execution; the execution then runs its first steps (accept, invoice, e-mails) on the same two cores
 * and the same DynamoDB Local while later requests arrive, as it would under a real burst. (On AWS
 * those steps run in other Lambdas; here they compete with intake for the CPU and for DynamoDB Local.)
 * Latency is measured by the client, per request.
 *
 *  closed loop  `clients` clients each send their next request when the previous one is answered (the
 *               issue's "50 concurrent clients"). By Little's law the mean latency is clients ÷
 *               throughput, so p99 < 50 ms with 50 clients needs more than 1,000 req/s.
 *  open loop    requests are sent at a fixed offered rate whatever the answers, as a storefront's
 *               customers do; latency counts from the moment a request was due (no coordinated
 *               omission), so a backlog shows.
 *  DynamoDB Local  one client, one call at a time: the floor under every DynamoDB call of a request.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import type { LocalRuntime } from '../../infra/local/runtime';
import { postWebhook, spread, type BenchInfra, type Spread } from './common';

export const P99_TARGET_MS = 50;

export interface IntakeRun {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  loadAverage: number;
}

export interface IntakeFigure {
  label: string;
  p50Ms: Spread;
  p99Ms: Spread;
  requestsPerSecond: Spread;
  loadAverage: Spread;
  errors: number;
}

export interface WebhookIntake {
  closed: IntakeFigure & { clients: number; requestsPerRun: number; littleLawP50FloorMs: number };
  open: (IntakeFigure & { offeredPerSecond: number; seconds: number })[];
  dynamoDbLocal: { command: string; p50Ms: Spread; p99Ms: Spread }[];
  statuses: Record<string, number>;
  /** The first non-2xx answer's body, so a failed run says why. */
  firstError?: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function orderPlaced(rt: LocalRuntime) {
  const customerId = `CUS-${randomUUID().slice(0, 13)}`;
  const price = { amount: 1200, currency: 'EUR' };
  return {
    eventId: `evt-${randomUUID()}`,
    type: 'order.placed',
    occurredAt: rt.clock.now().toISOString(),
    data: {
      orderId: `ORD-${randomUUID().slice(0, 13)}`,
      customer: { type: 'consumer', customerId, name: 'Ana Novak', email: `${customerId.toLowerCase()}@example.com`, language: 'en', country: 'EE' },
      items: [{ itemId: 'i1', kind: 'shared_hosting', productCode: 'web-s', billingCycle: 'monthly', price }],
      total: price,
    },
  };
}

const load1 = () => Math.round((loadavg()[0] as number) * 100) / 100;

function summarise(label: string, results: IntakeRun[]): IntakeFigure {
  return {
    label,
    p50Ms: spread(results.map((r) => r.p50Ms)),
    p99Ms: spread(results.map((r) => r.p99Ms)),
    requestsPerSecond: spread(results.map((r) => r.requestsPerSecond)),
    loadAverage: spread(results.map((r) => r.loadAverage)),
    errors: results.reduce((s, r) => s + r.errors, 0),
  };
}

export async function webhookIntake(
  infra: BenchInfra,
  runs: number,
  options: { requests: number; clients: number; rates: readonly number[]; seconds: number },
): Promise<WebhookIntake> {
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  const post = async (rt: LocalRuntime): Promise<boolean> => {
    const answer = await postWebhook(rt, orderPlaced(rt));
    statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    if (answer.status < 300) return true;
    firstError ??= `${answer.status} ${answer.body}`;
    return false;
  };
  // Each run gets a fresh runtime, so a backlog of executions left by one run cannot slow the next.
  const withRuntime = async <T>(work: (rt: LocalRuntime) => Promise<T>): Promise<T> => {
    const rt = await infra.runtime('smartape');
    try {
      // Warm-up: connections, JIT, DynamoDB Local's caches.
      for (let i = 0; i < 20; i++) await post(rt);
      return await work(rt);
    } finally {
      await rt.stop();
    }
  };

  const closedOnce = (rt: LocalRuntime): Promise<IntakeRun> => {
    return (async () => {
      const latencies: number[] = [];
      let sent = 0;
      let errors = 0;
      const started = performance.now();
      const client = async () => {
        while (sent < options.requests) {
          sent += 1;
          const t = performance.now();
          if (!(await post(rt))) errors += 1;
          latencies.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: options.clients }, client));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return { requests: latencies.length, errors, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), requestsPerSecond: latencies.length / seconds, loadAverage: load1() };
    })();
  };

  const openOnce = async (rt: LocalRuntime, rate: number): Promise<IntakeRun> => {
    const total = Math.round(rate * options.seconds);
    const interval = 1000 / rate;
    const latencies: number[] = [];
    let errors = 0;
    const inFlight: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < total; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(
        post(rt).then((ok) => {
          if (!ok) errors += 1;
          latencies.push(performance.now() - due);
        }),
      );
    }
    await Promise.all(inFlight);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return { requests: total, errors, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), requestsPerSecond: total / seconds, loadAverage: load1() };
  };

  const dynamoDbLocal = await dynamoDbLocalLatency(infra.dynamo.endpoint, runs, 300);

  const open: WebhookIntake['open'] = [];
  for (const rate of options.rates) {
    const results: IntakeRun[] = [];
    for (let i = 0; i < runs; i++) results.push(await withRuntime((rt) => openOnce(rt, rate)));
    open.push({ ...summarise(`open loop ${rate} req/s offered for ${options.seconds} s`, results), offeredPerSecond: rate, seconds: options.seconds });
  }

  const closedResults: IntakeRun[] = [];
  for (let i = 0; i < runs; i++) closedResults.push(await withRuntime(closedOnce));
  const closedFigure = summarise(`closed loop, ${options.clients} clients, ${options.requests} requests`, closedResults);
  return {
    closed: {
      ...closedFigure,
      clients: options.clients,
      requestsPerRun: options.requests,
      littleLawP50FloorMs: (options.clients / closedFigure.requestsPerSecond.median) * 1000,
    },
    open,
    dynamoDbLocal,
    statuses,
    ...(firstError === undefined ? {} : { firstError }),
  };
}

/** DynamoDB Local's own latency: one client, one call at a time, on a table of its own. */
async function dynamoDbLocalLatency(endpoint: string, runs: number, calls: number): Promise<WebhookIntake['dynamoDbLocal']> {
  const client = new DynamoDBClient({ endpoint, ...LOCAL_AWS });
  const TableName = `bench-latency-${randomUUID().slice(0, 8)}`;
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    const commands: [string, (i: number) => Promise<unknown>][] = [
      ['PutItem (conditional)', (i) => client.send(new PutItemCommand({ TableName, Item: { pk: { S: `k${i}-${randomUUID()}` }, v: { N: String(i) } }, ConditionExpression: 'attribute_not_exists(pk)' }))],
      ['GetItem', (i) => client.send(new GetItemCommand({ TableName, Key: { pk: { S: `k${i}` } } }))],
      ['UpdateItem', (i) => client.send(new UpdateItemCommand({ TableName, Key: { pk: { S: `u${i % 50}` } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } }))],
    ];
    const out: WebhookIntake['dynamoDbLocal'] = [];
    for (const [command, call] of commands) {
      for (let i = 0; i < 50; i++) await call(i); // warm-up
      const p50: number[] = [];
      const p99: number[] = [];
      for (let r = 0; r < runs; r++) {
        const ms: number[] = [];
        for (let i = 0; i < calls; i++) {
          const t = performance.now();
          await call(i);
          ms.push(performance.now() - t);
        }
        ms.sort((a, b) => a - b);
        p50.push(percentile(ms, 50));
        p99.push(percentile(ms, 99));
      }
      out.push({ command, p50Ms: spread(p50), p99Ms: spread(p99) });
    }
    return out;
  } finally {
    await client.send(new DeleteTableCommand({ TableName })).catch(() => undefined);
    client.destroy();
  }
}
