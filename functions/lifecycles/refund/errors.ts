/** Errors of the refund steps; their names are what workflows/refund.asl.json retries and catches. */
import { HostcycleError } from '../../domain/errors';

/**
 * The payment gateway did not confirm the payout (network, timeout, 5xx). The payout is idempotent
 * by its id, so retrying the step cannot pay twice: a payout the gateway did make is returned again.
 */
export class PayoutFailedError extends HostcycleError {
  constructor(
    readonly payoutId: string,
    options: { cause: unknown },
  ) {
    super(`payout ${payoutId} was not confirmed by the payment gateway; retrying is safe`, options);
  }
}
