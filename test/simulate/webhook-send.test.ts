/**
 * `hostcycle webhook send` against a started runtime: a valid event is signed at the receiver's clock
 * and accepted, a malformed one is refused before anything is sent, and a wrong secret is reported.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../functions/cli/hostcycle';
import { webhookEventSchema } from '../../functions/http/schemas/webhooks';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

const EVENTS = 'examples/events';
let rt: TestRuntime;
const dir = mkdtempSync(join(tmpdir(), 'webhook-send-'));

beforeAll(async () => {
  // A virtual clock months away from the machine's: signing at the machine's time would be refused.
  rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T08:00:00Z' });
});
afterAll(async () => rt?.stop());

async function send(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['webhook', 'send', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function writeEvent(name: string, event: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(event));
  return file;
}

describe('the example events', () => {
  it('cover every webhook type and each is valid', () => {
    const types = readdirSync(EVENTS)
      .filter((f) => f.endsWith('.json'))
      .map((f) => webhookEventSchema.parse(JSON.parse(readFileSync(join(EVENTS, f), 'utf8'))).type);
    expect(types.sort()).toEqual(webhookEventSchema.options.map((o) => o.shape.type.value).sort());
  });
});

describe('hostcycle webhook send', () => {
  it('signs the event at the receiver’s clock, posts it and prints the accepted receipt', async () => {
    const { code, out } = await send([join(EVENTS, 'order-placed.json'), '--url', rt.urls.api, '--secret', rt.webhookSecret]);
    expect(code, out).toBe(0);
    expect(out).toContain('order.placed evt-order-O-1001');
    expect(out).toContain('signed at 2026-03-02T08:00:00.000Z (the receiver\'s clock)');
    expect(out).toContain('HTTP 202');
    expect(out).toContain('"entityId": "O-1001"');
    await rt.advance('1s');
    expect((await rt.repo.get('order', 'O-1001')).state).toBe('in_review');
  });

  it('refuses a malformed event naming the field, with exit 2, and sends nothing', async () => {
    const event = JSON.parse(readFileSync(join(EVENTS, 'order-placed.json'), 'utf8'));
    event.data.orderId = 'O-1002';
    event.eventId = 'evt-order-O-1002';
    event.data.customer.email = 'not an address';
    const { code, out, err } = await send([writeEvent('bad.json', event), '--url', rt.urls.api, '--secret', rt.webhookSecret]);
    expect(code).toBe(2);
    expect(err).toContain('hostcycle webhook: event.data.customer.email: must be an e-mail address');
    expect(out).toBe('');
    expect(await rt.repo.find('order', 'O-1002')).toBeUndefined();
  });

  it('reports a refused signature (401) and exits non-zero', async () => {
    const event = JSON.parse(readFileSync(join(EVENTS, 'order-placed.json'), 'utf8'));
    event.data.orderId = 'O-1003';
    event.eventId = 'evt-order-O-1003';
    const { code, out, err } = await send([writeEvent('other-secret.json', event), '--url', rt.urls.api, '--secret', 'whsec_not_the_one_the_runtime_uses_0000']);
    expect(code).toBe(1);
    expect(out).toContain('HTTP 401');
    expect(err).toContain('refused the signature');
    expect(await rt.repo.find('order', 'O-1003')).toBeUndefined();
  });

  it('reports a 4xx the receiver answers with its reason', async () => {
    // A well-formed withdrawal of an order the receiver does not have (a business answer, not a malformed event).
    const event = JSON.parse(readFileSync(join(EVENTS, 'withdrawal-requested.json'), 'utf8'));
    event.eventId = 'evt-withdrawal-unknown-order';
    event.data.orderId = 'O-NOWHERE';
    const { code, out } = await send([writeEvent('unknown-order.json', event), '--url', rt.urls.api, '--secret', rt.webhookSecret]);
    expect(code).toBe(1);
    expect(out).toMatch(/HTTP 4\d\d/);
    expect(out).toContain('O-NOWHERE');
  });

  it('says so when nothing answers at the URL', async () => {
    const { code, err } = await send([join(EVENTS, 'order-placed.json'), '--url', 'http://127.0.0.1:9', '--secret', rt.webhookSecret]);
    expect(code).toBe(1);
    expect(err).toContain('nothing answers at http://127.0.0.1:9');
  });
});
