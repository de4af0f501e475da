/**
 * Storefront webhook signatures (ARCHITECTURE.md invariant 8).
 *
 * The sender puts two headers on every delivery:
 *
 *   Hostcycle-Timestamp: 1763782800                 (unix seconds when it signed)
 *   Hostcycle-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">
 *
 * Signing the timestamp with the body makes a captured delivery useless after the tolerance window.
 * The signature header may carry several comma-separated `v1=` entries so that a sender can sign with
 * the old and the new secret while a rotation is in progress; the receiver holds at most two active
 * secrets and accepts a delivery if any entry matches any secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { UnauthorizedError } from './errors';

export const WEBHOOK_TIMESTAMP_HEADER = 'Hostcycle-Timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'Hostcycle-Signature';
export const WEBHOOK_TOLERANCE_SECONDS = 300;
const SCHEME = 'v1';

/** One active secret, or two while rotating from the first to the second. */
export type WebhookSecrets = readonly [string] | readonly [string, string];

/** Returns the `Hostcycle-Signature` header value for a delivery. */
export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `${SCHEME}=${hmacHex(secret, timestamp, rawBody)}`;
}

function hmacHex(secret: string, timestamp: number | string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/**
 * Compares two strings without leaking through timing where they differ. `timingSafeEqual` throws on
 * buffers of different lengths, and the length of our own HMAC is public anyway, so the length is
 * checked first and a mismatch is simply unequal.
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export function assertWebhookSecrets(secrets: readonly string[]): asserts secrets is WebhookSecrets {
  if (secrets.length < 1 || secrets.length > 2) {
    throw new RangeError(`webhook secrets: expected one or two active secrets, got ${secrets.length}`);
  }
  for (const secret of secrets) {
    if (secret.length < 32) throw new RangeError('webhook secrets: each secret needs at least 32 characters');
  }
}

export interface SignedDelivery {
  timestampHeader: string | undefined;
  signatureHeader: string | undefined;
  rawBody: string;
}

/** Throws UnauthorizedError unless the delivery is signed by an active secret within the tolerance. */
export function verifyWebhookSignature(delivery: SignedDelivery, secrets: WebhookSecrets, clock: Clock): void {
  const { timestampHeader, signatureHeader, rawBody } = delivery;
  if (timestampHeader === undefined) throw new UnauthorizedError(`missing ${WEBHOOK_TIMESTAMP_HEADER} header`);
  if (signatureHeader === undefined) throw new UnauthorizedError(`missing ${WEBHOOK_SIGNATURE_HEADER} header`);
  if (!/^\d{1,12}$/.test(timestampHeader)) {
    throw new UnauthorizedError(`${WEBHOOK_TIMESTAMP_HEADER} must be unix seconds`);
  }
  const skew = Math.abs(Math.floor(clock.now().getTime() / 1000) - Number(timestampHeader));
  if (skew > WEBHOOK_TOLERANCE_SECONDS) {
    throw new UnauthorizedError(`${WEBHOOK_TIMESTAMP_HEADER} is outside the ${WEBHOOK_TOLERANCE_SECONDS}-second tolerance`);
  }
  const offered = signatureHeader
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SCHEME}=`))
    .map((part) => part.slice(SCHEME.length + 1));
  if (offered.length === 0) throw new UnauthorizedError(`${WEBHOOK_SIGNATURE_HEADER} has no ${SCHEME}= signature`);
  // Every comparison runs even after a match so the time taken does not reveal which secret matched.
  let matched = false;
  for (const secret of secrets) {
    const expected = hmacHex(secret, timestampHeader, rawBody);
    for (const candidate of offered) matched = safeEqual(expected, candidate) || matched;
  }
  if (!matched) throw new UnauthorizedError('webhook signature does not match');
}
