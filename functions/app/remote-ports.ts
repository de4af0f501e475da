/**
 * The provisioning and payout ports on AWS: JSON over HTTPS to the provider's integration endpoint
 * (the control-panel/registrar bridge, the payment gateway's payout API). Both carry the command id as
 * `Idempotency-Key`, so a retried step never repeats the effect on the other side.
 */
import { HostcycleError } from '../domain/errors';
import type { PaymentGateway, Provisioner } from './ports';

/** The endpoint answered with a failure status; 5xx and 429 are worth a retry, the rest is not. */
export class RemotePortError extends HostcycleError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

async function postJson(url: string, idempotencyKey: string, body: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new RemotePortError(res.status, `${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return text === '' ? {} : (JSON.parse(text) as unknown);
}

export function createHttpProvisioner(url: string): Provisioner {
  return {
    async submit(command) {
      // The task token stays here: the bridge answers with a provisioning.result webhook naming the command id.
      const { taskToken: _token, ...rest } = command;
      await postJson(url, command.id, rest);
    },
  };
}

export function createHttpPaymentGateway(url: string): PaymentGateway {
  return {
    async payout(input) {
      const answer = (await postJson(url, input.id, input)) as { payoutId?: unknown };
      if (typeof answer.payoutId !== 'string') throw new RemotePortError(502, `${url} answered without a payoutId`);
      return { payoutId: answer.payoutId };
    },
  };
}
