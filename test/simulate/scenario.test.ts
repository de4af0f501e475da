/**
 * The scenario format (functions/simulate/SCENARIOS.md): every example parses, a malformed scenario is
 * rejected naming the field, and the generator's mix is exact and reproducible.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/hostcycle';
import { getPreset } from '../../functions/domain/policy';
import { generate, habitCounts } from '../../functions/simulate/generate';
import { parseScenario } from '../../functions/simulate/scenario';

const EXAMPLES = 'examples/scenarios';
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8'));

const minimal = () => ({
  name: 'one order',
  preset: 'hostico',
  start: '2026-03-02T08:00:00Z',
  end: '+30d',
  customers: [{ id: 'C-1' }],
  orders: [{ id: 'O-1', customer: 'C-1', at: '+1h', items: [{ kind: 'shared_hosting', price: '50.00' }] }],
  events: [{ type: 'payment', at: '+2h', order: 'O-1' }],
});

function rejection(input: unknown): string {
  try {
    parseScenario(input);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the scenario was accepted');
}

describe('scenario files', () => {
  it.each(['hostico.json', 'smartape.json', 'secom.json'])('the example %s parses', (file) => {
    const s = parseScenario(read(file));
    expect(s.preset).toBe(file.replace('.json', ''));
    expect(s.delivery).toBe('http');
    expect(s.events.map((e) => e.at)).toEqual([...s.events.map((e) => e.at)].sort((a, b) => a - b));
  });

  it('ships one example per preset and nothing else', () => {
    expect(readdirSync(EXAMPLES).sort()).toEqual(['hostico.json', 'secom.json', 'smartape.json']);
  });

  it('resolves offsets, amounts in the preset currency and defaults', () => {
    const s = parseScenario(minimal());
    expect(s.end - s.start).toBe(30 * 86_400_000);
    expect(s.orders[0]).toMatchObject({ at: s.start + 3_600_000, total: { amount: 5000, currency: 'RON' }, items: [{ id: 'i1', cycle: 'monthly', product: 'shared-hosting' }] });
    expect(s.customers[0]).toMatchObject({ type: 'consumer', language: 'en', country: 'RO', email: 'c-1@customers.example' });
    expect(s.events[0]).toMatchObject({ type: 'payment', target: { order: 'O-1' }, amount: 'full' });
    expect(s.staff.undecided).toBe('timeout');
  });
});

describe('a malformed scenario is rejected naming the field', () => {
  it.each([
    ['a missing preset', (s: any) => delete s.preset, 'scenario.preset'],
    ['an unknown preset', (s: any) => (s.preset = 'acme'), 'scenario.preset'],
    ['an unknown field', (s: any) => (s.orders[0].colour = 'red'), 'scenario.orders.0'],
    ['a price that is not an amount', (s: any) => (s.orders[0].items[0].price = 'fifty'), 'scenario.orders.0.items.0.price'],
    ['more decimals than the currency has', (s: any) => (s.orders[0].items[0].price = '1.005'), 'scenario.orders.0.items.0.price: RON has 2 decimals'],
    ['an unknown product kind', (s: any) => (s.orders[0].items[0].kind = 'email'), 'scenario.orders.0.items.0.kind'],
    ['an order of an unknown customer', (s: any) => (s.orders[0].customer = 'C-9'), 'scenario.orders.0.customer: no customer "C-9"'],
    ['an event type that does not exist', (s: any) => (s.events[0].type = 'gift'), 'scenario.events.0.type'],
    ['a payment naming two invoices', (s: any) => (s.events[0].service = 'O-1-i1'), 'scenario.events.0: name exactly one of invoice, order, service'],
    ['a payment of an unknown service', (s: any) => (s.events[0] = { type: 'payment', at: '+1d', service: 'O-2-i1' }), 'scenario.events.0.service'],
    ['"open" for one invoice', (s: any) => (s.events[0].amount = 'open'), 'scenario.events.0.amount'],
    ['a time that is no time', (s: any) => (s.events[0].at = 'tomorrow'), 'scenario.events.0.at'],
    ['an event after the end', (s: any) => (s.events[0].at = '+31d'), 'scenario.events.0.at: 2026-04-02T08:00:00.000Z is outside the scenario'],
    ['an end before the start', (s: any) => (s.end = '2026-03-01T00:00:00Z'), 'scenario.end: must be after start'],
    ['a decision without a reason', (s: any) => s.events.push({ type: 'decision', at: '+1h', order: 'O-1', decision: 'approve' }), 'scenario.events.1.reason'],
    ['a mix that does not add up', (s: any) => (s.generate = { services: 10, mix: { onTime: 0.5, never: 0.2 } }), 'scenario.generate.mix: onTime + inGrace + never must add up to 1'],
    ['a customer id used twice', (s: any) => s.customers.push({ id: 'C-1' }), 'scenario.customers.1.id: "C-1" is used twice'],
  ])('%s', (_what, spoil, field) => {
    const s = minimal();
    spoil(s);
    expect(rejection(s)).toContain(field);
  });

  it('the CLI exits 2 with the field on stderr, before starting anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const file = join(dir, 'bad.json');
    const s: any = minimal();
    s.events[0].amount = '-5';
    writeFileSync(file, JSON.stringify(s));
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['simulate', file], { out: (l) => out.push(l), err: (l) => err.push(l) });
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('hostcycle simulate: scenario.events.0.amount: must be "full", "open" or a decimal amount');
    expect(out).toEqual([]);
  });

  it('the CLI exits 2 for a file that is not JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{ "name": ');
    const err: string[] = [];
    expect(await main(['simulate', file], { out: () => undefined, err: (l) => err.push(l) })).toBe(2);
    expect(err.join('\n')).toContain('is not JSON');
  });
});

describe('the generator', () => {
  const spec = {
    services: 1000,
    mix: { onTime: 0.85, inGrace: 0.1, never: 0.05 },
    seed: 42,
    kind: 'shared_hosting' as const,
    cycle: 'monthly' as const,
    price: { amount: 1000, currency: 'RON' },
    spreadMs: 28 * 86_400_000,
    customerType: 'consumer' as const,
    language: 'en',
  };
  const start = Date.parse('2026-03-02T08:00:00Z');

  it('splits the services exactly by the mix', () => {
    const { habits } = generate(spec, getPreset('hostico'), start);
    const count = (mix: string) => habits.filter((h) => h.mix === mix).length;
    expect([count('onTime'), count('inGrace'), count('never')]).toEqual([850, 100, 50]);
    expect(habitCounts(7, { onTime: 0.5, inGrace: 0.25, never: 0.25 })).toEqual({ onTime: 3, inGrace: 2, never: 2 });
  });

  it('gives the same scenario for the same seed and another for another seed', () => {
    const a = generate(spec, getPreset('hostico'), start);
    expect(generate(spec, getPreset('hostico'), start)).toEqual(a);
    expect(generate({ ...spec, seed: 43 }, getPreset('hostico'), start).habits).not.toEqual(a.habits);
  });

  it('pays in grace before the preset\'s grace ends, and late after a suspension where there is no grace', () => {
    const late = (preset: string) => generate(spec, getPreset(preset), start).habits.flatMap((h) => (h.mix === 'inGrace' ? [h.daysAfterDue ?? NaN] : []));
    // hostico: 7 days of grace (004 IV. Preložitev…).
    expect(Math.min(...late('hostico'))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...late('hostico'))).toBeLessThanOrEqual(6);
    // smartape suspends at once (003 2.2.5): late payers pay 1 to 3 days after the due date.
    expect(Math.max(...late('smartape'))).toBeLessThanOrEqual(3);
    const early = generate(spec, getPreset('hostico'), start).habits.flatMap((h) => (h.mix === 'onTime' ? [h.daysAfterDue ?? NaN] : []));
    expect(Math.max(...early)).toBeLessThanOrEqual(0);
  });

  it('places the orders evenly over the spread and pays every first invoice a day later', () => {
    const { orders, events } = generate(spec, getPreset('hostico'), start);
    expect(orders[0]?.at).toBe(start);
    expect(orders.at(-1)?.at).toBeLessThan(start + spec.spreadMs);
    expect(events).toHaveLength(1000);
    expect(events[0]).toMatchObject({ type: 'payment', target: { order: 'GO0001' }, at: start + 86_400_000 });
  });

  it('is expanded by parseScenario, with staff approving by default and delivery through the actions', () => {
    const s = parseScenario({ name: 'scale', preset: 'hostico', start: '2026-03-02T08:00:00Z', end: '+365d', generate: { services: 20, mix: { onTime: 1 } } });
    expect(s.customers).toHaveLength(20);
    expect(s.staff.undecided).toBe('approve');
    expect(s.delivery).toBe('actions');
  });
});
