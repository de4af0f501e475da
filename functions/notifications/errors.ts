/**
 * Errors of the notification side effect. Their names are what the workflows' `Retry` and `Catch`
 * match on (see functions/domain/errors.ts). A permanent SES refusal is not an error here: the mailer
 * records the notification as undeliverable for staff and returns `{ status: 'undeliverable' }`.
 */
import { HostcycleError } from '../domain/errors';

/**
 * SES did not accept the e-mail (network, throttling, a 5xx) and the claim was released: retrying
 * the step is safe and is what should happen. When the failure was a timeout, SES may have sent the
 * e-mail anyway; SES v1 has no idempotency key, so the retry can then duplicate it.
 */
export class EmailSendError extends HostcycleError {
  constructor(
    readonly notificationId: string,
    options: { cause: unknown },
  ) {
    super(`sending notification ${notificationId} failed; the claim was released and the step can be retried`, options);
  }
}

/**
 * Another attempt holds the claim on this notification and its lease has not run out: it may be
 * sending now. Retry later; once the lease expires a crashed holder's claim can be taken over.
 */
export class NotificationInProgressError extends HostcycleError {
  constructor(readonly notificationId: string) {
    super(`notification ${notificationId} is being sent by another attempt`);
  }
}
