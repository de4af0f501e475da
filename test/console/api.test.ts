/**
 * The staff console's JSON API over HTTP, against startConsole on a test runtime with real waiting
 * executions: approvals and decisions, customers and timelines, diagrams of every workflow file, the clock.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createCustomer, startConsoleFixture, type ConsoleFixture } from './support';

const LONG = 24 * 60; // hours: far beyond any clock move in this file but the one that means to time out

let fx: ConsoleFixture;
const api = (path: string, init?: Parameters<typeof call>[2]) => call(fx.console.url, path, init);
const decide = (approvalId: string, body: unknown, init: { origin?: string; contentType?: string } = {}) =>
  api(`/api/approvals/${approvalId}/decision`, { method: 'POST', body, ...init });

beforeAll(async () => {
  fx = await startConsoleFixture();
  await createCustomer(fx.rt, 'C-ana', 'Ana Novak');
  await createCustomer(fx.rt, 'C-bor', 'Bor Kranjc');
  await createCustomer(fx.rt, 'C-quiet', 'Quiet Customer');
});
afterAll(async () => {
  await fx?.stop();
});

describe('pending approvals', () => {
  it('lists a waiting refund approval with its customer, amount and itemised breakdown with the clause of each line', async () => {
    await fx.requestApproval('A-list', 'C-ana', LONG);

    const { status, body } = await api('/api/approvals');

    expect(status).toBe(200);
    const item = body.items.find((a: { approvalId: string }) => a.approvalId === 'A-list');
    expect(item).toMatchObject({
      kind: 'refund',
      summary: 'Refund R-A-list of the unused months of Hosting Start',
      subject: { type: 'refund', id: 'R-A-list' },
      customer: { customerId: 'C-ana', displayName: 'Ana Novak' },
      defaultOutcome: 'rejected',
      amount: { text: '25.00 EUR' },
      reasons: [{ rule: 'refund.staff-approval', clause: 'IV. Refund of money', explanation: 'every refund is approved by staff' }],
      breakdown: [
        { label: 'Unused months 3 × 10.00', clause: 'IV. Refund of money', amount: { text: '30.00 EUR' } },
        { label: 'Free domain of the offer', clause: 'IV. Refund of money', amount: { text: '-5.00 EUR' } },
      ],
      facts: [{ key: 'processingDeadline', value: '2026-03-16T09:00:00Z' }],
    });
  });
});

describe('a decision in the console', () => {
  it('is recorded as through the staff API (who, when, why) and resumes the waiting execution', async () => {
    const { executionArn } = await fx.requestApproval('A-decide', 'C-ana', LONG);

    const { status, body } = await decide('A-decide', { decision: 'approve', reason: 'breakdown checked against clause IV', decidedBy: 'ana.staff' });

    expect(status).toBe(200);
    expect(body).toMatchObject({ approvalId: 'A-decide', status: 'approved', decidedBy: { staffId: 'ana.staff' }, reason: 'breakdown checked against clause IV' });
    expect(await fx.rt.repo.get('approval', 'A-decide')).toMatchObject({ state: 'approved', decidedBy: 'ana.staff', decidedAt: fx.rt.clock.now().toISOString() });
    const [, decision] = await fx.rt.repo.history('approval', 'A-decide');
    expect(decision).toMatchObject({ from: 'pending', to: 'approved', actor: { type: 'staff', id: 'ana.staff' }, rule: 'approval.staff-decision' });
    await fx.rt.sfn.whenIdle();
    const execution = await fx.rt.sfn.describeExecution({ executionArn });
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ outcome: 'approved', decidedBy: 'ana.staff' });
    expect((await api('/api/approvals')).body.items.map((a: { approvalId: string }) => a.approvalId)).not.toContain('A-decide');
  });

  it('answers 409 naming who decided first when the approval is decided again, and changes nothing', async () => {
    await fx.requestApproval('A-twice', 'C-bor', LONG);
    await decide('A-twice', { decision: 'reject', reason: 'duplicate request', decidedBy: 'bor.staff' });

    const { status, body } = await decide('A-twice', { decision: 'approve', reason: 'changed my mind', decidedBy: 'ana.staff' });

    expect(status).toBe(409);
    expect(body).toMatchObject({ error: 'ApprovalClosed', approvalId: 'A-twice', status: 'rejected', decidedBy: { staffId: 'bor.staff' } });
    expect(body.message).toMatch(/already rejected by bor\.staff/);
    expect(await fx.rt.repo.get('approval', 'A-twice')).toMatchObject({ state: 'rejected', decidedBy: 'bor.staff', reason: 'duplicate request' });
  });

  it.each([
    [{ decision: 'approve', decidedBy: 'ana.staff' }, 'reason'],
    [{ decision: 'approve', reason: 'ok', decidedBy: 'ana.staff' }, 'reason'],
    [{ decision: 'maybe', reason: 'not sure yet', decidedBy: 'ana.staff' }, 'decision'],
    [{ decision: 'approve', reason: 'looks right', decidedBy: 'Ana Novak' }, 'decidedBy'],
    [{ decision: 'approve', reason: 'looks right' }, 'decidedBy'],
    [{ decision: 'approve', reason: 'looks right', decidedBy: 'ana.staff', amount: 1 }, 'amount'],
  ])('refuses %j naming the field %s, and records nothing', async (body, field) => {
    await fx.requestApproval('A-invalid', 'C-bor', LONG);

    const answer = await decide('A-invalid', body);

    expect(answer.status).toBe(400);
    expect(answer.body.issues.map((i: { field: string }) => i.field)).toContain(field);
    expect(answer.body.message).toContain(field);
    expect(await fx.rt.repo.get('approval', 'A-invalid')).toMatchObject({ state: 'pending', version: 1 });
  });

  it('answers 404 for an approval that does not exist and 400 for an id no URL can carry', async () => {
    expect((await decide('A-nobody', { decision: 'approve', reason: 'looks right', decidedBy: 'ana.staff' })).status).toBe(404);
    const bad = await decide('%20bad', { decision: 'approve', reason: 'looks right', decidedBy: 'ana.staff' });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('approvalId');
  });

  it('refuses a decision posted from another origin or not as JSON', async () => {
    await fx.requestApproval('A-csrf', 'C-bor', LONG);
    const body = { decision: 'approve', reason: 'looks right', decidedBy: 'ana.staff' };

    expect((await decide('A-csrf', body, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await decide('A-csrf', body, { contentType: 'text/plain' })).status).toBe(415);
    expect((await decide('A-csrf', body, { origin: new URL(fx.console.url).origin })).status).toBe(200);
  });
});

describe('customers', () => {
  it('lists the customers that have a workflow, finds them by name, and any customer by exact id', async () => {
    await fx.requestApproval('A-search', 'C-ana', LONG);

    const all = await api('/api/customers');
    const byName = await api('/api/customers?q=novak');
    const byId = await api('/api/customers?q=C-quiet');

    expect(all.body.items.map((c: { customerId: string }) => c.customerId)).toEqual(expect.arrayContaining(['C-ana', 'C-bor']));
    expect(all.body.items.map((c: { customerId: string }) => c.customerId)).not.toContain('C-quiet');
    expect(byName.body.items).toEqual([expect.objectContaining({ customerId: 'C-ana', displayName: 'Ana Novak', email: 'c-ana@example.si' })]);
    expect(byName.body.items[0].pendingApprovals).toBeGreaterThan(0);
    expect(byId.body.items).toEqual([expect.objectContaining({ customerId: 'C-quiet', executions: 0, pendingApprovals: 0 })]);
  });

  it("shows a customer's timeline with the staff decision and where each execution is", async () => {
    await fx.requestApproval('A-timeline', 'C-bor', LONG);
    await decide('A-timeline', { decision: 'approve', reason: 'all lines check out', decidedBy: 'bor.staff' });
    await fx.rt.sfn.whenIdle();
    await fx.requestApproval('A-waiting', 'C-bor', LONG);

    const { status, body } = await api('/api/customers/C-bor');

    expect(status).toBe(200);
    expect(body.customer).toMatchObject({ customerId: 'C-bor', displayName: 'Bor Kranjc' });
    expect(body.timeline).toContainEqual(
      expect.objectContaining({ kind: 'audit', entity: { type: 'approval', id: 'A-timeline' }, from: 'pending', to: 'approved', actor: { type: 'staff', id: 'bor.staff' } }),
    );
    const executions = new Map(body.executions.map((e: { name: string }) => [e.name, e]));
    expect(executions.get('probe-A-timeline')).toMatchObject({
      workflow: 'console-approval-probe',
      status: 'SUCCEEDED',
      position: { current: [{ name: 'RefundApproved', count: 1 }], visited: ['WaitForStaffDecision', 'IsApproved', 'RefundApproved'] },
    });
    expect(executions.get('probe-A-waiting')).toMatchObject({ status: 'RUNNING', position: { current: [{ name: 'WaitForStaffDecision', count: 1 }] } });
  });

  it('finds the customer of a real order placed over the storefront webhook, with its order-activation execution drawn where it is', async () => {
    const placed = await fx.rt.webhook({
      eventId: 'evt-console-order-1',
      type: 'order.placed',
      occurredAt: fx.rt.clock.now().toISOString(),
      data: {
        orderId: 'ORD-console-1',
        customer: { type: 'consumer', customerId: 'C-order', name: 'Nika Order', email: 'nika@example.si', language: 'en', country: 'SI' },
        items: [{ itemId: 'i1', kind: 'shared_hosting', productCode: 'web-s', billingCycle: 'monthly', price: { amount: 1200, currency: 'EUR' } }],
        total: { amount: 1200, currency: 'EUR' },
      },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(202);
    await fx.rt.advance('1s');

    const found = await api('/api/customers?q=nika');
    const { body } = await api('/api/customers/C-order');
    const diagrams = (await api('/api/workflows')).body.items;

    expect(found.body.items).toEqual([expect.objectContaining({ customerId: 'C-order', executions: 1 })]);
    const [execution] = body.executions;
    expect(execution).toMatchObject({ workflow: 'order-activation', name: 'ORD-console-1' });
    const drawn = new Set(diagrams.find((w: { name: string }) => w.name === 'order-activation').diagram.nodes.map((n: { name: string }) => n.name));
    expect(execution.position.current.length).toBeGreaterThan(0);
    for (const { name } of execution.position.current) expect(drawn.has(name), `${name} is drawn`).toBe(true);
    expect(body.timeline.some((t: { kind: string }) => t.kind === 'workflow')).toBe(true);
    expect(body.timeline.some((t: { entity: { type: string } }) => t.entity.type === 'order')).toBe(true);
  });

  it('answers 404 for an unknown customer and 400 naming customerId for a malformed one', async () => {
    expect((await api('/api/customers/C-nobody')).status).toBe(404);
    const bad = await api('/api/customers/%20x');
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('customerId');
    expect((await api('/api/customers/%E0%A4%A')).body.issues[0].field).toBe('customerId');
    expect((await api(`/api/customers?q=${'x'.repeat(201)}`)).body.issues[0].field).toBe('q');
  });
});

describe('workflow diagrams', () => {
  type Node = { id: string; name: string; type: string; parent?: string; x: number; y: number; width: number; height: number };
  const files = readdirSync('workflows').filter((f) => f.endsWith('.asl.json'));

  function stateNames(scope: { States: Record<string, any> }): string[] {
    return Object.entries(scope.States).flatMap(([name, s]) => [
      name,
      ...(s.Branches ?? []).flatMap(stateNames),
      ...(s.ItemProcessor ? stateNames(s.ItemProcessor) : []),
    ]);
  }

  it('has at least one workflow file to draw', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('draws %s with every state once, edges between drawn states, and nothing overlapping', async (file) => {
    const definition = JSON.parse(readFileSync(join('workflows', file), 'utf8'));
    const { body } = await api('/api/workflows');
    const workflow = body.items.find((w: { name: string }) => w.name === file.replace(/\.asl\.json$/, ''));
    expect(workflow, `no diagram for ${file}`).toBeDefined();
    const nodes: Node[] = workflow.diagram.nodes;
    const states = nodes.filter((n) => n.type !== 'Start');

    expect(states.map((n) => n.name).sort()).toEqual(stateNames(definition).sort());
    const ids = new Set(nodes.map((n) => n.id));
    for (const edge of workflow.diagram.edges) {
      expect(ids.has(edge.from) && ids.has(edge.to), `${edge.from} → ${edge.to}`).toBe(true);
    }
    for (const a of nodes) {
      const parent = nodes.find((p) => p.id === a.parent);
      if (parent) expect(a.x >= parent.x && a.y >= parent.y && a.x + a.width <= parent.x + parent.width && a.y + a.height <= parent.y + parent.height, `${a.id} inside ${parent.id}`).toBe(true);
      for (const b of nodes) {
        if (a === b || a.parent !== b.parent) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
  });
});

describe('the clock', () => {
  it('shows the virtual time and mode', async () => {
    const { body } = await api('/api/clock');
    expect(body).toMatchObject({ now: fx.rt.clock.now().toISOString(), mode: 'virtual', speed: 0 });
  });

  it('advances by a day and to an instant, running what falls due: an approval past its deadline times out', async () => {
    const { executionArn } = await fx.requestApproval('A-deadline', 'C-ana', 2);
    const before = fx.rt.clock.nowMs();

    const byDay = await api('/api/clock/advance', { body: { by: '1d' } });
    const target = new Date(before + 2 * 86_400_000).toISOString();
    const toInstant = await api('/api/clock/advance', { body: { to: target } });

    expect(byDay.body.now).toBe(new Date(before + 86_400_000).toISOString());
    expect(toInstant.body.now).toBe(target);
    expect(fx.rt.clock.now().toISOString()).toBe(target);
    expect((await fx.rt.sfn.describeExecution({ executionArn })).status).toBe('SUCCEEDED');
    const late = await decide('A-deadline', { decision: 'approve', reason: 'too late now', decidedBy: 'ana.staff' });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ status: 'timed_out', decidedBy: null });
    expect(late.body.message).toMatch(/timed out/);
  });

  it.each([
    [{ to: '2020-01-01T00:00:00Z' }, 'to'],
    [{ by: 'tomorrow' }, 'by'],
    [{ by: '500d' }, 'by'],
    [{}, 'by'],
    [{ by: '1d', to: '2030-01-01T00:00:00Z' }, 'by'],
  ])('refuses to advance with %j, naming %s, and does not move', async (body, field) => {
    const before = fx.rt.clock.now().toISOString();
    const answer = await api('/api/clock/advance', { body });
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0].field).toBe(field);
    expect(fx.rt.clock.now().toISOString()).toBe(before);
  });

  it('switches the clock to real time and back, and wants a speed for the speed mode', async () => {
    expect((await api('/api/clock/mode', { body: { mode: 'real' } })).body.mode).toBe('real');
    expect((await api('/api/clock/mode', { body: { mode: 'virtual' } })).body.mode).toBe('virtual');
    const bad = await api('/api/clock/mode', { body: { mode: 'speed' } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues[0].field).toBe('speed');
  });
});

describe('the page', () => {
  it('serves the page and its modules with a content security policy, and no other file', async () => {
    const page = await api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.body).toContain('<script type="module" src="/assets/app.js">');
    for (const asset of ['/assets/app.js', '/assets/diagram.js', '/assets/api.js', '/assets/console.css']) {
      expect((await api(asset)).status, asset).toBe(200);
    }
    expect((await api('/assets/../server.ts')).status).toBe(404);
    expect((await api('/api/nothing')).status).toBe(404);
    expect((await api('/', { method: 'POST', body: {} })).status).toBe(405);
    expect((await api('/api/approvals', { method: 'POST', body: {} })).status).toBe(405);
  });

  it('tells the page where the mail viewer is', async () => {
    expect((await api('/api/overview')).body).toMatchObject({ mailUrl: fx.rt.urls.mail, preset: 'hostico', timeZone: 'Europe/Bucharest' });
  });
});
