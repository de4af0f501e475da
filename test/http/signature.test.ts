import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../functions/domain/clock';
import { UnauthorizedError } from '../../functions/http/errors';
import { assertWebhookSecrets, safeEqual, signWebhook, verifyWebhookSignature } from '../../functions/http/webhook-signature';

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SECRET = 'whsec_test_0123456789abcdef0123456789abcdef';
const clock = fixedClock('2026-11-22T09:00:00Z');
const T = 1795338000;

describe('signWebhook', () => {
  it('is HMAC-SHA256 over "<timestamp>.<raw body>" in lowercase hex, with the v1 scheme', () => {
    // Computed independently: printf '1795338000.{"a":1}' | openssl dgst -sha256 -hmac "$SECRET"
    expect(signWebhook(SECRET, T, '{"a":1}')).toBe('v1=e17bc5f2355a405b5d6966ad3e0e9e5b751913e99e2d013abf77b47a0d796278');
  });
});

describe('safeEqual', () => {
  it('compares with crypto.timingSafeEqual', () => {
    vi.mocked(crypto.timingSafeEqual).mockClear();

    expect(safeEqual('abcdef', 'abcdef')).toBe(true);
    expect(safeEqual('abcdef', 'abcdeg')).toBe(false);
    expect(crypto.timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  it('answers false for strings of different length instead of throwing', () => {
    expect(() => safeEqual('abc', 'abcd')).not.toThrow();
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', 'a')).toBe(false);
  });

  it('compares bytes, so multi-byte characters of equal string length do not throw', () => {
    expect(safeEqual('é', 'e')).toBe(false);
  });
});

describe('verifyWebhookSignature', () => {
  const delivery = (overrides: Partial<{ timestampHeader: string | undefined; signatureHeader: string | undefined; rawBody: string }> = {}) => ({
    timestampHeader: String(T),
    signatureHeader: signWebhook(SECRET, T, '{"a":1}'),
    rawBody: '{"a":1}',
    ...overrides,
  });

  it('accepts a matching signature', () => {
    expect(() => verifyWebhookSignature(delivery(), [SECRET], clock)).not.toThrow();
  });

  it('refuses a signature of the right length but wrong value through the constant-time path', () => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
    const wrong = `v1=${'0'.repeat(64)}`;

    expect(() => verifyWebhookSignature(delivery({ signatureHeader: wrong }), [SECRET], clock)).toThrow(UnauthorizedError);
    expect(crypto.timingSafeEqual).toHaveBeenCalled();
  });

  it.each([
    ['300 s old', T - 300, 'yes'],
    ['301 s old', T - 301, 'no'],
    ['300 s ahead', T + 300, 'yes'],
    ['301 s ahead', T + 301, 'no'],
  ])('with a timestamp %s (accepted: %s)', (_case, timestamp, accepted) => {
    const signed = delivery({ timestampHeader: String(timestamp), signatureHeader: signWebhook(SECRET, timestamp, '{"a":1}') });

    const verify = () => verifyWebhookSignature(signed, [SECRET], clock);

    if (accepted === 'yes') expect(verify).not.toThrow();
    else expect(verify).toThrow(/tolerance/);
  });
});

describe('assertWebhookSecrets', () => {
  it('requires one or two secrets of at least 32 characters', () => {
    expect(() => assertWebhookSecrets([])).toThrow(RangeError);
    expect(() => assertWebhookSecrets([SECRET, SECRET, SECRET])).toThrow(RangeError);
    expect(() => assertWebhookSecrets(['short'])).toThrow(RangeError);
    expect(() => assertWebhookSecrets([SECRET, SECRET])).not.toThrow();
  });
});
