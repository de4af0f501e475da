/**
 * Figure 5: the local HTTP API taking storefront webhooks — 50 concurrent clients each POSTing signed
 * order.placed events (unique event, order and customer ids) over loopback to a smartape runtime on
 * the real clock, until a fixed number of requests has been sent. Each request is verified, parsed,
 * deduplicated, recorded and starts an order-activation execution, which runs its first steps (accept,
 * invoice, e-mails) on the same two cores while later requests arrive, as it would under a real burst.
 * (A payment.received needs an open invoice per payment; order.placed needs no arrangement.)
 * Latency is measured by the client, per request.
 */
import { randomUUID } from 'node:crypto';
import { postWebhook, spread, type BenchInfra, type Spread } from './common';

export const P99_TARGET_MS = 50;

export interface IntakeRun {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
}

export interface WebhookIntake {
  clients: number;
  requestsPerRun: number;
  statuses: Record<string, number>;
  p50Ms: Spread;
  p99Ms: Spread;
  requestsPerSecond: Spread;
  errors: number;
  /** The first non-2xx answer's body, so a failed run says why. */
  firstError?: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function webhookIntake(infra: BenchInfra, runs: number, requests: number, clients: number): Promise<WebhookIntake> {
  const rt = await infra.runtime('smartape');
  const statuses: Record<string, number> = {};
  let firstError: string | undefined;
  try {
    const event = () => {
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
    };
    const once = async (count: number): Promise<IntakeRun> => {
      const latencies: number[] = [];
      let sent = 0;
      let errors = 0;
      const started = performance.now();
      const client = async () => {
        while (sent < count) {
          sent += 1;
          const t = performance.now();
          const answer = await postWebhook(rt, event());
          latencies.push(performance.now() - t);
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status >= 300) {
            errors += 1;
            firstError ??= `${answer.status} ${answer.body}`;
          }
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      return { requests: latencies.length, errors, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), requestsPerSecond: latencies.length / seconds };
    };
    // Warm-up: connections, JIT, DynamoDB Local's caches.
    await once(Math.min(100, requests));
    for (const k of Object.keys(statuses)) delete statuses[k];
    const results: IntakeRun[] = [];
    for (let i = 0; i < runs; i++) results.push(await once(requests));
    return {
      clients,
      requestsPerRun: requests,
      statuses,
      p50Ms: spread(results.map((r) => r.p50Ms)),
      p99Ms: spread(results.map((r) => r.p99Ms)),
      requestsPerSecond: spread(results.map((r) => r.requestsPerSecond)),
      errors: results.reduce((s, r) => s + r.errors, 0),
      ...(firstError === undefined ? {} : { firstError }),
    };
  } finally {
    await rt.stop();
  }
}
