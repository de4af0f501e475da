/**
 * The scenario format of `hostcycle simulate` (documented in ./SCENARIOS.md): what a provider's
 * customers do, and when, on a virtual clock. Parsing resolves every time to an absolute instant and
 * every amount to exact minor units in the preset's billing currency, so the runner never guesses.
 * A malformed scenario is a ValidationError naming the field (the CLI's exit 2).
 */
import { z } from 'zod';
import { ValidationError } from '../domain/errors';
import { fromMajor, type Money } from '../domain/money';
import { getPreset, PRESET_NAMES, type Policy, type PresetName } from '../domain/policy';
import { billingCycleSchema, productKindSchema } from '../domain/product';
import { calendarDate, countryCode, id, instant, languageTag } from '../http/schemas/common';
import { parseDuration } from '../../infra/local/engine/clock';
import { generate } from './generate';

/** An ISO-8601 instant with a zone, or `+14d`, `+1d2h30m`: a duration after the scenario's start (the engine clock's syntax). */
const when = z
  .string()
  .refine((v) => (v.startsWith('+') ? /^\+(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(v) : instant.safeParse(v).success), {
    message: 'must be an ISO-8601 instant with a time zone (2026-03-02T09:00:00Z) or an offset from start such as "+14d" or "+1d2h"',
  });
const duration = z.string().refine((d) => {
  try {
    return parseDuration(d) > 0;
  } catch {
    return false;
  }
}, 'must be a positive duration such as "30m", "2h" or "1d"');
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal amount in major units, e.g. "12.00"');
const share = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

const customerSchema = z.strictObject({
  id,
  type: z.enum(['consumer', 'business']).default('consumer'),
  /** A consumer's name, or a business's company name. */
  name: z.string().trim().min(1).max(200).optional(),
  vatId: z.string().regex(/^[A-Z]{2}[A-Za-z0-9]{2,13}$/, 'must be a VAT id with its country prefix, e.g. SI12345678').optional(),
  email: z.email('must be an e-mail address').optional(),
  language: languageTag.default('en'),
  /** Defaults to the provider's country. */
  country: countryCode.optional(),
});

const itemSchema = z.strictObject({
  id: id.optional(),
  kind: productKindSchema,
  product: id.optional(),
  cycle: billingCycleSchema.default('monthly'),
  price: decimal,
  quantity: z.number().int('must be an integer').min(1, 'must be at least 1').default(1),
  domain: z.string().min(3).max(253).optional(),
  freeTrial: z.boolean().default(false),
  freeWithOffer: z.boolean().default(false),
  madeToSpecification: z.boolean().default(false),
});

const orderSchema = z.strictObject({
  id,
  customer: id,
  at: when,
  items: z.array(itemSchema).min(1, 'must contain at least one item'),
  /** What the customer was charged; the sum of the items by default. */
  total: decimal.optional(),
  coupon: z.string().min(1).max(64).optional(),
  earlyStartConsent: z.boolean().default(false),
});

/** Which invoice an event is about: by id, an order's first invoice, or a service's oldest open invoice at that moment. */
const invoiceRef = {
  invoice: id.optional(),
  order: id.optional(),
  service: id.optional(),
};

const eventSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('payment'),
    at: when,
    ...invoiceRef,
    /** Pays the customer's open invoices oldest first (with amount "open" or an amount). */
    customer: id.optional(),
    amount: z
      .string()
      .regex(/^(full|open|\d+(\.\d+)?)$/, 'must be "full", "open" or a decimal amount in major units such as "5.00"')
      .default('full'),
    method: z.enum(['card', 'bank_transfer', 'paypal', 'account_credit']).default('bank_transfer'),
    id: id.optional(),
  }),
  z.strictObject({
    type: z.literal('deferral'),
    at: when,
    ...invoiceRef,
    /** A calendar date in the provider's zone, or "+10d": that many days after the invoice's due date. */
    payBy: z.string().refine((v) => /^\+\d+d$/.test(v) || calendarDate.safeParse(v).success, 'must be a date (2026-04-01) or days after the due date ("+10d")'),
    reason: z.string().trim().max(2000).optional(),
    id: id.optional(),
  }),
  z.strictObject({
    type: z.literal('refund'),
    at: when,
    id,
    service: id,
    reason: z.string().trim().max(2000).optional(),
    iban: z.string().regex(/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/, 'must be an IBAN without spaces').optional(),
  }),
  z.strictObject({
    type: z.literal('withdrawal'),
    at: when,
    id,
    order: id,
    services: z.array(id).min(1).optional(),
    statement: z.string().trim().min(1, 'must not be empty').max(5000),
  }),
  z.strictObject({
    type: z.literal('decision'),
    at: when,
    /** The approval's subject: exactly one of these ids. */
    order: id.optional(),
    refund: id.optional(),
    withdrawal: id.optional(),
    deferral: id.optional(),
    service: id.optional(),
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().min(3, 'must explain the decision in at least 3 characters').max(2000),
  }),
]);

const generateSchema = z.strictObject({
  services: z.number().int('must be an integer').min(1, 'must be at least 1').max(100_000, 'must be at most 100000'),
  mix: z
    .strictObject({ onTime: share.default(0), inGrace: share.default(0), never: share.default(0) })
    .refine((m) => Math.abs(m.onTime + m.inGrace + m.never - 1) < 1e-9, { message: 'onTime + inGrace + never must add up to 1' }),
  seed: z.number().int('must be an integer').default(1),
  kind: productKindSchema.default('shared_hosting'),
  cycle: billingCycleSchema.default('monthly'),
  price: decimal.default('10.00'),
  /** Orders are placed evenly over this period from the start, so renewals do not all fall on one day. */
  spread: duration.default('28d'),
  customerType: z.enum(['consumer', 'business']).default('consumer'),
  language: languageTag.default('en'),
});

const staffSchema = z.strictObject({
  /** What happens to an approval no `decision` event names: staff approve or reject it, or nobody answers and it times out. */
  undecided: z.enum(['timeout', 'approve', 'reject']).default('timeout'),
  /** How often staff look at the queue (for "approve" and "reject"). */
  every: duration.default('1h'),
  reason: z.string().trim().min(3).max(2000).default('decided by the simulated staff'),
});

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000).optional(),
  preset: z.enum(PRESET_NAMES as [PresetName, ...PresetName[]]),
  start: instant,
  end: when,
  /** How storefront events reach hostcycle: signed HTTP webhooks, the actions the webhook routes call, or "auto" (HTTP for small scenarios). */
  delivery: z.enum(['auto', 'http', 'actions']).default('auto'),
  /** Defaults to "timeout", or to "approve" for a generated scenario. */
  staff: staffSchema.optional(),
  /** What the simulated payment gateway charges: secom withholds both commissions from a refund (000 Refund policy). */
  gateway: z.strictObject({ refundCommissions: z.strictObject({ paymentSystem: decimal, return: decimal }).optional() }).optional(),
  customers: z.array(customerSchema).default([]),
  orders: z.array(orderSchema).default([]),
  events: z.array(eventSchema).default([]),
  generate: generateSchema.optional(),
});

type Parsed = z.output<typeof scenarioSchema>;

// ——— the resolved scenario the runner executes ———

export interface ScenarioCustomer {
  id: string;
  type: 'consumer' | 'business';
  name: string;
  vatId?: string;
  email: string;
  language: string;
  country: string;
}

export interface ScenarioItem {
  id: string;
  kind: z.output<typeof productKindSchema>;
  product: string;
  cycle: z.output<typeof billingCycleSchema>;
  price: Money;
  quantity: number;
  domain?: string;
  freeTrial: boolean;
  freeWithOffer: boolean;
  madeToSpecification: boolean;
}

export interface ScenarioOrder {
  id: string;
  customer: string;
  at: number;
  items: ScenarioItem[];
  total: Money;
  coupon?: string;
  earlyStartConsent: boolean;
}

export type InvoiceRef = { invoice: string } | { order: string } | { service: string };
export type ApprovalSubject = { type: 'order' | 'refund' | 'withdrawal' | 'deferral' | 'service'; id: string };

export type ScenarioEvent =
  | { type: 'payment'; at: number; id: string; target: InvoiceRef | { customer: string }; amount: 'full' | 'open' | Money; method: 'card' | 'bank_transfer' | 'paypal' | 'account_credit' }
  | { type: 'deferral'; at: number; id: string; target: InvoiceRef; payBy: { date: string } | { daysAfterDue: number }; reason?: string }
  | { type: 'refund'; at: number; id: string; service: string; reason?: string; iban?: string }
  | { type: 'withdrawal'; at: number; id: string; order: string; services?: string[]; statement: string }
  | { type: 'decision'; at: number; subject: ApprovalSubject; decision: 'approve' | 'reject'; reason: string };

/** How generated customers pay their renewal invoices, in days relative to the due date (negative: before it). */
export interface PayingHabit {
  customer: string;
  mix: 'onTime' | 'inGrace' | 'never';
  /** Days after the due date the customer pays; undefined for "never". */
  daysAfterDue?: number;
}

export interface Scenario {
  name: string;
  description?: string;
  preset: PresetName;
  policy: Policy;
  start: number;
  end: number;
  delivery: 'http' | 'actions';
  staff: { undecided: 'timeout' | 'approve' | 'reject'; everyMs: number; reason: string };
  gateway: { refundCommissions?: { paymentSystem: Money; return: Money } };
  customers: ScenarioCustomer[];
  orders: ScenarioOrder[];
  /** In time order (stable for equal times: the order they were written in). */
  events: ScenarioEvent[];
  habits: PayingHabit[];
}

/** Scenarios with at most this many deliveries go over signed HTTP under "auto"; larger ones through the actions. */
const HTTP_DELIVERY_LIMIT = 500;

function fail(path: readonly PropertyKey[], message: string): never {
  throw new ValidationError(['scenario', ...path.map(String)].join('.'), message);
}

/** Parses and resolves a scenario; throws ValidationError naming the first offending field. */
export function parseScenario(input: unknown): Scenario {
  const parsed = scenarioSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(issue?.path ?? [], issue?.message ?? 'is invalid');
  }
  const s = parsed.data;
  const policy = getPreset(s.preset);
  const start = Date.parse(s.start);
  const end = resolveTime(s.end, start, ['end']);
  if (end <= start) fail(['end'], 'must be after start');
  const explicit = resolveExplicit(s, policy);
  const generated =
    s.generate === undefined
      ? { customers: [], orders: [], events: [], habits: [] }
      : generate(
          {
            ...s.generate,
            price: amountOf(s.generate.price, policy, ['generate', 'price']),
            spreadMs: parseDuration(s.generate.spread),
          },
          policy,
          start,
        );
  // A generated scenario has hundreds of order reviews and nobody to answer them unless staff is set.
  const staff = s.staff ?? { undecided: s.generate === undefined ? 'timeout' : 'approve', every: '1h', reason: 'decided by the simulated staff' };
  const scenario: Scenario = {
    name: s.name,
    ...(s.description === undefined ? {} : { description: s.description }),
    preset: s.preset,
    policy,
    start,
    end,
    delivery: 'actions',
    staff: { undecided: staff.undecided, everyMs: parseDuration(staff.every), reason: staff.reason },
    gateway:
      s.gateway?.refundCommissions === undefined
        ? {}
        : {
            refundCommissions: {
              paymentSystem: amountOf(s.gateway.refundCommissions.paymentSystem, policy, ['gateway', 'refundCommissions', 'paymentSystem']),
              return: amountOf(s.gateway.refundCommissions.return, policy, ['gateway', 'refundCommissions', 'return']),
            },
          },
    customers: [...generated.customers, ...explicit.customers],
    orders: [...generated.orders, ...explicit.orders],
    events: [...generated.events, ...explicit.events],
    habits: generated.habits,
  };
  const deliveries = scenario.orders.length + scenario.events.length;
  scenario.delivery = s.delivery === 'auto' ? (s.generate === undefined && deliveries <= HTTP_DELIVERY_LIMIT ? 'http' : 'actions') : s.delivery;
  checkReferences(scenario);
  // Array.prototype.sort is stable: events at the same instant keep the order they were written in.
  scenario.events.sort((a, b) => a.at - b.at);
  return scenario;
}

function resolveTime(value: string, start: number, path: readonly PropertyKey[]): number {
  const at = value.startsWith('+') ? start + parseDuration(value.slice(1)) : Date.parse(value);
  if (Number.isNaN(at)) fail(path, `"${value}" is not a time`);
  return at;
}

function amountOf(value: string, policy: Policy, path: readonly PropertyKey[]): Money {
  try {
    return fromMajor(value, policy.currency.billing);
  } catch (error) {
    return fail(path, error instanceof ValidationError ? error.reason : String(error));
  }
}

/** The scenario's own customers, orders and events, resolved (no generator). */
function resolveExplicit(s: Parsed, policy: Policy): Pick<Scenario, 'customers' | 'orders' | 'events'> {
  const start = Date.parse(s.start);
  const customers = s.customers.map((c): ScenarioCustomer => ({
    id: c.id,
    type: c.type,
    name: c.name ?? (c.type === 'business' ? `${c.id} Ltd` : c.id),
    ...(c.vatId === undefined ? {} : { vatId: c.vatId }),
    email: c.email ?? `${c.id.toLowerCase().replace(/[^a-z0-9.-]/g, '.')}@customers.example`,
    language: c.language,
    country: c.country ?? policy.calendar.country,
  }));
  const orders = s.orders.map((o, i): ScenarioOrder => {
    const items = o.items.map((item, j): ScenarioItem => ({
      id: item.id ?? `i${j + 1}`,
      kind: item.kind,
      product: item.product ?? item.kind.replace(/_/g, '-'),
      cycle: item.cycle,
      price: amountOf(item.price, policy, ['orders', i, 'items', j, 'price']),
      quantity: item.quantity,
      ...(item.domain === undefined ? {} : { domain: item.domain }),
      freeTrial: item.freeTrial,
      freeWithOffer: item.freeWithOffer,
      madeToSpecification: item.madeToSpecification,
    }));
    const sum = items.reduce((acc, item) => acc + item.price.amount * item.quantity, 0);
    return {
      id: o.id,
      customer: o.customer,
      at: resolveTime(o.at, start, ['orders', i, 'at']),
      items,
      total: o.total === undefined ? { amount: sum, currency: policy.currency.billing } : amountOf(o.total, policy, ['orders', i, 'total']),
      ...(o.coupon === undefined ? {} : { coupon: o.coupon }),
      earlyStartConsent: o.earlyStartConsent,
    };
  });
  const events = s.events.map((e, i) => resolveEvent(e, i, start, policy));
  return { customers, orders, events };
}

function onlyOne<K extends string>(e: Partial<Record<K, string>>, keys: readonly K[], path: readonly PropertyKey[]): { key: K; value: string } {
  const given = keys.filter((k) => e[k] !== undefined);
  if (given.length !== 1) fail(path, `name exactly one of ${keys.join(', ')}`);
  const key = given[0] as K;
  return { key, value: e[key] as string };
}

function invoiceRefOf(e: { invoice?: string | undefined; order?: string | undefined; service?: string | undefined }, path: readonly PropertyKey[]): InvoiceRef {
  const { key, value } = onlyOne(e, ['invoice', 'order', 'service'] as const, path);
  return { [key]: value } as InvoiceRef;
}

function resolveEvent(e: Parsed['events'][number], i: number, start: number, policy: Policy): ScenarioEvent {
  const path = ['events', i];
  const at = resolveTime(e.at, start, [...path, 'at']);
  switch (e.type) {
    case 'payment': {
      const id = e.id ?? `PAY-${i + 1}`;
      if (e.customer !== undefined) {
        if (e.invoice !== undefined || e.order !== undefined || e.service !== undefined) fail(path, 'name a customer or an invoice (invoice, order, service), not both');
        if (e.amount === 'full') fail([...path, 'amount'], 'a payment by customer pays "open" or a decimal amount');
        return { type: 'payment', at, id, target: { customer: e.customer }, amount: e.amount === 'open' ? 'open' : amountOf(e.amount, policy, [...path, 'amount']), method: e.method };
      }
      if (e.amount === 'open') fail([...path, 'amount'], '"open" pays everything a customer owes: name the customer instead of an invoice');
      return { type: 'payment', at, id, target: invoiceRefOf(e, path), amount: e.amount === 'full' ? 'full' : amountOf(e.amount, policy, [...path, 'amount']), method: e.method };
    }
    case 'deferral': {
      const payBy = e.payBy.startsWith('+') ? { daysAfterDue: Number(e.payBy.slice(1, -1)) } : { date: e.payBy };
      return { type: 'deferral', at, id: e.id ?? `DEF-${i + 1}`, target: invoiceRefOf(e, path), payBy, ...(e.reason === undefined ? {} : { reason: e.reason }) };
    }
    case 'refund':
      return { type: 'refund', at, id: e.id, service: e.service, ...(e.reason === undefined ? {} : { reason: e.reason }), ...(e.iban === undefined ? {} : { iban: e.iban }) };
    case 'withdrawal':
      return { type: 'withdrawal', at, id: e.id, order: e.order, ...(e.services === undefined ? {} : { services: e.services }), statement: e.statement };
    case 'decision': {
      const { key, value } = onlyOne(e, ['order', 'refund', 'withdrawal', 'deferral', 'service'] as const, path);
      return { type: 'decision', at, subject: { type: key, id: value }, decision: e.decision, reason: e.reason };
    }
  }
}

/** Ids are unique, references point at something the scenario defines, and every time lies in [start, end]. */
function checkReferences(s: Scenario): void {
  const unique = (ids: string[], what: string) => {
    const seen = new Set<string>();
    for (const [i, v] of ids.entries()) {
      if (seen.has(v)) fail([what, i, 'id'], `"${v}" is used twice`);
      seen.add(v);
    }
    return seen;
  };
  const customers = unique(s.customers.map((c) => c.id), 'customers');
  const orders = unique(s.orders.map((o) => o.id), 'orders');
  const inRange = (at: number, path: readonly PropertyKey[]) => {
    if (at < s.start || at > s.end) fail(path, `${new Date(at).toISOString()} is outside the scenario (start to end)`);
  };
  s.orders.forEach((o, i) => {
    if (!customers.has(o.customer)) fail(['orders', i, 'customer'], `no customer "${o.customer}" in customers`);
    inRange(o.at, ['orders', i, 'at']);
    o.items.forEach((item, j) => {
      if (o.items.findIndex((x) => x.id === item.id) !== j) fail(['orders', i, 'items', j, 'id'], `"${item.id}" is used twice in the order`);
    });
  });
  const services = new Set(s.orders.flatMap((o) => o.items.map((item) => `${o.id}-${item.id}`)));
  s.events.forEach((e, i) => {
    inRange(e.at, ['events', i, 'at']);
    const path = ['events', i];
    const check = (ok: boolean, field: string, message: string) => {
      if (!ok) fail([...path, field], message);
    };
    if (e.type === 'payment' || e.type === 'deferral') {
      const t = e.target;
      if ('order' in t) check(orders.has(t.order), 'order', `no order "${t.order}" in orders`);
      if ('service' in t) check(services.has(t.service), 'service', `no service "${t.service}": a service is "<order id>-<item id>"`);
      if ('customer' in t) check(customers.has(t.customer), 'customer', `no customer "${t.customer}" in customers`);
    }
    if (e.type === 'refund') check(services.has(e.service), 'service', `no service "${e.service}": a service is "<order id>-<item id>"`);
    if (e.type === 'withdrawal') check(orders.has(e.order), 'order', `no order "${e.order}" in orders`);
    if (e.type === 'decision' && e.subject.type === 'order') check(orders.has(e.subject.id), 'order', `no order "${e.subject.id}" in orders`);
  });
}
