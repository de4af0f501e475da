/**
 * What the payment and deferral webhooks do (HostcycleActions in functions/http/routes.ts): record
 * first, idempotently, then wake the invoice's waiting dunning step. A signal that finds no token is
 * not an error: the record is the truth and the workflow re-reads it at its next step.
 */
import { TaskNoLongerWaitingError } from '../../app/errors';
import type { AppDeps } from '../../app/ports';
import { AlreadyExistsError, TransactionConflictError } from '../../data/errors';
import { atLocal, isBusinessDay } from '../../domain/calendar';
import { NotFoundError, StaleStateError, ValidationError } from '../../domain/errors';
import { money, subtract } from '../../domain/money';
import { OPEN_INVOICE_STATES, type Deferral, type Invoice, type Payment } from '../../domain/model';
import { decideDeferral } from '../../domain/rules';
import type { IntakeReceipt, WebhookEventOf } from '../../http/schemas/webhooks';
import { dueInstant, dunningTimeline, serviceIdsOf } from './schedule';
import { paymentWaitKey, settlePayment } from './steps';

type IntakeDeps = Pick<AppDeps, 'clock' | 'policy' | 'repo' | 'workflows' | 'tokens' | 'mailer' | 'provider'>;

/** How often a payment re-reads and tries again after losing a race with a dunning step. */
const MAX_ATTEMPTS = 10;
const OPEN: readonly string[] = OPEN_INVOICE_STATES;

const METHODS: Record<WebhookEventOf<'payment.received'>['data']['method'], Payment['method']> = {
  card: 'card',
  bank_transfer: 'bank_transfer',
  paypal: 'paypal',
  account_credit: 'credit_balance',
  other: 'other',
};

interface Part {
  paymentId: string;
  invoiceId: string;
  amount: number;
}

/** Wakes the dunning step waiting on this invoice, if one waits; false when none did. */
export async function signalDunning(deps: Pick<AppDeps, 'tokens' | 'workflows'>, invoiceId: string, output: Record<string, unknown>): Promise<boolean> {
  const key = paymentWaitKey(invoiceId);
  const token = await deps.tokens.get(key);
  if (token === undefined) return false;
  let woken = true;
  try {
    await deps.workflows.sendTaskSuccess(token, output);
  } catch (error) {
    if (!(error instanceof TaskNoLongerWaitingError)) throw error;
    woken = false;
  }
  await deps.tokens.delete(key);
  return woken;
}

/**
 * A payment after dunning ended (secom's reminders are over, a domain expired, a contract was
 * terminated) has no workflow to wake: it is settled here, with the same step the workflow runs,
 * so an expired third-party item is renewed on payment (hostico IV. Preložitev…) whenever it comes.
 */
async function settleAfterDunning(deps: IntakeDeps, invoiceId: string): Promise<void> {
  const invoice = await deps.repo.get('invoice', invoiceId);
  if (invoice.state !== 'paid') return;
  const execution = await deps.workflows.describe('invoice-dunning', invoiceId);
  if (execution?.status !== 'RUNNING') await settlePayment(deps, { invoiceId });
}

/**
 * Splits a payment over the invoices it pays: the named one first, then the customer's open invoices
 * oldest first (by due date). A remainder beyond everything owed stays unallocated for staff.
 */
async function allocate(deps: IntakeDeps, data: WebhookEventOf<'payment.received'>['data']): Promise<{ parts: Part[]; unallocated: number }> {
  const named = data.invoiceId === undefined ? undefined : await deps.repo.find('invoice', data.invoiceId);
  if (data.invoiceId !== undefined && named === undefined) throw new NotFoundError(`invoice ${data.invoiceId} does not exist`);
  const customerId = data.customerId ?? named?.customerId ?? '';
  if (named && data.customerId !== undefined && named.customerId !== data.customerId) {
    throw new ValidationError('data.customerId', `invoice ${named.id} belongs to another customer`);
  }
  const open = (await deps.repo.openInvoices(customerId)).filter((i) => i.kind !== 'credit_note' && i.id !== named?.id);
  const targets: Invoice[] = [...(named && OPEN.includes(named.state) ? [named] : []), ...open];
  let left = data.amount.amount;
  const parts: Part[] = [];
  for (const invoice of targets) {
    if (left === 0) break;
    if (invoice.total.currency !== data.amount.currency) continue;
    const owed = subtract(invoice.total, invoice.amountPaid).amount;
    const amount = Math.min(owed, left);
    if (amount <= 0) continue;
    parts.push({ paymentId: '', invoiceId: invoice.id, amount });
    left -= amount;
  }
  // One part keeps the processor's id, so a payment is found under it; a split one numbers its parts.
  parts.forEach((p, i) => (p.paymentId = parts.length === 1 ? data.paymentId : `${data.paymentId}.${i + 1}`));
  return { parts, unallocated: left };
}

/**
 * The services a payment may bring back in its own transaction, under the policy's reactivation rule.
 * The repository reactivates only a service suspended for this invoice once it is paid in full, and
 * requires every other one passed to be unchanged, so a suspension committing in between makes the
 * payment stale and it is recorded again into the new state (ARCHITECTURE.md invariant 2).
 */
async function servicesToReactivate(deps: IntakeDeps, invoice: Invoice, receivedAt: string, paidInFull: readonly string[]) {
  const rule = deps.policy.dunning.reactivation;
  if (!rule) return [];
  // hostico IV. Kampanje: no reactivation outside business days; the workflow reactivates on the next one.
  if (rule.businessHoursOnly && !isBusinessDay(deps.policy.calendar, receivedAt)) return [];
  if (rule.requires === 'all_debts_paid') {
    // hostico IV. Preložitev…: only once everything owed is paid, this payment's other parts included.
    const stillOpen = (await deps.repo.openInvoices(invoice.customerId)).filter((i) => !paidInFull.includes(i.id));
    if (!paidInFull.includes(invoice.id) || stillOpen.length > 0) return [];
  }
  const services = await Promise.all(serviceIdsOf(invoice).map((id) => deps.repo.find('service', id)));
  return services.flatMap((s) => (s === undefined ? [] : [{ id: s.id, expectedVersion: s.version }]));
}

async function payPart(deps: IntakeDeps, event: WebhookEventOf<'payment.received'>, part: Part, method: Payment['method'], paidInFull: readonly string[]) {
  for (let attempt = 1; ; attempt++) {
    const invoice = await deps.repo.get('invoice', part.invoiceId);
    try {
      return await deps.repo.recordPayment({
        payment: {
          id: part.paymentId,
          state: 'received',
          customerId: invoice.customerId,
          invoiceId: invoice.id,
          amount: money(part.amount, event.data.amount.currency),
          method,
          receivedAt: event.data.receivedAt,
        },
        invoice: { expectedState: invoice.state, expectedVersion: invoice.version },
        services: await servicesToReactivate(deps, invoice, event.data.receivedAt, paidInFull),
        audit: {
          actor: { type: 'customer', id: invoice.customerId },
          rule: deps.policy.order.paymentRecognised?.clause ?? 'payment.received',
          details: { eventId: event.eventId, webhookPaymentId: event.data.paymentId },
        },
      });
    } catch (error) {
      // A dunning step (a suspension) moved the invoice or a service first: re-read and pay into the new state.
      const raced = (error instanceof StaleStateError && !(error instanceof AlreadyExistsError)) || error instanceof TransactionConflictError;
      if (!raced || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

export async function recordPayment(deps: IntakeDeps, event: WebhookEventOf<'payment.received'>): Promise<IntakeReceipt> {
  const method = METHODS[event.data.method];

  // The split is decided once and kept under the payment's id, so a redelivery replays the same parts
  // even though the invoices it paid are no longer open (ARCHITECTURE.md invariant 3).
  const allocationId = `payment#${event.data.paymentId}#allocation`;
  const recorded = await deps.repo.find('sideEffect', allocationId);
  let parts = recorded?.details.parts as Part[] | undefined;
  if (parts === undefined) {
    const proposal = await allocate(deps, event.data);
    if (proposal.parts.length === 0) throw new ValidationError('data', 'no open invoice of this customer can take the payment');
    const { claim } = await deps.repo.claimSideEffect(allocationId, {
      parts: proposal.parts,
      unallocated: money(proposal.unallocated, event.data.amount.currency),
      eventId: event.eventId,
    });
    parts = claim.details.parts as Part[];
  }

  const paidInFull: string[] = [];
  for (const part of parts) {
    const invoice = await deps.repo.get('invoice', part.invoiceId);
    if (invoice.total.amount - invoice.amountPaid.amount === part.amount) paidInFull.push(invoice.id);
  }
  for (const part of parts) await payPart(deps, event, part, method, paidInFull);
  await deps.repo.completeSideEffect(allocationId, { recorded: parts.map((p) => p.paymentId) });
  for (const part of parts) {
    const woken = await signalDunning(deps, part.invoiceId, { woken: 'payment', paymentId: part.paymentId });
    if (!woken) await settleAfterDunning(deps, part.invoiceId);
  }
  return { entity: 'payment', entityId: event.data.paymentId, execution: parts[0]?.invoiceId };
}

/**
 * A deferral request (hostico IV. Preložitev…): within the limit it is granted at once and the waiting
 * step recomputes its deadlines; beyond it the workflow asks staff; where the contract has none it is
 * recorded and rejected.
 */
export async function requestDeferral(deps: IntakeDeps, event: WebhookEventOf<'deferral.requested'>): Promise<IntakeReceipt> {
  const { data } = event;
  const receipt: IntakeReceipt = { entity: 'deferral', entityId: data.deferralRequestId, execution: data.invoiceId };
  if ((await deps.repo.find('deferral', data.deferralRequestId)) !== undefined) return receipt;
  const invoice = await deps.repo.get('invoice', data.invoiceId);
  if (invoice.customerId !== data.customerId) throw new ValidationError('data.customerId', `invoice ${invoice.id} belongs to another customer`);
  const services = (await Promise.all(serviceIdsOf(invoice).map((id) => deps.repo.find('service', id)))).filter((s) => s !== undefined);
  const timeline = dunningTimeline(deps.policy, invoice, services);
  const decision = decideDeferral(deps.policy, {
    dueAt: dueInstant(deps.policy, invoice),
    requestedUntil: atLocal(deps.policy.calendar, data.payBy, '12:00', 'data.payBy'),
    productKind: (timeline.suspendable[0] ?? services[0])?.productKind ?? 'shared_hosting',
  });

  const actor = { type: 'customer' as const, id: data.customerId };
  const rule = deps.policy.dunning.deferral?.clause ?? (decision.outcome === 'not_offered' ? (decision.clause ?? 'dunning.deferral') : 'dunning.deferral');
  let deferral: Deferral;
  try {
    deferral = await deps.repo.create(
      'deferral',
      {
        id: data.deferralRequestId,
        state: 'requested',
        customerId: data.customerId,
        invoiceId: invoice.id,
        requestedAt: data.requestedAt,
        originalDueDate: invoice.dueDate,
        requestedUntil: data.payBy,
      },
      { actor, rule, details: { eventId: event.eventId, ...(data.reason ? { reason: data.reason } : {}) } },
    );
  } catch (error) {
    if (error instanceof AlreadyExistsError) return receipt;
    throw error;
  }
  const system = { actor: { type: 'system' as const, id: 'invoice-dunning' }, rule };
  if (decision.outcome === 'granted') {
    await deps.repo.transition('deferral', deferral.id, { expectedState: 'requested', expectedVersion: 1, to: 'granted', patch: { grantedUntil: data.payBy }, audit: system });
  } else if (decision.outcome === 'needs_staff') {
    await deps.repo.transition('deferral', deferral.id, {
      expectedState: 'requested',
      expectedVersion: 1,
      to: 'needs_staff',
      patch: { approvalId: `deferral-${deferral.id}` },
      audit: { ...system, details: { limit: decision.limit.at } },
    });
  } else {
    await deps.repo.transition('deferral', deferral.id, { expectedState: 'requested', expectedVersion: 1, to: 'rejected', audit: { ...system, details: { reason: decision.reason } } });
    return receipt;
  }
  await signalDunning(deps, invoice.id, { woken: 'deferral', deferralId: deferral.id });
  return receipt;
}
