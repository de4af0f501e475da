/**
 * The DynamoDB adapters of the platform against DynamoDB Local: the mailer's side-effect ledger, the
 * webhook ledger and the task-token store.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../functions/domain/clock';
import { createSideEffectLedger } from '../../functions/data/side-effect-ledger';
import { createTaskTokens } from '../../functions/data/task-tokens';
import { createWebhookLedger } from '../../functions/data/webhook-ledger';
import type { ClaimDetails } from '../../functions/notifications/ports';
import { createTestTable, type TestTable } from '../support/dynamodb';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const MINUTE = 60_000;

class TestClock implements Clock {
  constructor(public ms: number) {}
  now() {
    return new Date(this.ms);
  }
}

let table: TestTable;
beforeAll(async () => {
  table = await createTestTable('platform-ledgers');
});
afterAll(async () => {
  await table.drop();
});

async function rawItem(pk: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await table.client.send(new GetItemCommand({ TableName: table.tableName, Key: marshall({ pk, sk: 'ledger' }), ConsistentRead: true }));
  return Item === undefined ? undefined : unmarshall(Item);
}

function claim(atMs: number, leaseMs = 15 * MINUTE, to = 'ana@example.si'): ClaimDetails {
  return {
    kind: 'email',
    template: 'payment_reminder',
    language: 'en',
    to,
    subject: 'Reminder 2 for INV-7',
    claimedAt: new Date(atMs).toISOString(),
    leaseExpiresAt: new Date(atMs + leaseMs).toISOString(),
  };
}

describe('side-effect ledger', () => {
  const ledger = () => createSideEffectLedger(table);

  it('gives a new id to the first attempt and answers in_progress to the next one within the lease', async () => {
    expect(await ledger().begin('invoice#INV-1#reminder#1', claim(T0))).toBe('claimed');
    expect(await ledger().begin('invoice#INV-1#reminder#1', claim(T0 + 14 * MINUTE))).toBe('in_progress');
  });

  it('lets a later attempt take over a claim whose lease ran out, in one conditional write', async () => {
    const id = 'invoice#INV-2#reminder#1';
    expect(await ledger().begin(id, claim(T0))).toBe('claimed');
    expect(await ledger().begin(id, claim(T0 + 15 * MINUTE))).toBe('claimed');
    expect(await rawItem(`ledger#sideEffect#${id}`)).toMatchObject({ status: 'in_progress', attempts: 2 });
  });

  it('lets exactly one of many concurrent attempts claim', async () => {
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => ledger().begin('invoice#INV-3#issued', claim(T0))));
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'in_progress')).toHaveLength(7);
  });

  it('answers done once completed, and completing again keeps the first result', async () => {
    const id = 'invoice#INV-4#issued';
    await ledger().begin(id, claim(T0));
    await ledger().complete(id, { providerId: 'ses-1', completedAt: new Date(T0 + 1000).toISOString() });
    await ledger().complete(id, { providerId: 'ses-2', completedAt: new Date(T0 + 2000).toISOString() });
    expect(await ledger().begin(id, claim(T0 + 60 * MINUTE))).toBe('done');
    expect(await rawItem(`ledger#sideEffect#${id}`)).toMatchObject({ status: 'done', result: { providerId: 'ses-1' } });
  });

  it('refuses to complete an effect that was never claimed', async () => {
    await expect(ledger().complete('invoice#INV-404#issued', { providerId: 'x', completedAt: new Date(T0).toISOString() })).rejects.toThrow(/never claimed/);
  });

  it('after a release, the next attempt claims at once and the error is kept', async () => {
    const id = 'invoice#INV-5#issued';
    await ledger().begin(id, claim(T0));
    await ledger().release(id, { name: 'Throttling', message: 'slow down', failedAt: new Date(T0).toISOString() });
    expect(await ledger().begin(id, claim(T0 + 1000))).toBe('claimed');
    expect(await rawItem(`ledger#sideEffect#${id}`)).toMatchObject({ status: 'in_progress', lastError: { name: 'Throttling' } });
  });

  it('does not release an effect that is done', async () => {
    const id = 'invoice#INV-6#issued';
    await ledger().begin(id, claim(T0));
    await ledger().complete(id, { providerId: 'ses-6', completedAt: new Date(T0).toISOString() });
    await ledger().release(id, { name: 'Late', message: 'a stale attempt', failedAt: new Date(T0).toISOString() });
    expect(await ledger().begin(id, claim(T0 + 1000))).toBe('done');
  });

  it("lists what a recipient was sent, for the customer's timeline", async () => {
    const to = 'berta@example.si';
    for (const [n, at] of [[2, T0 + 2000], [1, T0 + 1000]] as const) {
      await ledger().begin(`invoice#INV-9#reminder#${n}`, claim(at, 15 * MINUTE, to));
      await ledger().complete(`invoice#INV-9#reminder#${n}`, { providerId: `ses-${n}`, completedAt: new Date(at).toISOString() });
    }
    await ledger().begin('invoice#INV-9#reminder#3', claim(T0 + 3000, 15 * MINUTE, to));
    const sent = await ledger().sentTo('Berta@Example.si');
    expect(sent.map((m) => [m.id, m.providerId])).toEqual([
      ['invoice#INV-9#reminder#1', 'ses-1'],
      ['invoice#INV-9#reminder#2', 'ses-2'],
    ]);
  });
});

describe('webhook ledger', () => {
  const clock = new TestClock(T0);
  const ledger = () => createWebhookLedger({ ...table, clock });

  it('claims a new event once; the same body again is a duplicate, another body a conflict', async () => {
    expect(await ledger().recordOnce('evt-1', 'hash-a')).toBe('new');
    expect(await ledger().recordOnce('evt-1', 'hash-a')).toBe('duplicate');
    expect(await ledger().recordOnce('evt-1', 'hash-b')).toBe('conflict');
  });

  it('has no outcome while the first delivery is processed, then replays the recorded one', async () => {
    await ledger().recordOnce('evt-2', 'h');
    expect(await ledger().outcomeOf('evt-2')).toBeUndefined();
    await ledger().recordOutcome('evt-2', { statusCode: 202, body: '{"ok":true}' });
    expect(await ledger().outcomeOf('evt-2')).toEqual({ statusCode: 202, body: '{"ok":true}' });
  });

  it('lets exactly one of five concurrent deliveries through', async () => {
    const claims = await Promise.all(Array.from({ length: 5 }, () => ledger().recordOnce('evt-3', 'h')));
    expect(claims.filter((c) => c === 'new')).toHaveLength(1);
    expect(claims.filter((c) => c === 'duplicate')).toHaveLength(4);
  });

  it('after a release the redelivery is new again; an answered event is never released', async () => {
    await ledger().recordOnce('evt-4', 'h');
    await ledger().release('evt-4');
    expect(await ledger().recordOnce('evt-4', 'h')).toBe('new');
    await ledger().recordOutcome('evt-4', { statusCode: 202, body: '{}' });
    await ledger().release('evt-4');
    expect(await ledger().recordOnce('evt-4', 'h')).toBe('duplicate');
  });

  it('lets a claim without an outcome lapse after its lease, for the same body only', async () => {
    const at = new TestClock(T0);
    const l = createWebhookLedger({ ...table, clock: at, leaseMs: 2 * MINUTE });
    await l.recordOnce('evt-5', 'h');
    at.ms = T0 + 2 * MINUTE - 1;
    expect(await l.recordOnce('evt-5', 'h')).toBe('duplicate');
    at.ms = T0 + 2 * MINUTE;
    expect(await l.recordOnce('evt-5', 'other')).toBe('conflict');
    expect(await l.recordOnce('evt-5', 'h')).toBe('new');
  });

  it('marks receipts for expiry through the TTL attribute', async () => {
    await ledger().recordOnce('evt-6', 'h');
    expect((await rawItem('ledger#webhook#evt-6'))?.expiresAt).toBe((T0 + 30 * 24 * 60 * MINUTE) / 1000);
  });
});

describe('task tokens', () => {
  const clock = new TestClock(T0);
  const tokens = () => createTaskTokens({ ...table, clock });
  const context = { executionName: 'INV-7', expiresAt: '2026-03-09T09:00:00.000Z' };

  it('stores, replaces and deletes the token waiting under a key', async () => {
    expect(await tokens().get('invoice#INV-7#payment-wait')).toBeUndefined();
    await tokens().put('invoice#INV-7#payment-wait', 'token-1', context);
    await tokens().put('invoice#INV-7#payment-wait', 'token-2', context);
    expect(await tokens().get('invoice#INV-7#payment-wait')).toBe('token-2');
    await tokens().delete('invoice#INV-7#payment-wait');
    expect(await tokens().get('invoice#INV-7#payment-wait')).toBeUndefined();
  });

  it('sets the TTL a week after the wait ends and keeps the execution for investigation', async () => {
    await tokens().put('order#O-1#provisioning', 'token', context);
    expect(await rawItem('ledger#taskToken#order#O-1#provisioning')).toMatchObject({
      executionName: 'INV-7',
      waitExpiresAt: context.expiresAt,
      expiresAt: Date.parse('2026-03-16T09:00:00.000Z') / 1000,
    });
  });

  it('refuses an expiry that is not a timestamp', async () => {
    await expect(tokens().put('k', 't', { executionName: 'x', expiresAt: 'soon' })).rejects.toThrow(RangeError);
  });
});
