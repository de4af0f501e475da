/**
 * The domain actions behind the HTTP routes (HostcycleActions in functions/http/routes.ts).
 *
 * Storefront webhooks are delegated to each lifecycle's intake module; the staff actions live here
 * because they span every lifecycle: the approval queue, decisions and a customer's timeline.
 *
 * Approval context convention (for the workflows that request approvals): `context.details` may hold
 *   reasons:   [{ rule, clause, explanation }]   why the case needs a person
 *   amount:    Money                             the amount at stake
 *   breakdown: [{ label, amount, clause? }]      an itemised calculation (a refund's), in order
 * and the staff list shows them as they are.
 */
import { z } from 'zod';
import { formatMoney, moneySchema } from '../domain/money';
import { NotFoundError } from '../domain/errors';
import { entityTypeSchema, type Approval, type AuditEvent, type Customer, type EntityType } from '../domain/model';
import type { SentMail } from '../data/side-effect-ledger';
import type { TimelineEntry as RecordEntry } from '../data/repository';
import type { DecisionResult, HostcycleActions, ResendResult } from '../http/routes';
import type { PendingApproval, TimelinePage, UndeliverableNotificationView } from '../http/schemas/staff';
import type { UndeliverableNotification } from '../notifications/ports';
import * as invoiceDunning from '../lifecycles/invoice-dunning/intake';
import * as orderActivation from '../lifecycles/order-activation/intake';
import * as refund from '../lifecycles/refund/intake';
import * as withdrawal from '../lifecycles/withdrawal/intake';
import { ApprovalClosedError } from './errors';
import type { AppDeps, WorkflowName } from './ports';

/**
 * Where the timeline finds the e-mails a customer was sent (the side-effect ledger's mailbox index),
 * and the staff list the e-mails SES refused for good.
 */
export interface MailLog {
  sentTo(recipient: string): Promise<SentMail[]>;
  listUndeliverable(): Promise<UndeliverableNotification[]>;
  /** The ledger state of a notification id, or null when it was never tried. */
  stateOf(id: string): Promise<string | null>;
}

type StaffTimelineEntry = TimelinePage['entries'][number];

/** A timeline entry with the id of what it shows (audit event, e-mail, execution), which makes its position unique. */
interface Keyed {
  entry: StaffTimelineEntry;
  uid: string;
}

const reasonsSchema = z.array(z.object({ rule: z.string(), clause: z.string(), explanation: z.string() }));
const breakdownSchema = z.array(z.object({ label: z.string(), amount: moneySchema }));

/** Cursors are opaque to clients: the sort key of the last item returned, base64url-encoded. */
const encodeCursor = (position: string) => Buffer.from(position, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** The workflow whose execution is named by an entity's id (functions/lifecycles/README.md). */
const WORKFLOW_OF: Partial<Record<EntityType, WorkflowName>> = {
  order: 'order-activation',
  invoice: 'invoice-dunning',
  refund: 'refund',
  withdrawal: 'withdrawal',
};

/** Amount-like fields worth showing in a timeline line, in the order they are shown. */
const AMOUNT_FIELDS = ['amount', 'total', 'amountPaid', 'proportionalCharge'] as const;

function displayName(customer: Customer): string {
  return customer.type === 'business' ? customer.companyName : customer.name;
}

function amountsOf(source: Record<string, unknown> | undefined): string[] {
  if (source === undefined) return [];
  return AMOUNT_FIELDS.flatMap((field) => {
    const value = source[field];
    if (typeof value === 'string') return [`${field} ${value}`];
    const money = moneySchema.safeParse(value);
    return money.success ? [`${field} ${formatMoney(money.data)}`] : [];
  });
}

export function createActions(deps: AppDeps, mailLog: MailLog): HostcycleActions {
  function toPending(approval: Approval, customer: Customer): PendingApproval {
    const details = approval.context.details ?? {};
    const reasons = reasonsSchema.safeParse(details.reasons);
    const amount = moneySchema.safeParse(details.amount);
    const breakdown = breakdownSchema.safeParse(details.breakdown);
    return {
      approvalId: approval.id,
      kind: approval.kind,
      status: 'pending',
      subject: { entity: approval.context.subject.type, entityId: approval.context.subject.id },
      customer: { customerId: customer.id, displayName: displayName(customer), type: customer.type, country: customer.country },
      requestedAt: approval.createdAt,
      expiresAt: approval.deadline,
      outcomeOnTimeout: approval.defaultOutcome === 'approved' ? 'approve' : 'reject',
      reasons: reasons.success && reasons.data.length > 0 ? reasons.data : [{ rule: approval.kind, clause: '', explanation: approval.context.summary }],
      ...(amount.success ? { amount: amount.data } : {}),
      ...(breakdown.success ? { breakdown: breakdown.data.map(({ label, amount: a }) => ({ label, amount: a })) } : {}),
    };
  }

  function auditEntry(event: AuditEvent, records: Map<string, Record<string, unknown>>): Keyed {
    const record = event.from === null ? records.get(`${event.entity.type}#${event.entity.id}`) : undefined;
    const amounts = [...amountsOf(event.details), ...(event.from === null ? amountsOf(record) : [])];
    const change = event.from === null ? `created as ${event.to}` : `${event.from} → ${event.to}`;
    const entry: StaffTimelineEntry = {
      at: event.at,
      kind: 'audit',
      entity: event.entity,
      summary: [`${event.entity.type} ${event.entity.id} ${change}`, ...amounts].join('; '),
      from: event.from,
      to: event.to,
      actor: { type: event.actor.type, id: event.actor.id },
      rule: event.rule,
    };
    return { entry, uid: event.id };
  }

  function mailEntry(mail: SentMail): Keyed {
    const [type = 'notification', id = mail.id] = mail.id.split('#');
    const resent = mail.resend === undefined ? '' : `; re-sent by ${mail.resend.decidedBy} after SES refused it: ${mail.resend.reason}`;
    const entry: StaffTimelineEntry = {
      at: mail.sentAt,
      kind: 'email',
      entity: { type, id },
      summary: `e-mail "${mail.subject}" (${mail.template}, ${mail.language}) to ${mail.to}${resent}`,
      from: mail.resend === undefined ? null : 'undeliverable',
      to: 'sent',
      actor: mail.resend === undefined ? { type: 'system', id: 'mailer' } : { type: 'staff', id: mail.resend.decidedBy },
      rule: null,
    };
    return { entry, uid: mail.id };
  }

  function undeliverableEntry(mail: UndeliverableNotification): Keyed {
    const [type = 'notification', id = mail.id] = mail.id.split('#');
    const entry: StaffTimelineEntry = {
      at: mail.error.failedAt,
      kind: 'email',
      entity: { type, id },
      summary: `e-mail "${mail.subject}" (${mail.template}, ${mail.language}) to ${mail.to} undeliverable: SES ${mail.error.name}: ${mail.error.message}`,
      from: null,
      to: 'undeliverable',
      actor: { type: 'system', id: 'mailer' },
      rule: null,
    };
    return { entry, uid: `${mail.id}#undeliverable` };
  }

  /** The customer a notification is about, through the record its id names (`invoice#INV-7#…` → the invoice's customer). */
  async function customerOfNotification(notificationId: string): Promise<Customer | undefined> {
    const [type, entityId] = notificationId.split('#');
    const entityType = entityTypeSchema.safeParse(type);
    if (!entityType.success || entityId === undefined || entityId === '') return undefined;
    const record = (await deps.repo.find(entityType.data, entityId)) as { id: string; customerId?: string } | undefined;
    if (record === undefined) return undefined;
    const customerId = entityType.data === 'customer' ? record.id : record.customerId;
    return customerId === undefined ? undefined : deps.repo.find('customer', customerId);
  }

  function undeliverableView(mail: UndeliverableNotification, customer: Customer | undefined): UndeliverableNotificationView {
    const [entity = 'notification', entityId = mail.id] = mail.id.split('#');
    return {
      notificationId: mail.id,
      subject: { entity, entityId },
      customer: customer === undefined ? null : { customerId: customer.id, displayName: displayName(customer), email: customer.email },
      template: mail.template,
      language: mail.language,
      refusedAddress: mail.to,
      emailSubject: mail.subject,
      error: { name: mail.error.name, message: mail.error.message },
      failedAt: mail.error.failedAt,
    };
  }

  async function workflowEntries(records: RecordEntry[]): Promise<Keyed[]> {
    const executions = new Map<string, { workflow: WorkflowName; type: EntityType; id: string }>();
    for (const { type, record } of records) {
      const workflow = WORKFLOW_OF[type];
      if (workflow === undefined) continue;
      if (type === 'invoice' && (record as { kind?: string }).kind === 'credit_note') continue;
      executions.set(`${workflow}#${record.id}`, { workflow, type, id: record.id });
    }
    const described = await Promise.all(
      [...executions.values()].map(async (e) => ({ ...e, execution: await deps.workflows.describe(e.workflow, e.id) })),
    );
    return described.flatMap(({ workflow, type, id, execution }) =>
      execution === undefined
        ? []
        : [
            {
              entry: {
                at: execution.updatedAt ?? execution.startedAt ?? deps.clock.now().toISOString(),
                kind: 'workflow' as const,
                entity: { type, id },
                summary: `${workflow} ${id}: ${execution.status}${execution.currentState === undefined ? '' : ` at ${execution.currentState}`}`,
                from: null,
                to: execution.status,
                actor: { type: 'system' as const, id: 'step-functions' },
                rule: null,
              },
              uid: execution.executionArn,
            },
          ],
    );
  }

  /** Newest first; ties broken by kind and the id of what an entry shows, so a cursor position is unique and stable. */
  const sortKey = ({ entry, uid }: Keyed) => `${entry.at}|${entry.kind}|${uid}`;

  return {
    placeOrder: (event) => orderActivation.placeOrder(deps, event),
    recordProvisioningResult: (event) => orderActivation.recordProvisioningResult(deps, event),
    recordPayment: (event) => invoiceDunning.recordPayment(deps, event),
    requestDeferral: (event) => invoiceDunning.requestDeferral(deps, event),
    requestRefund: (event) => refund.requestRefund(deps, event),
    requestWithdrawal: (event) => withdrawal.requestWithdrawal(deps, event),

    async listPendingApprovals({ kind, limit, cursor }) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      // Oldest deadline first, as the index returns them; the position is `<deadline>#<id>`.
      const pending = (await deps.approvals.listPending())
        .filter((a) => kind === undefined || a.kind === kind)
        .filter((a) => after === undefined || `${a.deadline}#${a.id}` > after);
      const page = pending.slice(0, limit);
      const customers = new Map<string, Customer>();
      for (const customerId of new Set(page.map((a) => a.customerId))) customers.set(customerId, await deps.repo.get('customer', customerId));
      const last = page.at(-1);
      return {
        items: page.map((a) => toPending(a, customers.get(a.customerId) as Customer)),
        nextCursor: pending.length > limit && last !== undefined ? encodeCursor(`${last.deadline}#${last.id}`) : null,
      };
    },

    async decideApproval({ approvalId, decision, reason, decidedBy }): Promise<DecisionResult> {
      try {
        const approval = await deps.approvals.decide({ approvalId, decision, reason, decidedBy: decidedBy.staffId });
        return {
          outcome: 'decided',
          approval: {
            approvalId,
            status: approval.state === 'approved' ? 'approved' : 'rejected',
            decidedBy,
            decidedAt: approval.decidedAt ?? deps.clock.now().toISOString(),
            reason: approval.reason ?? reason,
          },
        };
      } catch (error) {
        if (!(error instanceof ApprovalClosedError)) throw error;
        const closed = error.approval;
        return {
          outcome: 'closed',
          approval: {
            approvalId,
            status: closed.state === 'pending' ? 'timed_out' : closed.state,
            closedAt: closed.decidedAt ?? closed.updatedAt,
            decidedBy: closed.decidedBy === undefined ? null : { staffId: closed.decidedBy },
          },
        };
      }
    },

    async customerTimeline({ customerId, since, limit, cursor }) {
      const customer = await deps.repo.get('customer', customerId);
      const records = await deps.repo.customerTimeline(customerId);
      const byId = new Map<string, Record<string, unknown>>();
      for (const { type, record } of records) if (type !== 'auditEvent') byId.set(`${type}#${record.id}`, record as Record<string, unknown>);
      /** Whether a notification id (`invoice#INV-7#reminder#2`, `customer#C-1#…`) is about this customer's records. */
      const about = (notificationId: string) =>
        byId.has(notificationId.split('#').slice(0, 2).join('#')) || notificationId.startsWith(`customer#${customerId}#`);
      const entries: Keyed[] = [
        ...records.flatMap((r) => (r.type === 'auditEvent' ? [auditEntry(r.record, byId)] : [])),
        // The mailbox index is keyed by address, and two customers may share one (a reseller, a family):
        // only the e-mails about this customer's own records belong on its timeline.
        ...(await mailLog.sentTo(customer.email)).filter((mail) => about(mail.id)).map(mailEntry),
        ...(await mailLog.listUndeliverable()).filter((mail) => about(mail.id)).map(undeliverableEntry),
        ...(await workflowEntries(records)),
      ];
      const sinceMs = since === undefined ? undefined : Date.parse(since);
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const ordered = entries
        .filter(({ entry }) => sinceMs === undefined || Date.parse(entry.at) >= sinceMs)
        .map((keyed) => ({ entry: keyed.entry, key: sortKey(keyed) }))
        .sort((a, b) => (a.key < b.key ? 1 : a.key > b.key ? -1 : 0))
        .filter(({ key }) => after === undefined || key < after);
      const page = ordered.slice(0, limit);
      const last = page.at(-1);
      return {
        customerId,
        entries: page.map(({ entry }) => entry),
        nextCursor: ordered.length > limit && last !== undefined ? encodeCursor(last.key) : null,
      };
    },

    async listUndeliverableNotifications({ customerId, limit, cursor }) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const position = (m: UndeliverableNotification) => `${m.error.failedAt}|${m.id}`;
      const all = (await mailLog.listUndeliverable()).filter((m) => after === undefined || position(m) > after);
      const views: UndeliverableNotificationView[] = [];
      let last: UndeliverableNotification | undefined;
      let more = false;
      for (const mail of all) {
        const customer = await customerOfNotification(mail.id);
        if (customerId !== undefined && customer?.id !== customerId) continue;
        if (views.length === limit) {
          more = true;
          break;
        }
        views.push(undeliverableView(mail, customer));
        last = mail;
      }
      return { items: views, nextCursor: more && last !== undefined ? encodeCursor(position(last)) : null };
    },

    async resendNotification({ notificationId, reason, decidedBy }): Promise<ResendResult> {
      const resend = deps.mailer.resend;
      if (resend === undefined) throw new Error('this mailer cannot re-send notifications');
      const customer = await customerOfNotification(notificationId);
      if (customer === undefined) {
        const state = await mailLog.stateOf(notificationId);
        if (state === null) throw new NotFoundError(`notification ${notificationId} does not exist`);
        if (state !== 'undeliverable') return { outcome: 'not_undeliverable', state };
        throw new NotFoundError(`the customer of notification ${notificationId} cannot be found, so it has no current address`);
      }
      const outcome = await resend.call(deps.mailer, notificationId, { to: customer.email, decidedBy: decidedBy.staffId, reason });
      switch (outcome.status) {
        case 'not_undeliverable':
          if (outcome.state === null) throw new NotFoundError(`notification ${notificationId} does not exist`);
          return { outcome: 'not_undeliverable', state: outcome.state };
        case 'undeliverable':
          return { outcome: 'refused', sesError: { name: outcome.error.name, message: outcome.error.message } };
        case 'sent':
          return {
            outcome: 'sent',
            notification: {
              notificationId,
              status: 'sent',
              to: outcome.to,
              previousTo: outcome.previousTo,
              messageId: outcome.messageId,
              resentBy: decidedBy,
              resentAt: deps.clock.now().toISOString(),
              reason,
            },
          };
      }
    },
  };
}
