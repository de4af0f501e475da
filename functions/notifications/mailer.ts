/**
 * Sends one notification e-mail exactly once per notification id (ARCHITECTURE.md invariant 3), as
 * far as SES allows:
 *
 * 1. The template is rendered first, so bad variables fail (ValidationError) before anything is claimed.
 * 2. The id is claimed in the side-effect ledger with a lease. `done` → nothing to do; `in_progress` →
 *    another attempt may be sending now: NotificationInProgressError, which the workflow retries.
 * 3. SES fails → the claim is released and EmailSendError (retryable) or EmailRejectedError (needs a
 *    person) is thrown; the next attempt claims again at once.
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
import { EmailRejectedError, EmailSendError, NotificationInProgressError } from './errors';
import type { SideEffectLedger } from './ports';
import { renderTemplate, type TemplateName, type TemplateVars } from './templates';

/**
 * Longer than any attempt can live: Lambda stops a function after 15 minutes at most, so a claim older
 * than that belongs to an attempt that is gone.
 */
export const DEFAULT_LEASE_MS = 15 * 60 * 1000;

/** SES errors that a retry cannot fix; everything else (throttling, 5xx, network) is worth retrying. */
const PERMANENT_SES_ERRORS = new Set([
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
  | { status: 'already_sent' };

export interface Mailer {
  send<N extends TemplateName>(request: SendRequest<N>): Promise<SendOutcome>;
}

export function createMailer(deps: MailerDeps): Mailer {
  const { ses, from, claim, clock, leaseMs = DEFAULT_LEASE_MS, configurationSetName, logger = console } = deps;

  return {
    async send(request) {
      const id = parseField('id', notificationIdSchema, request.id);
      const to = parseField('to', recipientSchema, request.to);
      const email = renderTemplate(request.template, request.language, request.vars, { reference: id });

      const claimedAt = clock.now();
      const outcome = await claim.begin(id, {
        kind: 'email',
        template: request.template,
        language: request.language,
        to,
        subject: email.subject,
        claimedAt: claimedAt.toISOString(),
        leaseExpiresAt: new Date(claimedAt.getTime() + leaseMs).toISOString(),
      });
      if (outcome === 'done') return { status: 'already_sent' };
      if (outcome === 'in_progress') throw new NotificationInProgressError(id);

      let messageId: string;
      try {
        const response = await ses.send(
          new SendEmailCommand({
            Source: from,
            Destination: { ToAddresses: [to] },
            Message: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
            },
            Tags: [
              { Name: NOTIFICATION_ID_TAG, Value: Buffer.from(id, 'utf8').toString('base64url') },
              { Name: TEMPLATE_TAG, Value: request.template },
            ],
            ConfigurationSetName: configurationSetName,
          }),
        );
        // SES always returns one; the SDK types every response member as optional.
        messageId = response.MessageId ?? '';
      } catch (sesError) {
        await releaseQuietly(id, sesError);
        throw PERMANENT_SES_ERRORS.has(errorName(sesError))
          ? new EmailRejectedError(id, { cause: sesError })
          : new EmailSendError(id, { cause: sesError });
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
    },
  };

  /** A failed release leaves the claim to expire with its lease; the SES error is the one to report. */
  async function releaseQuietly(id: string, sesError: unknown): Promise<void> {
    try {
      await claim.release(id, { name: errorName(sesError), message: errorMessage(sesError), failedAt: clock.now().toISOString() });
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
