/**
 * Every HTTP route of hostcycle, declared once. Handlers only translate: they parse (the middlewares
 * did that), call one domain action from `HostcycleActions`, and map its result to a reply.
 */
import { z } from 'zod';
import type { Clock } from '../domain/clock';
import { buildRouteHandler, reply, routeDefiner, type HttpRuntime, type Route } from './define-route';
import { instant } from './schemas/common';
import { assertWebhookSecrets } from './webhook-signature';
import { named } from './schemas/registry';
import {
  approvalClosedSchema,
  approvalListQuerySchema,
  approvalPageSchema,
  approvalParamsSchema,
  decidedApprovalSchema,
  decisionRequestSchema,
  notificationNotUndeliverableSchema,
  notificationParamsSchema,
  notificationRefusedAgainSchema,
  resendRequestSchema,
  resentNotificationSchema,
  timelinePageSchema,
  timelineParamsSchema,
  timelineQuerySchema,
  type ApprovalClosed,
  type ApprovalListQuery,
  type ApprovalPage,
  type DecidedApproval,
  type DecisionRequest,
  type StaffActor,
  type ResentNotification,
  type TimelinePage,
  type TimelineQuery,
  type UndeliverableListQuery,
  type UndeliverablePage,
  undeliverableListQuerySchema,
  undeliverablePageSchema,
} from './schemas/staff';
import {
  webhookAcceptedSchema,
  webhookEventSchema,
  type IntakeReceipt,
  type WebhookEvent,
  type WebhookEventOf,
} from './schemas/webhooks';

export type DecisionResult =
  | { outcome: 'decided'; approval: DecidedApproval }
  /** Somebody decided first, or the wait timed out: nothing was changed. */
  | { outcome: 'closed'; approval: Omit<ApprovalClosed, 'error'> };

export type ResendResult =
  | { outcome: 'sent'; notification: ResentNotification }
  /** The notification is not undeliverable (sent, being sent, released): nothing was changed. */
  | { outcome: 'not_undeliverable'; state: string }
  /** SES refused the re-send for good too: it stays undeliverable with this error. */
  | { outcome: 'refused'; sesError: { name: string; message: string } };

/** The domain actions behind the routes. Each is idempotent by the business id in its input. */
export interface HostcycleActions {
  placeOrder(event: WebhookEventOf<'order.placed'>): Promise<IntakeReceipt>;
  recordPayment(event: WebhookEventOf<'payment.received'>): Promise<IntakeReceipt>;
  requestRefund(event: WebhookEventOf<'refund.requested'>): Promise<IntakeReceipt>;
  requestWithdrawal(event: WebhookEventOf<'withdrawal.requested'>): Promise<IntakeReceipt>;
  requestDeferral(event: WebhookEventOf<'deferral.requested'>): Promise<IntakeReceipt>;
  recordProvisioningResult(event: WebhookEventOf<'provisioning.result'>): Promise<IntakeReceipt>;
  listPendingApprovals(query: ApprovalListQuery): Promise<ApprovalPage>;
  /** Throws NotFoundError for an unknown approval id. */
  decideApproval(command: { approvalId: string; decidedBy: StaffActor } & DecisionRequest): Promise<DecisionResult>;
  /** Throws NotFoundError for an unknown customer. */
  customerTimeline(query: { customerId: string } & TimelineQuery): Promise<TimelinePage>;
  /** E-mails SES refused for good that no one has re-sent yet, oldest failure first. */
  listUndeliverableNotifications(query: UndeliverableListQuery): Promise<UndeliverablePage>;
  /** Throws NotFoundError for a notification id that was never sent or tried. */
  resendNotification(command: { notificationId: string; reason: string; decidedBy: StaffActor }): Promise<ResendResult>;
}

/** What the routes need besides the domain actions. */
export interface RouteDeps {
  actions: HostcycleActions;
  clock: Clock;
}

/** The domain action each webhook type reaches; the simulator delivers events through it too. */
export function dispatchWebhook(event: WebhookEvent, actions: HostcycleActions): Promise<IntakeReceipt> {
  switch (event.type) {
    case 'order.placed':
      return actions.placeOrder(event);
    case 'payment.received':
      return actions.recordPayment(event);
    case 'refund.requested':
      return actions.requestRefund(event);
    case 'withdrawal.requested':
      return actions.requestWithdrawal(event);
    case 'deferral.requested':
      return actions.requestDeferral(event);
    case 'provisioning.result':
      return actions.recordProvisioningResult(event);
  }
}

const defineRoute = routeDefiner<RouteDeps>();

const healthSchema = named('Health', z.object({ status: z.literal('ok'), time: instant }));

export const storefrontWebhookRoute = defineRoute({
  method: 'POST',
  path: '/webhooks/storefront',
  operationId: 'receiveStorefrontWebhook',
  summary: 'Receive a signed storefront event',
  description:
    'Every storefront event (order placed, payment received, refund/withdrawal/deferral requested, provisioning result) ' +
    'is delivered here, signed (see the webhookSignature security scheme). Deliveries are deduplicated by `eventId`: ' +
    'a redelivery answers 200 with the first answer and the header `Hostcycle-Duplicate: true` and does nothing again; ' +
    'reusing an `eventId` with a different body answers 409. On 5xx, redeliver the same event.',
  tags: ['webhooks'],
  auth: 'webhook',
  body: webhookEventSchema,
  responses: {
    202: { description: 'Accepted: the event was recorded and its workflow started or signalled.', schema: webhookAcceptedSchema },
    200: { description: 'A redelivery: the answer given to the first delivery of this event id.', schema: webhookAcceptedSchema },
  },
  domainErrors: { 404: 'The event refers to an order, invoice, service or command we do not know.' },
  handler: async ({ body }, deps) =>
    reply(202, { eventId: body.eventId, type: body.type, receipt: await dispatchWebhook(body, deps.actions) }),
});

export const listPendingApprovalsRoute = defineRoute({
  method: 'GET',
  path: '/staff/approvals',
  operationId: 'listPendingApprovals',
  summary: 'List approvals waiting for a staff decision',
  description: 'Oldest first, with the rules that required a person and the amounts at stake.',
  tags: ['staff'],
  auth: 'staff',
  query: approvalListQuerySchema,
  responses: { 200: { description: 'One page of pending approvals.', schema: approvalPageSchema } },
  handler: async ({ query }, deps) => reply(200, await deps.actions.listPendingApprovals(query)),
});

export const decideApprovalRoute = defineRoute({
  method: 'POST',
  path: '/staff/approvals/{approvalId}/decision',
  operationId: 'decideApproval',
  summary: 'Approve or reject a pending approval',
  description: 'The decider is the authenticated staff member; it is recorded with the time and the reason.',
  tags: ['staff'],
  auth: 'staff',
  params: approvalParamsSchema,
  body: decisionRequestSchema,
  responses: {
    200: { description: 'Decided; the waiting workflow continues.', schema: decidedApprovalSchema },
    409: { description: 'Already decided or timed out; nothing was changed.', schema: approvalClosedSchema },
  },
  domainErrors: { 404: 'No approval has this id.', 409: 'A concurrent decision changed the approval first (StaleStateError).' },
  handler: async ({ params, body, principal }, deps) => {
    const result = await deps.actions.decideApproval({
      approvalId: params.approvalId,
      decision: body.decision,
      reason: body.reason,
      decidedBy: { staffId: principal.staffId, ...(principal.email === undefined ? {} : { email: principal.email }) },
    });
    return result.outcome === 'decided'
      ? reply(200, result.approval)
      : reply(409, { error: 'ApprovalClosed', ...result.approval });
  },
});

export const customerTimelineRoute = defineRoute({
  method: 'GET',
  path: '/staff/customers/{customerId}/timeline',
  operationId: 'getCustomerTimeline',
  summary: "Read a customer's timeline",
  description: 'Audit events, e-mails and workflow states of every entity of the customer, newest first.',
  tags: ['staff'],
  auth: 'staff',
  params: timelineParamsSchema,
  query: timelineQuerySchema,
  responses: { 200: { description: 'One page of the timeline.', schema: timelinePageSchema } },
  domainErrors: { 404: 'No customer has this id.' },
  handler: async ({ params, query }, deps) =>
    reply(200, await deps.actions.customerTimeline({ customerId: params.customerId, ...query })),
});

export const listUndeliverableNotificationsRoute = defineRoute({
  method: 'GET',
  path: '/staff/notifications/undeliverable',
  operationId: 'listUndeliverableNotifications',
  summary: 'List e-mails SES refused for good',
  description:
    'Notifications SES refused permanently (MessageRejected, sending paused, …) and no one has re-sent yet, oldest first, ' +
    'with the customer, the template, the SES error and when it happened. The lifecycle went on without them; ' +
    'fix the cause (e.g. correct the customer\'s address) and re-send.',
  tags: ['staff'],
  auth: 'staff',
  query: undeliverableListQuerySchema,
  responses: { 200: { description: 'One page of undeliverable notifications.', schema: undeliverablePageSchema } },
  handler: async ({ query }, deps) => reply(200, await deps.actions.listUndeliverableNotifications(query)),
});

export const resendNotificationRoute = defineRoute({
  method: 'POST',
  path: '/staff/notifications/{notificationId}/resend',
  operationId: 'resendNotification',
  summary: 'Re-send an undeliverable e-mail',
  description:
    'Re-renders the stored notification and sends it once to the customer\'s current address. The decider is the ' +
    'authenticated staff member; it is recorded with the time and the reason. Encode `#` in the id as `%23`.',
  tags: ['staff'],
  auth: 'staff',
  params: notificationParamsSchema,
  body: resendRequestSchema,
  responses: {
    200: { description: 'Sent; the notification is no longer undeliverable.', schema: resentNotificationSchema },
    409: { description: 'The notification is not undeliverable (already sent or being sent); nothing was changed.', schema: notificationNotUndeliverableSchema },
    422: { description: 'SES refused the re-send for good as well; it stays undeliverable with the new error.', schema: notificationRefusedAgainSchema },
  },
  domainErrors: { 404: 'No notification has this id.' },
  handler: async ({ params, body, principal }, deps) => {
    const result = await deps.actions.resendNotification({
      notificationId: params.notificationId,
      reason: body.reason,
      decidedBy: { staffId: principal.staffId, ...(principal.email === undefined ? {} : { email: principal.email }) },
    });
    switch (result.outcome) {
      case 'sent':
        return reply(200, result.notification);
      case 'not_undeliverable':
        return reply(409, { error: 'NotificationNotUndeliverable', notificationId: params.notificationId, state: result.state });
      case 'refused':
        return reply(422, { error: 'NotificationRefusedAgain', notificationId: params.notificationId, sesError: result.sesError });
    }
  },
});

export const healthRoute = defineRoute({
  method: 'GET',
  path: '/health',
  operationId: 'getHealth',
  summary: 'Liveness check',
  tags: ['operations'],
  auth: 'public',
  responses: { 200: { description: 'The API answers.', schema: healthSchema } },
  handler: async (_request, deps) => reply(200, { status: 'ok', time: deps.clock.now().toISOString() }),
});

export const routeSpecs = [
  storefrontWebhookRoute,
  listPendingApprovalsRoute,
  decideApprovalRoute,
  customerTimelineRoute,
  listUndeliverableNotificationsRoute,
  resendNotificationRoute,
  healthRoute,
] as const;

/** Checks the runtime configuration once, at load, so a bad secret fails the deployment rather than a request. */
export function createRoutes(actions: HostcycleActions, runtime: HttpRuntime): Route[] {
  assertWebhookSecrets(runtime.webhooks.secrets);
  const deps: RouteDeps = { actions, clock: runtime.clock };
  return routeSpecs.map((spec) => ({ spec, handler: buildRouteHandler(spec, deps, runtime) }));
}
