/**
 * Sends one notification e-mail exactly once per notification id (ARCHITECTURE.md invariant 3), as
 * far as SES allows:
 *
 * 1. The template is rendered first, so bad variables fail (ValidationError) before anything is claimed.
 * 2. The id is claimed in the side-effect ledger with a lease. `done` → nothing to do; `in_progress` →
 *    another attempt may be sending now: NotificationInProgressError, which the workflow retries.
 * 3. SES fails for a reason a retry may fix (throttling, 5xx, network) → the claim is released and
 *    EmailSendError is thrown; the workflow retries and the next attempt claims again at once.
 *    SES refuses for good (PERMANENT_SES_ERRORS) → the ledger records the notification as
 *    `undeliverable` (terminal, with the error and everything needed to re-send it), it appears in the
 *    staff list, and `send` returns `{ status: 'undeliverable' }` instead of throwing: the lifecycle
 *    goes on (its legal steps happen on their dates) and staff fix the cause and re-send (`resend`).
 *    A repeated attempt with the same id gets the same outcome without calling SES again.
 * 4. SES accepted → the claim is completed. Nothing else runs between the two calls, because that gap
 *    is the at-least-once window: SES v1 SendEmail takes no idempotency key, so if the process dies
 *    there (or `complete` fails), the claim stays in progress until its lease expires and a later
 *    attempt sends the e-mail again. A timeout that SES actually processed is the same window seen from
 *    the other side. Within the lease, retries wait instead of duplicating; after it, a duplicate is
 *    preferred to a lost notice, because the contracts require the customer to be told.
 *
 * If `complete` fails after SES accepted, the step still succeeds (the e-mail went out; failing the
 * step would make the workflow send it again) and the failure is logged with the notification id.
 */
import { SendEmailCommand, type SESClient } from '@aws-sdk/client-ses';
import { z } from 'zod';
import type { Clock } from '../domain/clock';
import { ValidationError } from '../domain/errors';
import { EmailSendError, NotificationInProgressError } from './errors';
import type { ClaimDetails, SideEffectFailure, SideEffectLedger } from './ports';
import { renderTemplate, type TemplateName, type TemplateVars } from './templates';

/**
 * Longer than any attempt can live: Lambda stops a function after 15 minutes at most, so a claim older
 * than that belongs to an attempt that is gone.
 */
export const DEFAULT_LEASE_MS = 15 * 60 * 1000;

/** SES errors that a retry cannot fix; everything else (throttling, 5xx, network) is worth retrying. */
export const PERMANENT_SES_ERRORS = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'ConfigurationSetDoesNotExistException',
  'ConfigurationSetSendingPausedException',
  'AccountSendingPausedException',
]);

// Printable ASCII without spaces, and short enough that its base64url form fits an SES tag value (256).
const notificationIdSchema = z.string().regex(/^[\x21-\x7E]{1,190}$/, 'must be 1–190 printable ASCII characters without spaces');
const recipientSchema = z.email();

/** SES tag names; values may only hold [A-Za-z0-9_-], hence base64url for the id. */
export const NOTIFICATION_ID_TAG = 'hostcycle-notification-id';
export const TEMPLATE_TAG = 'hostcycle-template';

export interface MailerDeps {
  ses: SESClient;
  /** The verified sender, e.g. `Hostico <billing@hostico.example>`. */
  from: string;
  claim: SideEffectLedger;
  clock: Clock;
  leaseMs?: number;
  /** Publishes delivery, bounce and complaint events, which carry the tags back. */
  configurationSetName?: string;
  logger?: Pick<Console, 'warn'>;
}

export interface SendRequest<N extends TemplateName> {
  /** Deterministic notification id, e.g. `invoice#INV-7#reminder#2`. */
  id: string;
  template: N;
  /** The customer's BCP 47 language tag. */
  language: string;
  to: string;
  vars: TemplateVars<N>;
}

export type SendOutcome =
  /** `recorded: false`: SES accepted but the ledger could not be marked done (see the module comment). */
  | { status: 'sent'; messageId: string; recorded: boolean }
  | { status: 'already_sent' }
  /**
   * SES refused the e-mail for good (now or on an earlier attempt with this id). Nothing was sent;
   * the ledger holds it as undeliverable for staff. Callers must not record that the customer was told.
   */
  | { status: 'undeliverable'; error: SideEffectFailure };

export interface ResendCommand {
  /** The customer's current address (it may have been corrected since SES refused the first one). */
  to: string;
  decidedBy: string;
  reason: string;
}

export type ResendOutcome =
  | { status: 'sent'; messageId: string; recorded: boolean; to: string; previousTo: string }
  /** SES refused again for good: the notification is undeliverable again, with the new error. */
  | { status: 'undeliverable'; error: SideEffectFailure }
  /** The notification is not undeliverable (never sent, already sent, being sent): nothing changed. */
  | { status: 'not_undeliverable'; state: string | null };

export interface Mailer {
  send<N extends TemplateName>(request: SendRequest<N>): Promise<SendOutcome>;
  /**
   * Staff re-send of an undeliverable notification: re-renders the stored request to `to` and sends it
   * once (undeliverable → sent). Optional so test stand-ins need not implement it; createMailer does.
   */
  resend?(id: string, command: ResendCommand): Promise<ResendOutcome>;
}

/** The mailer createMailer builds: it can always re-send. */
export type StaffMailer = Mailer & { resend: NonNullable<Mailer['resend']> };

export function createMailer(deps: MailerDeps): StaffMailer {
  const { ses, from, claim, clock, leaseMs = DEFAULT_LEASE_MS, configurationSetName, logger = console } = deps;

  return {
    async send(request) {
      const id = parseField('id', notificationIdSchema, request.id);
      const to = parseField('to', recipientSchema, request.to);
      const email = renderTemplate(request.template, request.language, request.vars, { reference: id });

      const claimedAt = clock.now();
      const details: ClaimDetails = {
        kind: 'email',
        template: request.template,
        language: request.language,
        to,
        subject: email.subject,
        // A plain-data copy (no undefined, no class instances), so it stores and re-renders as given.
        vars: JSON.parse(JSON.stringify(request.vars)) as Record<string, unknown>,
        claimedAt: claimedAt.toISOString(),
        leaseExpiresAt: new Date(claimedAt.getTime() + leaseMs).toISOString(),
      };
      const outcome = await claim.begin(id, details);
      if (outcome === 'done') return { status: 'already_sent' };
      if (outcome === 'in_progress') throw new NotificationInProgressError(id);
      if (outcome === 'undeliverable') return storedRejection(id);

      const sent = await deliver(id, details, email);
      return sent.status === 'sent' ? { status: 'sent', messageId: sent.messageId, recorded: sent.recorded } : sent;
    },

    async resend(id, command) {
      const parsedId = parseField('id', notificationIdSchema, id);
      const to = parseField('to', recipientSchema, command.to);
      const stored = await claim.undeliverable(parsedId);
      if (stored === undefined) return { status: 'not_undeliverable', state: await claim.stateOf(parsedId) };
      const email = renderTemplate(stored.template as TemplateName, stored.language, stored.vars as TemplateVars<TemplateName>, { reference: parsedId });
      const decision = { decidedBy: command.decidedBy, reason: command.reason, decidedAt: clock.now().toISOString() };
      const details = resendDetails({ template: stored.template, language: stored.language, to, subject: email.subject, vars: stored.vars, resend: decision });
      const claimed = await claim.beginResend(parsedId, details, decision);
      if (claimed.status !== 'claimed') return claimed;
      const sent = await deliver(parsedId, details, email, { resend: true });
      return sent.status === 'sent' ? { ...sent, to, previousTo: claimed.previous.to } : sent;
    },
  };

  function resendDetails(fields: Omit<ClaimDetails, 'kind' | 'claimedAt' | 'leaseExpiresAt'>): ClaimDetails {
    const claimedAt = clock.now();
    return {
      kind: 'email',
      ...fields,
      claimedAt: claimedAt.toISOString(),
      leaseExpiresAt: new Date(claimedAt.getTime() + leaseMs).toISOString(),
    };
  }

  async function storedRejection(id: string): Promise<SendOutcome> {
    const stored = await claim.undeliverable(id);
    // Raced with a staff re-send that took it on: that attempt is sending now.
    if (stored === undefined) throw new NotificationInProgressError(id);
    return { status: 'undeliverable', error: stored.error };
  }

  /**
   * Sends a claimed e-mail and ends the claim. A permanent refusal records it as undeliverable; a
   * transient one releases it and throws EmailSendError, except on a staff re-send, where it goes back
   * to undeliverable (the workflow is no longer waiting on it) and the error is thrown for staff to retry.
   */
  async function deliver(
    id: string,
    details: ClaimDetails,
    email: { subject: string; text: string; html: string },
    options: { resend?: boolean } = {},
  ): Promise<{ status: 'sent'; messageId: string; recorded: boolean } | { status: 'undeliverable'; error: SideEffectFailure }> {
    let messageId: string;
    try {
      const response = await ses.send(
        new SendEmailCommand({
          Source: from,
          Destination: { ToAddresses: [details.to] },
          Message: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          },
          Tags: [
            { Name: NOTIFICATION_ID_TAG, Value: Buffer.from(id, 'utf8').toString('base64url') },
            { Name: TEMPLATE_TAG, Value: details.template },
          ],
          ConfigurationSetName: configurationSetName,
        }),
      );
      // SES always returns one; the SDK types every response member as optional.
      messageId = response.MessageId ?? '';
    } catch (sesError) {
      const failure: SideEffectFailure = { name: errorName(sesError), message: errorMessage(sesError), failedAt: clock.now().toISOString() };
      if (PERMANENT_SES_ERRORS.has(failure.name)) {
        // If this write fails the claim stays in progress until its lease expires; the step fails and is retried.
        await claim.reject(id, details, failure);
        logger.warn(`notification ${id}: SES refused it for good (${failure.name}: ${failure.message}); recorded as undeliverable for staff`);
        return { status: 'undeliverable', error: failure };
      }
      if (options.resend) await claim.reject(id, details, failure);
      else await releaseQuietly(id, failure);
      throw new EmailSendError(id, { cause: sesError });
    }

    try {
      await claim.complete(id, { providerId: messageId, completedAt: clock.now().toISOString() });
      return { status: 'sent', messageId, recorded: true };
    } catch (ledgerError) {
      logger.warn(
        `notification ${id} was sent as SES message ${messageId} but could not be marked done; it stays claimed until its lease expires, after which a re-run would send it again`,
        ledgerError,
      );
      return { status: 'sent', messageId, recorded: false };
    }
  }

  /** A failed release leaves the claim to expire with its lease; the SES error is the one to report. */
  async function releaseQuietly(id: string, failure: SideEffectFailure): Promise<void> {
    try {
      await claim.release(id, failure);
    } catch (ledgerError) {
      logger.warn(`notification ${id}: releasing the claim after an SES failure failed; it is retried once its lease expires`, ledgerError);
    }
  }
}

function parseField<T>(field: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(field, parsed.error.issues[0]?.message ?? 'is invalid', { cause: parsed.error });
  return parsed.data;
}

function errorName(e: unknown): string {
  return e instanceof Error ? e.name : 'UnknownError';
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
