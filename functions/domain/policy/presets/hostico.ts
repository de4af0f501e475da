/**
 * Hostico (S.C. Awesome Projects S.R.L., Romania): terms and conditions, Slovenian translation,
 * seeds/004. Clause names are the seed's own section headings.
 */
import { fromMajor } from '../../money';
import { HOSTCYCLE_DEFAULT, type PolicyInput } from '../schema';

const S = '004 IV. Preložitev/Zaustavitev/Reaktivacija';
const REFUND = '004 IV. Vračilo denarja';
const ACTIVATION = {
  workingDays: 0,
  businessHoursOnly: true,
  clause: '004 IV. Obdelava plačil; IV. Kampanje',
  note: 'as soon as possible after the payment processor confirms, in the sales department business hours, never on public holidays',
} as const;

export const hostico: PolicyInput = {
  name: 'hostico',
  provider: { displayName: 'Hostico (S.C. Awesome Projects S.R.L.)', seed: 'seeds/004_c2815c5f63b3ddea.txt' },
  calendar: {
    timeZone: 'Europe/Bucharest',
    country: 'RO',
    weekendDays: [6, 7],
    clause: '004 IV. Kampanje',
    note: 'business hours of the sales department, no public holidays; the provider sits in Maramureș (004 I. Splošno)',
  },
  currency: {
    billing: 'RON',
    exchange: { source: 'BNR', markupPercent: '2', rateDate: 'invoice_date', rounding: 'half-up' },
    clause: '004 IV. Finančni – Splošno',
    note: 'whatever currency prices are shown in; the BNR rate is an input (it needs a live feed)',
  },
  order: {
    review: { grounds: 'authenticity_and_trust', clause: '004 II. Pogodba' },
    advancePayment: { percent: 100, clause: '004 IV. Finančni – Splošno' },
    paymentRecognised: { at: 'proof_of_payment', clause: S, note: 'the fiscal invoice waits until the money is visible in the bank account' },
    activation: {
      shared_hosting: ACTIVATION,
      reseller: ACTIVATION,
      vps: ACTIVATION,
      dedicated_server: ACTIVATION,
      colocation: ACTIVATION,
      domain: ACTIVATION,
      ssl: ACTIVATION,
      software_licence: ACTIVATION,
    },
    freeTrial: {
      shared_hosting: null,
      reseller: null,
      vps: null,
      dedicated_server: null,
      colocation: null,
      domain: null,
      ssl: null,
      software_licence: null,
    },
    minimumPeriod: {
      shared_hosting: null,
      reseller: null,
      vps: null,
      dedicated_server: null,
      colocation: null,
      domain: null,
      ssl: null,
      software_licence: null,
    },
    coupons: { newCustomersOnly: true, firstPeriodOnly: true, combinable: false, forUpgrades: false, clause: '004 IV. Promocijske kuponi' },
    activationFallback: { workingDays: 1, clause: HOSTCYCLE_DEFAULT, note: 'the contract sets no activation deadline for some product kinds; the provisioning wait ends at the end of the next business day' },
    unpaidCancellation: { days: 14, basis: 'calendar', clause: HOSTCYCLE_DEFAULT, note: 'the terms do not say how long an unpaid order stays open' },
  },
  invoicing: {
    issue: { businessDaysOnly: true, clause: '004 IV. Kampanje', note: 'invoices are issued in the sales department business hours, not on public holidays' },
    due: {
      days: 14,
      basis: 'calendar',
      rollToBusinessDay: true,
      clause: HOSTCYCLE_DEFAULT,
      note: 'the proforma carries a due date (004 IV. Obdelava plačil) but the terms do not fix its distance from the issue date; a due date on a weekend or holiday moves to the next business day because payment is recognised on proof from the bank',
    },
    recurringCardCharge: { chargeOn: 'invoice_issue', clause: '004 IV. Obdelava plačil' },
  },
  dunning: {
    reminders: {
      localTime: { time: '09:00', clause: HOSTCYCLE_DEFAULT, note: 'reminders go out in the customer\'s morning, provider time' },
      schedule: [
        { offsetDays: -3, purpose: 'payment_reminder', clause: HOSTCYCLE_DEFAULT },
        { offsetDays: 1, purpose: 'payment_reminder', clause: HOSTCYCLE_DEFAULT },
        { offsetDays: 5, purpose: 'suspension_warning', clause: HOSTCYCLE_DEFAULT, note: 'two days before the suspension of 004 IV. Preložitev…' },
        { offsetDays: 15, purpose: 'deletion_warning', clause: '004 I. Splošno', note: 'the 15 days notice before an account is deleted, 15 days before the deletion of 004 IV. Neplačilo' },
      ],
    },
    grace: { days: 7, clause: S, note: '"privzeto aktivne 7 dni po datumu zapadlosti"' },
    suspension: {
      automatic: true,
      heldBy: ['proof_of_payment', 'deferral_request'],
      notifyCustomer: true,
      clause: S,
    },
    suspendedTimeBillable: null,
    thirdPartyRenewal: { onPaymentOnly: true, validityEndsAtDue: true, clause: S, note: 'domains, licences and SSL certificates have no grace' },
    deferral: { maxDaysFromDue: 14, beyondLimit: 'staff_review', clause: S, note: 'for hosting services only; longer only after a detailed review by support staff' },
    reactivation: { requires: 'all_debts_paid', businessHoursOnly: true, clause: `${S}; IV. Kampanje` },
    latePenalty: null,
    termination: null,
    deletion: { days: 30, from: 'due_date', clause: '004 IV. Neplačilo', note: 'the account and all its data are deleted automatically' },
    dataRestore: {
      sharedHours: 2,
      resellerOrVpsHours: 4,
      includedBackupAgeDays: 30,
      extraHourPerDays: 30,
      clause: '004 IV. Neplačilo',
      note: 'minimum support hours; each further started 30 days adds one hour',
    },
    offsetting: { shortensPrepaidValidity: true, clause: '004 IV. Neplačilo' },
  },
  refund: {
    method: { kind: 'activation_window', fullRefundDays: 30, afterWindow: 'remaining_whole_months', clause: REFUND },
    repeatRequest: { scope: ['same_domain', 'same_customer'], result: 'remaining_whole_months', clause: REFUND },
    deductions: {
      migrationSupportHours: { appliesIn: 'full_refund_window', clause: REFUND },
      freeOfferItems: { at: 'item_value', clause: REFUND },
      unpaidProformas: { withheld: true, clause: REFUND },
      paymentSystemCommission: null,
      returnCommission: null,
      bonusesAndDiscounts: null,
    },
    nonRefundable: {
      thirdParty: { kinds: ['domain', 'ssl', 'software_licence'], clause: REFUND },
      dataRestore: { never: true, clause: REFUND },
      violation: { never: true, clause: `${REFUND}; IV. Kampanje` },
    },
    destination: { to: 'paying_or_named_account', clause: REFUND },
    processingDeadline: { days: 15, basis: 'working', creditNote: true, clause: REFUND },
  },
  withdrawal: null,
  contract: {
    term: { kind: 'indefinite', clause: '004 I. Splošno' },
    providerDeletionNotice: { days: 15, clause: '004 I. Splošno' },
    earlyTerminationNotice: null,
    customerCancellationNotice: null,
    serviceCountChangeNotice: null,
  },
  planChange: {
    upgrade: { charge: 'price_difference_for_remaining_period', rounding: 'half-up', clause: '004 IV. Nadgradnja / Zmanjšanje' },
    downgrade: { credit: 'whole_prepaid_months', use: 'extend_service', clause: '004 IV. Nadgradnja / Zmanjšanje' },
    frequency: { freeOncePerDays: 60, beyond: 'support_hours', clause: '004 IV. Nadgradnja / Zmanjšanje' },
    alwaysBilled: {
      cases: ['account_merge', 'control_panel_change', 'resource_reconfiguration'],
      clause: '004 IV. Nadgradnja / Zmanjšanje',
    },
  },
  priceChange: {
    existingCustomersNotice: { days: 30, basis: 'calendar', clause: '004 IV. Spremembe tarif' },
    newOrdersNotice: { days: 7, basis: 'calendar', clause: '004 IV. Spremembe tarif' },
    prepaidUnaffected: { untilRenewal: true, clause: '004 IV. Spremembe tarif' },
    acceptedUnlessTerminated: null,
  },
  conduct: {
    violationSuspension: { priorNotice: false, noticeAfterHours: null, clause: '004 X. Politika vsebine' },
    abuseBlockNotice: null,
    violationTermination: { scope: 'spam', days: 0, priorNotice: false, clause: '004 XI. Politika uporabe' },
    unblockAfterProof: null,
    complaintResponse: { days: 5, basis: 'calendar', suspensionNoticeDays: null, clause: '004 X. Politika vsebine' },
    dataRequest: null,
    resourceExhaustion: { freeDiskPercent: '1', freeDiskMiB: 1024, clause: '004 XII. Viri', note: 'VPS disk below 1 % or 1 GB' },
  },
  credit: {
    minTopUp: fromMajor('10.00', 'EUR'),
    maxTopUp: fromMajor('1000.00', 'EUR'),
    maxBalance: fromMajor('1000.00', 'EUR'),
    appliedManually: true,
    wholeInvoicePreVatOnly: true,
    clause: '004 IV. Kredit / Sredstva',
  },
  approvals: {
    orderReview: { timeout: { days: 2, basis: 'working' }, onTimeout: 'reject', clause: HOSTCYCLE_DEFAULT, note: 'an order nobody vouched for is not activated (004 II. Pogodba allows rejection)' },
    deferralBeyondLimit: { timeout: { days: 2, basis: 'working' }, onTimeout: 'deny', clause: HOSTCYCLE_DEFAULT, note: 'the exception needs a detailed staff review; without one the 14-day limit stands' },
    refund: { timeout: { days: 5, basis: 'working' }, onTimeout: 'escalate', clause: HOSTCYCLE_DEFAULT, note: 'a refund stays pending and is escalated so the 15-working-day deadline can still be met' },
    withdrawal: null,
  },
  notices: {
    privacyChange: { days: 14, clause: '002 §2.6' },
    suspension: { email: true, clause: HOSTCYCLE_DEFAULT, note: 'the terms do not require it; every state change is notified' },
    maintenance: null,
  },
};
