/**
 * A storefront's refund request (webhook `refund.requested`): recorded once under the request id,
 * then the refund execution named by the same id is started. A redelivery finds both in place.
 */
import type { AppDeps } from '../../app/ports';
import { AlreadyExistsError } from '../../data/errors';
import { ValidationError } from '../../domain/errors';
import { zero } from '../../domain/money';
import { HOSTCYCLE_DEFAULT } from '../../domain/policy';
import type { IntakeReceipt, WebhookEventOf } from '../../http/schemas/webhooks';

export async function requestRefund(deps: AppDeps, event: WebhookEventOf<'refund.requested'>): Promise<IntakeReceipt> {
  const data = event.data;
  const service = await deps.repo.get('service', data.serviceId);
  if (service.customerId !== data.customerId) {
    throw new ValidationError('data.serviceId', `service ${service.id} does not belong to customer ${data.customerId}`);
  }
  await deps.repo.get('customer', data.customerId);
  try {
    await deps.repo.create(
      'refund',
      {
        id: data.refundRequestId,
        state: 'requested',
        customerId: data.customerId,
        provider: deps.presetName,
        serviceIds: [service.id],
        requestedAt: data.requestedAt,
        // The amount is the workflow's to compute (ComputeRefund); until then the record says so.
        amount: zero(service.price.currency),
        breakdown: [{ label: 'requested; the amount is computed under the refund policy', amount: zero(service.price.currency), clause: deps.policy.refund.method?.clause ?? HOSTCYCLE_DEFAULT }],
        destination: data.payoutTo.kind === 'bank_account' ? { kind: 'other_account', details: data.payoutTo.iban } : { kind: 'original_method' },
        ...(data.reason ? { reason: data.reason } : {}),
      },
      { actor: { type: 'customer', id: data.customerId }, rule: deps.policy.refund.method?.clause ?? HOSTCYCLE_DEFAULT, details: { eventId: event.eventId } },
    );
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
  const { executionArn } = await deps.workflows.start('refund', data.refundRequestId, { refundId: data.refundRequestId });
  return { entity: 'refund', entityId: data.refundRequestId, execution: executionArn };
}
