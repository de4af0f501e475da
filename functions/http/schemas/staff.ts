/**
 * Staff API shapes. Approvals are addressed by their id only: the task token a waiting workflow holds
 * never appears here (ARCHITECTURE.md invariant 7).
 */
import { z } from 'zod';
import { countryCode, id, instant, money, pageQuery } from './common';
import { named } from './registry';

export const approvalKindSchema = named(
  'ApprovalKind',
  z.enum(['order_review', 'deferral', 'refund', 'withdrawal', 'provisioning_failure']),
);
export type ApprovalKind = z.output<typeof approvalKindSchema>;

export const staffActorSchema = named(
  'StaffActor',
  z.object({
    staffId: z.string().min(1).describe('The `sub` claim of the staff member\'s token.'),
    email: z.string().optional(),
  }),
);
export type StaffActor = z.output<typeof staffActorSchema>;

export const pendingApprovalSchema = named(
  'PendingApproval',
  z.object({
    approvalId: id,
    kind: approvalKindSchema,
    status: z.literal('pending'),
    subject: z.object({ entity: z.string(), entityId: id }),
    customer: z.object({
      customerId: id,
      displayName: z.string(),
      type: z.enum(['consumer', 'business']),
      country: countryCode,
    }),
    requestedAt: instant,
    expiresAt: instant.describe('When the waiting workflow stops waiting and applies `outcomeOnTimeout`.'),
    outcomeOnTimeout: z.enum(['approve', 'reject']),
    reasons: z.array(z.object({ rule: z.string(), clause: z.string(), explanation: z.string() })).describe('The policy rules that sent this case to a person, with the clause each comes from.'),
    amount: money.optional().describe('The amount at stake, when there is one (a refund, a deferred invoice).'),
    breakdown: z.array(z.object({ label: z.string(), amount: money })).optional().describe('An itemised calculation, e.g. a refund\'s breakdown, in the order it was computed.'),
  }),
);
export type PendingApproval = z.output<typeof pendingApprovalSchema>;

export const approvalListQuerySchema = z.object({ kind: approvalKindSchema.optional(), ...pageQuery });
export type ApprovalListQuery = z.output<typeof approvalListQuerySchema>;

export const approvalPageSchema = named(
  'PendingApprovalPage',
  z.object({ items: z.array(pendingApprovalSchema), nextCursor: z.string().nullable() }),
);
export type ApprovalPage = z.output<typeof approvalPageSchema>;

export const approvalParamsSchema = z.object({ approvalId: id });

export const decisionRequestSchema = named(
  'DecisionRequest',
  // Strict: the decider is the authenticated principal, so a body naming one is refused, not ignored.
  z.strictObject({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().min(3, 'must explain the decision in at least 3 characters').max(2000),
  }),
);
export type DecisionRequest = z.output<typeof decisionRequestSchema>;

export const decidedApprovalSchema = named(
  'DecidedApproval',
  z.object({
    approvalId: id,
    status: z.enum(['approved', 'rejected']),
    decidedBy: staffActorSchema,
    decidedAt: instant,
    reason: z.string(),
  }),
);
export type DecidedApproval = z.output<typeof decidedApprovalSchema>;

/** Why a decision was refused: someone decided first, or the wait timed out and its default applied. */
export const approvalClosedSchema = named(
  'ApprovalClosed',
  z.object({
    error: z.literal('ApprovalClosed'),
    approvalId: id,
    status: z.enum(['approved', 'rejected', 'timed_out']),
    closedAt: instant,
    decidedBy: staffActorSchema.nullable(),
  }),
);
export type ApprovalClosed = z.output<typeof approvalClosedSchema>;

export const timelineParamsSchema = z.object({ customerId: id });
export const timelineQuerySchema = z.object({ since: instant.optional(), ...pageQuery });
export type TimelineQuery = z.output<typeof timelineQuerySchema>;

export const timelineEntrySchema = named(
  'TimelineEntry',
  z.object({
    at: instant,
    kind: z.enum(['audit', 'email', 'workflow']),
    entity: z.object({ type: z.string(), id: z.string() }),
    summary: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    actor: z.object({ type: z.enum(['system', 'staff', 'customer']), id: z.string().nullable() }),
    rule: z.string().nullable().describe('The policy rule (preset and clause) behind the change, when a rule caused it.'),
  }),
);

export const timelinePageSchema = named(
  'CustomerTimeline',
  z.object({ customerId: id, entries: z.array(timelineEntrySchema), nextCursor: z.string().nullable() }),
);
export type TimelinePage = z.output<typeof timelinePageSchema>;

// ── Undeliverable e-mails ──────────────────────────────────────────────────────────────────────────

/** A notification id as the mailer issues it (`invoice#INV-7#reminder#2`); in a path, `#` is sent as `%23`. */
export const notificationIdSchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,190}$/, 'must be 1–190 printable ASCII characters without spaces, e.g. invoice#INV-7#reminder#2');

export const undeliverableListQuerySchema = z.object({ customerId: id.optional(), ...pageQuery });
export type UndeliverableListQuery = z.output<typeof undeliverableListQuerySchema>;

export const undeliverableNotificationSchema = named(
  'UndeliverableNotification',
  z.object({
    notificationId: notificationIdSchema,
    subject: z.object({ entity: z.string(), entityId: z.string() }).describe('The record the e-mail is about, from its id.'),
    customer: z
      .object({ customerId: id, displayName: z.string(), email: z.string().describe('The address on file now; a re-send goes here.') })
      .nullable()
      .describe('Null when the record the e-mail is about cannot be found.'),
    template: z.string(),
    language: z.string(),
    refusedAddress: z.string().describe('The address SES refused.'),
    emailSubject: z.string(),
    error: z.object({ name: z.string(), message: z.string() }).describe('The SES error, e.g. MessageRejected.'),
    failedAt: instant,
  }),
);
export type UndeliverableNotificationView = z.output<typeof undeliverableNotificationSchema>;

export const undeliverablePageSchema = named(
  'UndeliverableNotificationPage',
  z.object({ items: z.array(undeliverableNotificationSchema), nextCursor: z.string().nullable() }),
);
export type UndeliverablePage = z.output<typeof undeliverablePageSchema>;

export const notificationParamsSchema = z.object({ notificationId: notificationIdSchema });

export const resendRequestSchema = named(
  'ResendRequest',
  // Strict: the decider is the authenticated principal, and the recipient is the customer's current address.
  z.strictObject({
    reason: z.string().trim().min(3, 'must explain what was fixed in at least 3 characters').max(2000),
  }),
);
export type ResendRequest = z.output<typeof resendRequestSchema>;

export const resentNotificationSchema = named(
  'ResentNotification',
  z.object({
    notificationId: notificationIdSchema,
    status: z.literal('sent'),
    to: z.string().describe("The customer's current address, where it was sent now."),
    previousTo: z.string().describe('The address SES refused.'),
    messageId: z.string(),
    resentBy: staffActorSchema,
    resentAt: instant,
    reason: z.string(),
  }),
);
export type ResentNotification = z.output<typeof resentNotificationSchema>;

/** Why a re-send was refused: the notification is not undeliverable (already sent, never sent, being sent). */
export const notificationNotUndeliverableSchema = named(
  'NotificationNotUndeliverable',
  z.object({
    error: z.literal('NotificationNotUndeliverable'),
    notificationId: notificationIdSchema,
    state: z.string().nullable().describe('The notification\'s state in the ledger (`done` once sent), or null when there is none.'),
  }),
);

/** SES refused the re-send for good as well: it stays undeliverable, with the new error. */
export const notificationRefusedAgainSchema = named(
  'NotificationRefusedAgain',
  z.object({
    error: z.literal('NotificationRefusedAgain'),
    notificationId: notificationIdSchema,
    sesError: z.object({ name: z.string(), message: z.string() }),
  }),
);
