/**
 * A consumer's withdrawal request (webhook `withdrawal.requested`, smartape 11.6; any preset): recorded once
 * under the request id with the customer's statement, so it can be reproduced in writing, then the
 * withdrawal execution named by the same id is started. A redelivery finds both in place.
 */
import type { AppDeps } from '../../app/ports';
import { HOSTCYCLE_DEFAULT } from '../../domain/policy';
import { AlreadyExistsError } from '../../data/errors';
import { ValidationError } from '../../domain/errors';
import type { IntakeReceipt, WebhookEventOf } from '../../http/schemas/webhooks';

export async function requestWithdrawal(deps: AppDeps, event: WebhookEventOf<'withdrawal.requested'>): Promise<IntakeReceipt> {
  const data = event.data;
  // A contract without a withdrawal clause still gets the request recorded and answered: the workflow
  // refuses it by e-mail, saying what the customer can do instead (POLICY-RULES.md §4).
  const clause = deps.policy.withdrawal?.clause ?? HOSTCYCLE_DEFAULT;
  const order = await deps.repo.get('order', data.orderId);
  if (order.customerId !== data.customerId) throw new ValidationError('data.orderId', `order ${order.id} does not belong to customer ${data.customerId}`);
  const ofOrder = (await deps.repo.customerRecords(data.customerId, 'service')).flatMap((s) => (s.orderId === order.id ? [s.id] : []));
  const serviceIds = data.serviceIds ?? ofOrder;
  const foreign = serviceIds.find((id) => !ofOrder.includes(id));
  if (foreign !== undefined) throw new ValidationError('data.serviceIds', `service ${foreign} is not part of order ${order.id}`);
  try {
    await deps.repo.create(
      'withdrawal',
      {
        id: data.withdrawalRequestId,
        state: 'requested',
        customerId: data.customerId,
        orderId: order.id,
        serviceIds,
        // The 14 days run from the conclusion of the contract (11.6): the order the customer placed.
        contractConcludedAt: order.placedAt,
        requestedAt: data.requestedAt,
        channel: 'web_form',
        statement: data.statement,
      },
      { actor: { type: 'customer', id: data.customerId }, rule: clause, details: { eventId: event.eventId } },
    );
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
  }
  const { executionArn } = await deps.workflows.start('withdrawal', data.withdrawalRequestId, { withdrawalId: data.withdrawalRequestId });
  return { entity: 'withdrawal', entityId: data.withdrawalRequestId, execution: executionArn };
}
