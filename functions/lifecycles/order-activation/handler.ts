/**
 * The `hostcycle-order-activation-steps` Lambda: parses the task input of
 * workflows/order-activation.asl.json (a discriminated union on `step`) and calls the step. Errors
 * are never caught here: their names are what the ASL's Retry and Catch match on.
 */
import { z } from 'zod';
import type { AppDeps, TaskHandler } from '../../app/ports';
import { parseWith } from '../../domain/model';
import {
  activateService,
  applyProvisioningDecision,
  awaitPayment,
  cancelUnpaidOrder,
  completeOrder,
  confirmPayment,
  handProvisioningToStaff,
  issueInvoice,
  notify,
  recordOrder,
  rejectOrder,
  reviewOrder,
  startFreeTrial,
  submitProvisioning,
} from './steps';

const orderId = z.string().min(1);
const instant = z.iso.datetime();
/** `{ outcome, decidedBy, reason }` as the approvals Lambda resolves a wait (functions/app/approvals.ts). */
const decision = z.object({
  outcome: z.enum(['approved', 'rejected']),
  decidedBy: z.string().min(1).optional(),
  reason: z.string().optional(),
});

export const orderActivationTaskSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('RecordOrder'), orderId }),
  z.object({ step: z.literal('ReviewOrder'), orderId }),
  z.object({ step: z.literal('RejectOrder'), orderId, ground: z.enum(['review', 'free_trial_used']), decision: decision.optional() }),
  z.object({ step: z.literal('StartFreeTrial'), orderId }),
  z.object({ step: z.literal('IssueInvoice'), orderId }),
  z.object({ step: z.literal('AwaitPayment'), orderId, taskToken: z.string().min(1), expiresAt: instant }),
  z.object({ step: z.literal('ConfirmPayment'), orderId }),
  z.object({ step: z.literal('CancelUnpaidOrder'), orderId }),
  z.object({
    step: z.literal('SubmitProvisioning'),
    orderId,
    serviceId: z.string().min(1),
    round: z.number().int().min(1),
    attempt: z.number().int().min(0),
    activateBy: instant,
    taskToken: z.string().min(1),
  }),
  z.object({
    step: z.literal('HandProvisioningToStaff'),
    orderId,
    serviceId: z.string().min(1),
    round: z.number().int().min(1),
    activateBy: instant,
    failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
  }),
  z.object({ step: z.literal('ApplyProvisioningDecision'), orderId, serviceId: z.string().min(1), decision }),
  z.object({ step: z.literal('ActivateService'), orderId, serviceId: z.string().min(1) }),
  z.object({
    step: z.literal('CompleteOrder'),
    orderId,
    results: z.array(z.object({ serviceId: z.string().min(1), outcome: z.enum(['activated', 'cancelled']) })).min(1),
  }),
  z.object({
    step: z.literal('Notify'),
    orderId,
    email: z.enum(['order_received', 'review_approved', 'review_rejected', 'order_cancelled', 'invoice_issued', 'service_activated']),
    serviceId: z.string().min(1).optional(),
    rejection: z.object({ rejectedAt: instant, clause: z.string().min(1), reason: z.string().min(1).optional() }).optional(),
  }),
]);

export function createOrderActivationHandler(deps: AppDeps): TaskHandler {
  return async (event) => {
    const task = parseWith(orderActivationTaskSchema, event, 'task');
    switch (task.step) {
      case 'RecordOrder':
        return recordOrder(deps, task);
      case 'ReviewOrder':
        return reviewOrder(deps, task);
      case 'RejectOrder':
        return rejectOrder(deps, task);
      case 'StartFreeTrial':
        return startFreeTrial(deps, task);
      case 'IssueInvoice':
        return issueInvoice(deps, task);
      case 'AwaitPayment':
        return awaitPayment(deps, task);
      case 'ConfirmPayment':
        return confirmPayment(deps, task);
      case 'CancelUnpaidOrder':
        return cancelUnpaidOrder(deps, task);
      case 'SubmitProvisioning':
        return submitProvisioning(deps, task);
      case 'HandProvisioningToStaff':
        return handProvisioningToStaff(deps, task);
      case 'ApplyProvisioningDecision':
        return applyProvisioningDecision(deps, task);
      case 'ActivateService':
        return activateService(deps, task);
      case 'CompleteOrder':
        return completeOrder(deps, task);
      case 'Notify':
        return notify(deps, task);
    }
  };
}
