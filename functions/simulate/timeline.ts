/**
 * The timeline of a simulation: every state change (from the audit trail) and every e-mail (from the
 * ledger, at its virtual send time), in time order, as JSON entries and as a readable table in the
 * provider's time zone.
 */
import { DateTime } from 'luxon';
import { formatMoney, moneySchema } from '../domain/money';
import type { AuditEvent } from '../domain/model';
import type { Policy } from '../domain/policy';
import { table } from '../cli/io';
import { approvalsOf, type Observation } from './observe';

export interface TimelineEntry {
  /** UTC, ISO-8601. */
  at: string;
  /** The same instant in the provider's time zone. */
  local: string;
  customer: string;
  kind: 'change' | 'email';
  entity: { type: string; id: string };
  /** null when the entity was created. */
  from: string | null;
  to: string;
  actor?: string;
  rule?: string;
  amounts: string[];
  email?: { id: string; template: string; subject: string; to: string };
  details?: Record<string, unknown>;
}

export interface ApprovalSummary {
  approvalId: string;
  kind: string;
  customer: string;
  subject: { type: string; id: string };
  state: string;
  createdAt: string;
  deadline: string;
  defaultOutcome: string;
  decidedBy?: string;
  decidedAt?: string;
  reason?: string;
}

/** The amounts a record is created with and keeps (what was paid so far changes later). */
const CREATION_AMOUNTS = ['total', 'amount', 'price'] as const;

/** Field names whose values are amounts worth showing beside a change. */
const AMOUNT_FIELD = /amount|total|charge|penalty|price|refund|paid/i;

function amountsIn(source: Record<string, unknown> | undefined): string[] {
  if (source === undefined) return [];
  return Object.entries(source).flatMap(([field, value]) => {
    if (!AMOUNT_FIELD.test(field) || field === 'paidAt' || field === 'paidUntil') return [];
    const money = moneySchema.safeParse(value);
    if (money.success) return [`${field} ${formatMoney(money.data)}`];
    return typeof value === 'string' && /^-?\d+(\.\d+)? [A-Z]{3}$/.test(value) ? [`${field} ${value}`] : [];
  });
}

export function localTime(policy: Policy, iso: string): string {
  return DateTime.fromISO(iso, { zone: policy.calendar.timeZone }).toFormat('yyyy-MM-dd HH:mm');
}

const actorOf = (event: AuditEvent) => `${event.actor.type}${event.actor.id === undefined ? '' : `:${event.actor.id}`}`;

export function buildTimeline(o: Observation, policy: Policy): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const c of o.customers) {
    const records = new Map(c.records.map((r) => [`${r.type}#${r.record.id}`, r.record as unknown as Record<string, unknown>]));
    for (const event of c.audit) {
      const created = event.from === null ? records.get(`${event.entity.type}#${event.entity.id}`) : undefined;
      // A created record is read as it is now; only its fixed amounts describe its creation.
      const fixed = created === undefined ? undefined : Object.fromEntries(CREATION_AMOUNTS.map((f) => [f, created[f]]));
      const amounts = [...new Set([...amountsIn(event.details), ...amountsIn(fixed)])];
      entries.push({
        at: event.at,
        local: localTime(policy, event.at),
        customer: c.customer.id,
        kind: 'change',
        entity: event.entity,
        from: event.from,
        to: event.to,
        actor: actorOf(event),
        rule: event.rule,
        amounts,
        ...(event.details === undefined ? {} : { details: event.details }),
      });
    }
    for (const mail of c.mails) {
      const [type = 'notification', id = mail.id] = mail.id.split('#');
      entries.push({
        at: mail.sentAt,
        local: localTime(policy, mail.sentAt),
        customer: c.customer.id,
        kind: 'email',
        entity: { type, id },
        from: null,
        to: 'sent',
        amounts: [],
        email: { id: mail.id, template: mail.template, subject: mail.subject, to: mail.to },
      });
    }
  }
  // Time order; at one instant a change before the e-mail that tells of it.
  return entries.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === b.kind ? 0 : a.kind === 'change' ? -1 : 1));
}

export function approvalSummaries(o: Observation): ApprovalSummary[] {
  return o.customers
    .flatMap((c) =>
      approvalsOf(c).map((a) => ({
        approvalId: a.id,
        kind: a.kind,
        customer: c.customer.id,
        subject: a.context.subject,
        state: a.state,
        createdAt: a.createdAt,
        deadline: a.deadline,
        defaultOutcome: a.defaultOutcome,
        ...(a.decidedBy === undefined ? {} : { decidedBy: a.decidedBy }),
        ...(a.decidedAt === undefined ? {} : { decidedAt: a.decidedAt }),
        ...(a.reason === undefined ? {} : { reason: a.reason }),
      })),
    )
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The purpose part of a notification id: `invoice#INV-7#reminder#2` → `reminder#2`. */
const purpose = (id: string) => id.split('#').slice(2).join('#');

export function timelineTable(entries: readonly TimelineEntry[], policy: Policy): string[] {
  const rows = entries.map((e) => [
    e.local,
    e.customer,
    `${e.entity.type} ${e.entity.id}`,
    e.kind === 'email' ? 'e-mail sent' : e.from === null ? `→ ${e.to}` : `${e.from} → ${e.to}`,
    e.rule ?? '',
    e.amounts.join(', '),
    e.email === undefined ? '' : `${e.email.template} (${purpose(e.email.id)})`,
  ]);
  return table([`time (${policy.calendar.timeZone})`, 'customer', 'entity', 'change', 'rule', 'amount', 'e-mail'], rows);
}
