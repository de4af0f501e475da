/**
 * The timeline: audit events and e-mails of every customer in time order, in the provider's zone,
 * with the rule and the amounts, as JSON entries and as a table.
 */
import { describe, expect, it } from 'vitest';
import type { AuditEvent, Customer } from '../../functions/domain/model';
import { getPreset } from '../../functions/domain/policy';
import type { Observation } from '../../functions/simulate/observe';
import { buildTimeline, timelineTable } from '../../functions/simulate/timeline';

const policy = getPreset('hostico');
const customer = { id: 'C-1', state: 'active', type: 'consumer', name: 'Ana', email: 'ana@example.ro', language: 'en', country: 'RO', version: 1, createdAt: '2026-03-02T08:00:00.000Z', updatedAt: '2026-03-02T08:00:00.000Z' } as Customer;

function audit(at: string, entity: AuditEvent['entity'], from: string | null, to: string, rule: string, details?: Record<string, unknown>): AuditEvent {
  return { id: `${entity.type}#${entity.id}#${at}`, state: 'recorded', version: 1, createdAt: at, updatedAt: at, entity, entityVersion: 1, customerId: 'C-1', from, to, actor: { type: 'system', id: 'invoice-dunning' }, rule, at, ...(details ? { details } : {}) };
}

const observation: Observation = {
  customers: [
    {
      customer,
      audit: [
        audit('2026-04-23T21:00:00.000Z', { type: 'service', id: 'S-1' }, 'active', 'suspended', '004 IV. Preložitev/Zaustavitev/Reaktivacija', { invoiceId: 'I-1', graceDays: 7 }),
        audit('2026-04-01T21:00:00.000Z', { type: 'invoice', id: 'I-1' }, null, 'draft', '004 IV. Kampanje'),
        audit('2026-04-25T09:00:00.000Z', { type: 'invoice', id: 'I-1' }, 'overdue', 'paid', 'payment', { amount: '50.00 RON', amountPaid: '50.00 RON', paidAt: '2026-04-25T09:00:00.000Z' }),
      ],
      records: [
        {
          type: 'invoice',
          at: '2026-04-01T21:00:00.000Z',
          record: {
            id: 'I-1', state: 'paid', version: 4, createdAt: '2026-04-01T21:00:00.000Z', updatedAt: '2026-04-25T09:00:00.000Z', customerId: 'C-1', provider: 'hostico', kind: 'proforma',
            lines: [{ kind: 'service_period', description: 'web-s', serviceId: 'S-1', periodStart: '2026-04-02', periodEnd: '2026-05-01', amount: { amount: 5000, currency: 'RON' } }],
            total: { amount: 5000, currency: 'RON' }, amountPaid: { amount: 5000, currency: 'RON' }, issueDate: '2026-04-02', dueDate: '2026-04-16', paidAt: '2026-04-25T09:00:00.000Z',
          },
        },
      ],
      mails: [{ id: 'invoice#I-1#suspended#S-1', to: 'ana@example.ro', template: 'service_suspended', language: 'en', subject: 'Suspended', sentAt: '2026-04-23T21:00:00.000Z', providerId: 'm-1' }],
    },
  ],
  executions: [],
  sentReferences: ['invoice#I-1#suspended#S-1'],
};

describe('the timeline', () => {
  const entries = buildTimeline(observation, policy);

  it('orders changes and e-mails by time, a change before the e-mail about it, in the provider’s zone', () => {
    expect(entries.map((e) => [e.local, e.kind, `${e.entity.type} ${e.entity.id}`, e.to])).toEqual([
      ['2026-04-02 00:00', 'change', 'invoice I-1', 'draft'],
      ['2026-04-24 00:00', 'change', 'service S-1', 'suspended'],
      ['2026-04-24 00:00', 'email', 'invoice I-1', 'sent'],
      ['2026-04-25 12:00', 'change', 'invoice I-1', 'paid'],
    ]);
  });

  it('shows a created record’s fixed amounts, not what was paid on it later, and a change’s amounts from its details', () => {
    expect(entries[0]?.amounts).toEqual(['total 50.00 RON']);
    expect(entries[3]?.amounts).toEqual(['amount 50.00 RON', 'amountPaid 50.00 RON']);
    expect(entries[1]).toMatchObject({ rule: '004 IV. Preložitev/Zaustavitev/Reaktivacija', actor: 'system:invoice-dunning', details: { invoiceId: 'I-1', graceDays: 7 } });
    expect(entries[2]?.email).toEqual({ id: 'invoice#I-1#suspended#S-1', template: 'service_suspended', subject: 'Suspended', to: 'ana@example.ro' });
  });

  it('prints a table with the zone in the header, from → to, the rule, the amounts and the e-mail', () => {
    const lines = timelineTable(entries, policy);
    expect(lines[0]).toMatch(/^time \(Europe\/Bucharest\)\s+customer\s+entity\s+change\s+rule\s+amount\s+e-mail$/);
    expect(lines[3]).toMatch(/^2026-04-24 00:00\s+C-1\s+service S-1\s+active → suspended\s+004 IV\. Preložitev\/Zaustavitev\/Reaktivacija$/);
    expect(lines[4]).toMatch(/^2026-04-24 00:00\s+C-1\s+invoice I-1\s+e-mail sent\s+service_suspended \(suspended#S-1\)$/);
    expect(lines[2]).toMatch(/→ draft\s+004 IV\. Kampanje\s+total 50\.00 RON$/);
  });
});
