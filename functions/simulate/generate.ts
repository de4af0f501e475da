/**
 * The `generate` shorthand: N customers with one service each, ordered evenly over `spread` from the
 * start, every first invoice paid the day after the order (so every service starts active), and a
 * paying habit per customer for the renewals the billing run issues afterwards:
 *
 *   onTime   pays 0 to 3 days before the due date
 *   inGrace  pays after the due date but before the preset's grace ends (1 to grace − 1 days late;
 *            where the preset has no grace worth the name, 1 to LATE_WITHOUT_GRACE days late, i.e.
 *            after a suspension, which shows the reactivation)
 *   never    never pays a renewal
 *
 * The split is exact (round(N × share), the remainder to the largest share) and who gets which habit
 * is a seeded shuffle, so one seed gives one scenario on every machine.
 */
import type { Policy } from '../domain/policy';
import type { PayingHabit, ScenarioCustomer, ScenarioEvent, ScenarioOrder } from './scenario';

export interface GenerateSpec {
  services: number;
  mix: { onTime: number; inGrace: number; never: number };
  seed: number;
  kind: ScenarioOrder['items'][number]['kind'];
  cycle: ScenarioOrder['items'][number]['cycle'];
  price: ScenarioOrder['items'][number]['price'];
  spreadMs: number;
  customerType: 'consumer' | 'business';
  language: string;
}

/** Days late an "inGrace" customer pays at most where the preset's grace is shorter than two days. */
const LATE_WITHOUT_GRACE = 3;
/** Days before the due date an "onTime" customer pays at most. */
const EARLY_DAYS = 3;
/** Virtual time from an order to the payment of its first invoice: after a review, within its timeout. */
const FIRST_PAYMENT_AFTER_MS = 86_400_000;

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; enough for reproducible test data. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const MIXES = ['onTime', 'inGrace', 'never'] as const;

/** Exact counts per habit: rounded shares, the rounding remainder given to the largest share. */
export function habitCounts(n: number, mix: GenerateSpec['mix']): Record<PayingHabit['mix'], number> {
  const counts = { onTime: Math.round(n * mix.onTime), inGrace: Math.round(n * mix.inGrace), never: Math.round(n * mix.never) };
  const largest = MIXES.reduce((best, m) => (mix[m] > mix[best] ? m : best), 'onTime' as PayingHabit['mix']);
  counts[largest] += n - (counts.onTime + counts.inGrace + counts.never);
  return counts;
}

export function generate(spec: GenerateSpec, policy: Policy, start: number): { customers: ScenarioCustomer[]; orders: ScenarioOrder[]; events: ScenarioEvent[]; habits: PayingHabit[] } {
  const random = seededRandom(spec.seed);
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const counts = habitCounts(spec.services, spec.mix);
  const kinds: PayingHabit['mix'][] = MIXES.flatMap((m) => Array<PayingHabit['mix']>(counts[m]).fill(m));
  // Fisher–Yates with the seeded source.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as PayingHabit['mix'], kinds[i] as PayingHabit['mix']];
  }
  const graceDays = policy.dunning.grace?.days ?? 0;
  const latest = graceDays >= 2 ? graceDays - 1 : LATE_WITHOUT_GRACE;
  const width = String(spec.services).length;

  const customers: ScenarioCustomer[] = [];
  const orders: ScenarioOrder[] = [];
  const events: ScenarioEvent[] = [];
  const habits: PayingHabit[] = [];
  for (let i = 0; i < spec.services; i++) {
    const n = String(i + 1).padStart(width, '0');
    const customerId = `G${n}`;
    const orderId = `GO${n}`;
    const at = start + Math.floor((i * spec.spreadMs) / spec.services);
    customers.push({
      id: customerId,
      type: spec.customerType,
      name: spec.customerType === 'business' ? `Generated ${n} d.o.o.` : `Customer ${n}`,
      email: `g${n}@customers.example`,
      language: spec.language,
      country: policy.calendar.country,
    });
    orders.push({
      id: orderId,
      customer: customerId,
      at,
      items: [
        {
          id: 'i1',
          kind: spec.kind,
          product: spec.kind.replace(/_/g, '-'),
          cycle: spec.cycle,
          price: spec.price,
          quantity: 1,
          freeTrial: false,
          freeWithOffer: false,
          madeToSpecification: false,
        },
      ],
      total: spec.price,
      earlyStartConsent: false,
    });
    events.push({ type: 'payment', at: at + FIRST_PAYMENT_AFTER_MS, id: `PAY-${orderId}`, target: { order: orderId }, amount: 'full', method: 'card' });
    const mix = kinds[i] as PayingHabit['mix'];
    habits.push({
      customer: customerId,
      mix,
      ...(mix === 'onTime' ? { daysAfterDue: -between(0, EARLY_DAYS) } : mix === 'inGrace' ? { daysAfterDue: between(1, latest) } : {}),
    });
  }
  return { customers, orders, events, habits };
}
