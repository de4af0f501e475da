/**
 * Invariants every simulation must end with (ARCHITECTURE.md invariants 2 and 3), checked on what the
 * runtime left behind. A service whose reactivation is legitimately still under way (its dunning
 * execution waits for business hours) is in flight, not broken; anything else is a violation.
 */
import { OPEN_INVOICE_STATES, type Invoice } from '../domain/model';
import type { Policy } from '../domain/policy';
import { invoicesOf, servicesOf, type Observation } from './observe';

export type InvariantName =
  | 'suspended-with-nothing-owed'
  | 'paid-but-suspended-for-it'
  | 'suspended-after-payment'
  | 'email-sent-twice'
  | 'paid-invoice-still-in-dunning';

export interface Violation {
  invariant: InvariantName;
  /** The entity it is about, e.g. `service GO001-i1`. */
  subject: string;
  message: string;
}

const OPEN: readonly string[] = OPEN_INVOICE_STATES;
const DUNNING: 'invoice-dunning' = 'invoice-dunning';

function owes(invoice: Invoice): boolean {
  return invoice.kind !== 'credit_note' && OPEN.includes(invoice.state) && invoice.total.amount > invoice.amountPaid.amount;
}

export function findViolations(o: Observation, policy: Policy): Violation[] {
  const violations: Violation[] = [];
  const running = new Map(o.executions.filter((e) => e.status === 'RUNNING').map((e) => [`${e.workflow}#${e.name}`, e]));

  for (const c of o.customers) {
    const invoices = new Map(invoicesOf(c).map((i) => [i.id, i]));
    const owed = [...invoices.values()].filter(owes);
    // A customer's dunning still running may yet reactivate (hostico waits for business hours).
    const reactivationPending = [...invoices.keys()].some((id) => running.has(`${DUNNING}#${id}`));

    for (const service of servicesOf(c)) {
      const s = service.suspension;
      if (service.state !== 'suspended' || s?.reason !== 'non_payment') continue;
      const subject = `service ${service.id}`;
      if (owed.length === 0 && !reactivationPending) {
        violations.push({ invariant: 'suspended-with-nothing-owed', subject, message: `${subject} of ${c.customer.id} is suspended for non-payment, but nothing is owed` });
      }
      const invoice = s.invoiceId === undefined ? undefined : invoices.get(s.invoiceId);
      // hostico keeps a service suspended until all debts are paid (IV. Preložitev…): paying one invoice while another is open is not enough.
      const otherDebtsHoldIt = policy.dunning.reactivation?.requires === 'all_debts_paid' && owed.length > 0;
      if (invoice?.state === 'paid' && !otherDebtsHoldIt && !reactivationPending && policy.dunning.reactivation !== null) {
        violations.push({ invariant: 'paid-but-suspended-for-it', subject, message: `${subject} is still suspended for invoice ${invoice.id}, which is paid` });
      }
    }

    for (const event of c.audit) {
      if (event.entity.type !== 'service' || event.to !== 'suspended') continue;
      const invoiceId = event.details?.invoiceId;
      const invoice = typeof invoiceId === 'string' ? invoices.get(invoiceId) : undefined;
      if (invoice?.paidAt !== undefined && Date.parse(invoice.paidAt) < Date.parse(event.at)) {
        violations.push({
          invariant: 'suspended-after-payment',
          subject: `service ${event.entity.id}`,
          message: `service ${event.entity.id} was suspended at ${event.at} for invoice ${invoice.id}, paid in full at ${invoice.paidAt}`,
        });
      }
    }

    for (const invoice of invoices.values()) {
      const execution = running.get(`${DUNNING}#${invoice.id}`);
      // WaitForReactivationHours and SettlePayment are the dunning workflow's own steps after a payment.
      if (invoice.state === 'paid' && execution !== undefined && !['WaitForReactivationHours', 'SettlePayment'].includes(execution.currentState ?? '')) {
        violations.push({
          invariant: 'paid-invoice-still-in-dunning',
          subject: `invoice ${invoice.id}`,
          message: `invoice ${invoice.id} is paid but its dunning execution still runs${execution.currentState ? ` at ${execution.currentState}` : ''}`,
        });
      }
    }
  }

  const seen = new Map<string, number>();
  for (const id of o.sentReferences) seen.set(id, (seen.get(id) ?? 0) + 1);
  for (const [id, count] of seen) {
    if (count > 1) violations.push({ invariant: 'email-sent-twice', subject: `e-mail ${id}`, message: `e-mail ${id} was sent ${count} times` });
  }
  return violations;
}
