/**
 * Secom (a Ukrainian host): FAQ on ordering, payment and refunds, seeds/000. The FAQ has no clause
 * numbers; clauses cite its question headings. It fixes only the refund rules, so most lifecycle
 * values are absent (`null`) and the few a workflow cannot run without are hostcycle defaults.
 */
import { HOSTCYCLE_DEFAULT, type PolicyInput } from '../schema';

const REFUND = '000 Refund policy';
const NONE = {
  shared_hosting: null,
  reseller: null,
  vps: null,
  dedicated_server: null,
  colocation: null,
  domain: null,
  ssl: null,
  software_licence: null,
} as const;

export const secom: PolicyInput = {
  name: 'secom',
  provider: { displayName: 'Secom', seed: 'seeds/000_1b8d4281410cf64b.txt' },
  calendar: {
    timeZone: 'Europe/Kyiv',
    country: 'UA',
    weekendDays: [6, 7],
    clause: '000 Confidential policy §5',
    note: 'the rules are made under Ukrainian law; "working days" of the refund deadline are Ukrainian working days',
  },
  currency: {
    billing: 'UAH',
    exchange: null,
    clause: HOSTCYCLE_DEFAULT,
    note: 'the FAQ names no currency; refunds go back "in the same currency that payment was made" (000 Refund policy)',
  },
  order: {
    review: null,
    advancePayment: {
      percent: 100,
      clause: HOSTCYCLE_DEFAULT,
      note: '000 "How to do a payment for the services?" lists payment methods only; refunds exist "only for paid services"',
    },
    paymentRecognised: null,
    activation: NONE,
    freeTrial: NONE,
    minimumPeriod: NONE,
    coupons: null,
    activationFallback: { workingDays: 1, clause: HOSTCYCLE_DEFAULT, note: 'the contract sets no activation deadline for some product kinds; the provisioning wait ends at the end of the next business day' },
    unpaidCancellation: { days: 7, basis: 'calendar', clause: HOSTCYCLE_DEFAULT },
  },
  invoicing: {
    issue: { businessDaysOnly: false, clause: HOSTCYCLE_DEFAULT },
    due: {
      days: 7,
      basis: 'calendar',
      rollToBusinessDay: true,
      clause: HOSTCYCLE_DEFAULT,
      note: 'the FAQ sets no due date; bank payments land on working days, so a due date on a weekend or holiday moves to the next one',
    },
    recurringCardCharge: null,
  },
  dunning: {
    reminders: {
      localTime: { time: '09:00', clause: HOSTCYCLE_DEFAULT, note: 'reminders go out in the customer\'s morning, provider time' },
      schedule: [
        { offsetDays: -3, purpose: 'payment_reminder', clause: HOSTCYCLE_DEFAULT },
        { offsetDays: 0, purpose: 'payment_reminder', clause: HOSTCYCLE_DEFAULT },
        { offsetDays: 3, purpose: 'payment_reminder', clause: HOSTCYCLE_DEFAULT },
      ],
    },
    grace: null,
    suspension: null,
    suspendedTimeBillable: null,
    thirdPartyRenewal: null,
    deferral: null,
    reactivation: null,
    latePenalty: null,
    termination: null,
    deletion: null,
    dataRestore: null,
    offsetting: null,
  },
  refund: {
    method: {
      kind: 'after_end_of_work',
      requestWindowDays: 3,
      rounding: 'down',
      clause: REFUND,
      note: 'only paid services; the request at most three (calendar) days after the end of the work; the unpaid-for remainder of the paid period is prorated by day (hostcycle reading, rounding down)',
    },
    repeatRequest: null,
    deductions: {
      migrationSupportHours: null,
      freeOfferItems: null,
      unpaidProformas: null,
      paymentSystemCommission: { withheld: true, clause: REFUND },
      returnCommission: { withheld: true, clause: REFUND },
      bonusesAndDiscounts: { withheld: true, clause: REFUND },
    },
    nonRefundable: { thirdParty: null, dataRestore: null, violation: null },
    destination: { to: 'paying_instrument_same_currency', clause: REFUND },
    processingDeadline: {
      days: 10,
      basis: 'working',
      creditNote: false,
      clause: REFUND,
      note: '"about 10 working days" from the request; a card transfer takes about 3 more days',
    },
  },
  withdrawal: null,
  contract: {
    term: null,
    providerDeletionNotice: null,
    earlyTerminationNotice: null,
    customerCancellationNotice: null,
    serviceCountChangeNotice: null,
  },
  planChange: { upgrade: null, downgrade: null, frequency: null, alwaysBilled: null },
  priceChange: { existingCustomersNotice: null, newOrdersNotice: null, prepaidUnaffected: null, acceptedUnlessTerminated: null },
  conduct: {
    violationSuspension: null,
    abuseBlockNotice: null,
    violationTermination: null,
    unblockAfterProof: null,
    complaintResponse: null,
    dataRequest: null,
    resourceExhaustion: null,
  },
  credit: null,
  approvals: {
    orderReview: null,
    deferralBeyondLimit: null,
    refund: { timeout: { days: 3, basis: 'working' }, onTimeout: 'escalate', clause: HOSTCYCLE_DEFAULT, note: 'kept pending and escalated so the 10-working-day deadline can be met' },
    withdrawal: null,
  },
  notices: {
    privacyChange: { days: 14, clause: '002 §2.6' },
    suspension: null,
    maintenance: null,
  },
};
