/**
 * The domain actions behind the storefront webhooks of this lifecycle (HostcycleActions in
 * functions/http/routes.ts). Each records first, then starts or signals the workflow
 * (functions/lifecycles/README.md): the record is the truth, and a signal that finds nobody waiting
 * is not an error, because the workflow re-reads the record at its next step.
 *
 * Payments of an order's first invoice have no intake here. The payment intake is invoice-dunning's
 * `recordPayment(deps, event)`, which matches a payment to the customer's open invoices; after it
 * records one, it resumes the token stored under `invoice#<invoiceId>#payment-wait`. WaitForPayment
 * stores its token under exactly that key (see `orderIds.paymentWait`), so the same signal wakes
 * order-activation for a first invoice and invoice-dunning for a renewal, and ConfirmPayment then
 * re-reads the invoice. This workflow starts no dunning for a first invoice: its own payment wait and
 * unpaid-order cancellation take that place, since there is no active service to remind about,
 * suspend or terminate.
 *
 * The daily billing run leaves a first invoice to this workflow while the order is open (see
 * billing-run.ts), so the shared key is never taken over by a dunning execution.
 */
import { TaskNoLongerWaitingError } from '../../app/errors';
import type { AppDeps } from '../../app/ports';
import { AlreadyExistsError } from '../../data/errors';
import type { NewEntity } from '../../data/repository';
import { NotFoundError, ValidationError } from '../../domain/errors';
import type { Language } from '../../domain/model';
import type { IntakeReceipt, WebhookEventOf } from '../../http/schemas/webhooks';
import { PROVISIONING_FAILED, PROVISIONING_REJECTED, orderIds } from './ids';
import type { Placement } from './steps';

/** Templates exist in these languages; anyone else is written to in English. */
const LANGUAGES: readonly Language[] = ['en', 'sl'];

function languageOf(tag: string): Language {
  const primary = tag.split('-')[0] as Language;
  return LANGUAGES.includes(primary) ? primary : 'en';
}

type OrderPlaced = WebhookEventOf<'order.placed'>;

function customerRecord(data: OrderPlaced['data']): NewEntity<'customer'> {
  const c = data.customer;
  const common = { id: c.customerId, state: 'active' as const, email: c.email, language: languageOf(c.language), country: c.country };
  // The storefront may send a VAT id in lower case; the record keeps its canonical upper-case form.
  return c.type === 'consumer'
    ? { ...common, type: 'consumer' as const, name: c.name }
    : { ...common, type: 'business' as const, name: c.companyName, companyName: c.companyName, ...(c.vatId ? { vatId: c.vatId.toUpperCase() } : {}) };
}

/** A free trial is an order of its own, of a kind the policy offers on trial (smartape Annex 11 4.3, Annex 9 1.4). */
function assertTrialItems(deps: AppDeps, data: OrderPlaced['data']): boolean {
  const trial = data.items.filter((i) => i.flags.freeTrial);
  if (trial.length === 0) return false;
  if (trial.length !== data.items.length) throw new ValidationError('data.items', 'a free trial is ordered on its own, without paid items');
  data.items.forEach((item, i) => {
    if (!deps.policy.order.freeTrial[item.kind]) {
      throw new ValidationError(`data.items.${i}.flags.freeTrial`, `${deps.presetName} offers no free trial of ${item.kind}`);
    }
  });
  return true;
}

async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    // A concurrent delivery of the same webhook created it first.
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
}

/**
 * Records the customer (if new) and the order, both idempotent by id, then starts the execution named
 * by the order id with the same input every time, so five deliveries give one order and one execution.
 * An existing customer record is kept as it is; the country this order declares is kept with the
 * order's creation audit event, where ReviewOrder compares the two.
 */
export async function placeOrder(deps: AppDeps, event: OrderPlaced): Promise<IntakeReceipt> {
  const { data } = event;
  const freeTrial = assertTrialItems(deps, data);
  const customerId = data.customer.customerId;

  // Independent reads, made together; the order's owner is checked before anything is written, so a
  // refused event leaves no customer behind.
  const [customer, existing] = await Promise.all([deps.repo.find('customer', customerId), deps.repo.find('order', data.orderId)]);
  if (existing && existing.customerId !== customerId) {
    throw new ValidationError('data.orderId', `order ${data.orderId} belongs to another customer`);
  }
  if (!customer) {
    await createOnce(() =>
      deps.repo.create('customer', customerRecord(data), {
        actor: { type: 'customer', id: customerId },
        rule: 'storefront order.placed',
        details: { eventId: event.eventId, orderId: data.orderId },
      }),
    );
  }

  if (!existing) {
    const placement: Placement = {
      eventId: event.eventId,
      freeTrial,
      declaredCountry: data.customer.country,
      ...(data.customerIp ? { customerIp: data.customerIp } : {}),
    };
    await createOnce(() =>
      deps.repo.create(
        'order',
        {
          id: data.orderId,
          state: 'received',
          customerId,
          provider: deps.presetName,
          items: data.items.map((item) => ({
            id: item.itemId,
            productKind: item.kind,
            productCode: item.productCode,
            billingCycle: item.billingCycle,
            price: item.price,
            quantity: item.quantity,
            ...(item.domainName ? { domain: item.domainName } : {}),
            ...(item.flags.freeWithOffer ? { freeOfOffer: true } : {}),
            ...(data.earlyStartConsent ? { consentToEarlyStart: true } : {}),
            ...(data.couponCode ? { couponCode: data.couponCode } : {}),
          })),
          total: data.total,
          placedAt: new Date(event.occurredAt).toISOString(),
        },
        { actor: { type: 'customer', id: customerId }, rule: 'storefront order.placed', details: { ...placement } },
      ),
    );
  }

  await deps.workflows.start('order-activation', data.orderId, { orderId: data.orderId });
  return { entity: 'order', entityId: data.orderId, execution: data.orderId };
}

/**
 * Records a provisioner's answer on the command's side-effect claim (the first answer stands; a
 * repeat finds it completed), marks a service's first success so a late one is never lost, then
 * resumes the Map item waiting under the command id: success, or a failure the ASL retries
 * (`ProvisioningFailedError`) or hands to staff at once (`ProvisioningRejectedError`, not retryable).
 */
export async function recordProvisioningResult(deps: AppDeps, event: WebhookEventOf<'provisioning.result'>): Promise<IntakeReceipt> {
  const result = event.data;
  const command = await deps.repo.find('sideEffect', result.commandId);
  if (!command) throw new NotFoundError(`provisioning command ${result.commandId} was never sent`);
  if (command.details.serviceId !== result.serviceId) {
    throw new ValidationError('data.serviceId', `command ${result.commandId} is for service ${String(command.details.serviceId)}`);
  }
  const recorded = await deps.repo.completeSideEffect(
    result.commandId,
    result.outcome === 'succeeded'
      ? { outcome: 'succeeded', completedAt: result.completedAt, details: result.details }
      : {
          outcome: 'failed',
          completedAt: result.completedAt,
          error: result.retryable ? PROVISIONING_FAILED : PROVISIONING_REJECTED,
          errorCode: result.errorCode,
          message: result.message,
        },
  );
  const outcome = recorded.result ?? {};
  if (outcome.outcome === 'succeeded') {
    await deps.repo.claimSideEffect(orderIds.provisioned(result.serviceId), { commandId: result.commandId, completedAt: String(outcome.completedAt) });
  }

  const token = await deps.tokens.get(result.commandId);
  if (token) {
    try {
      if (outcome.outcome === 'succeeded') await deps.workflows.sendTaskSuccess(token, { commandId: result.commandId, outcome: 'succeeded' });
      else await deps.workflows.sendTaskFailure(token, String(outcome.error), `${String(outcome.errorCode)}: ${String(outcome.message)}`);
    } catch (error) {
      // The item stopped waiting (its activation deadline passed): the result is recorded, and a retry staff approve finds it.
      if (!(error instanceof TaskNoLongerWaitingError)) throw error;
    }
    await deps.tokens.delete(result.commandId);
  }
  return { entity: 'provisioning_command', entityId: result.commandId, execution: String(command.details.orderId) };
}
