/**
 * The AWS list prices every cost figure of `npm run bench` uses, in one place so a price change is one
 * edit. Region us-east-1, on-demand, no free tier, as published on the AWS pricing pages on the date
 * below; check them again before quoting a figure after a price change.
 */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2026-11-22',
  currency: 'USD',
  stepFunctions: { perStateTransition: 0.025 / 1_000 },
  lambda: {
    perRequest: 0.2 / 1_000_000,
    /** arm64 (Graviton), the architecture of infra/aws/constructs/hostcycle-function.ts. */
    perGbSecond: 0.0000133334,
  },
  dynamoDb: { perWriteRequestUnit: 0.625 / 1_000_000, perReadRequestUnit: 0.125 / 1_000_000 },
  ses: { perEmail: 0.1 / 1_000 },
  scheduler: { perInvocation: 1.0 / 1_000_000 },
} as const;
