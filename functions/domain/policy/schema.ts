/**
 * The one schema of a provider's lifecycle policy (ARCHITECTURE.md invariant 4). Every duration,
 * percentage, limit and exclusion of a contract lives in a preset validated by this schema, and each
 * value carries the clause it comes from so that audit events and the CLI can cite it.
 *
 * A rule a contract does not have is `null`. A number is never a stand-in for "absent": `0` means
 * exactly zero (smartape's grace of zero days is a rule, secom's missing grace is `null`).
 * Values a contract leaves open but a workflow needs are marked `clause: HOSTCYCLE_DEFAULT`.
 */
import { z } from 'zod';
import { hasHolidayData } from '../calendar';
import { currencySchema, nonNegativeMoneySchema } from '../money';
import { productKindSchema } from '../product';

/** The clause value for a number the contract does not state, chosen by hostcycle. */
export const HOSTCYCLE_DEFAULT = 'hostcycle default';

const clause = z.string().min(1, 'must name the clause the rule comes from');
const days = z.number().int('must be a whole number of days').nonnegative('must not be negative');
const positiveDays = z.number().int('must be a whole number of days').positive('must be positive');
const dayBasis = z.enum(['calendar', 'working']);
const percent = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string');
const roundingSchema = z.enum(['half-up', 'half-even', 'down', 'up']);

/** A rule value with its source clause and an optional explanation of how the clause was read. */
function rule<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...shape, clause, note: z.string().min(1).optional() }).strict();
}

const byKind = <T extends z.ZodType>(value: T) => z.record(productKindSchema, value.nullable());

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'is not an IANA time zone');

const approvalRule = <O extends [string, ...string[]]>(outcomes: O) =>
  rule({ timeout: z.object({ days: positiveDays, basis: dayBasis }).strict(), onTimeout: z.enum(outcomes) });

export const reminderPurposeSchema = z.enum([
  'payment_reminder',
  'suspension_warning',
  'termination_warning',
  'deletion_warning',
]);

export const withdrawalExclusionSchema = z.enum([
  'custom_made',
  'perishable',
  'opened_software_or_media',
  'unsealed_hygiene',
]);

export const policySchema = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lower-case identifier'),
    provider: z.object({ displayName: z.string().min(1), seed: z.string().min(1) }).strict(),
    calendar: rule({
      timeZone,
      country: z
        .string()
        .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code')
        .refine(hasHolidayData, 'has no public-holiday data'),
      /** ISO weekdays, 1 = Monday … 7 = Sunday. */
      weekendDays: z.array(z.number().int().min(1).max(7)),
    }),
    currency: rule({
      billing: currencySchema,
      exchange: z
        .object({
          source: z.string().min(1),
          markupPercent: percent,
          rateDate: z.literal('invoice_date'),
          rounding: roundingSchema,
        })
        .strict()
        .nullable(),
    }),
    order: z
      .object({
        review: rule({ grounds: z.enum(['authenticity_and_trust', 'data_doubts']) }).nullable(),
        advancePayment: rule({ percent: z.number().int().min(0).max(100) }).nullable(),
        paymentRecognised: rule({ at: z.enum(['proof_of_payment', 'funds_received']) }).nullable(),
        /** N working days after the payment day; 0 = on the payment day, or the next business day if it is not one. */
        activation: byKind(rule({ workingDays: days, businessHoursOnly: z.boolean() })),
        /**
         * The activation deadline of a product kind whose `activation` is null (the contract sets
         * none): the provisioning wait still needs a bound (STYLE.md: every callback wait has a
         * timeout). N business days after the payment day, at the end of the day.
         */
        activationFallback: rule({ workingDays: days }),
        freeTrial: byKind(rule({ days: positiveDays, oncePerCustomer: z.boolean() })),
        minimumPeriod: byKind(rule({ months: z.number().int().positive() })),
        coupons: rule({
          newCustomersOnly: z.boolean(),
          firstPeriodOnly: z.boolean(),
          combinable: z.boolean(),
          forUpgrades: z.boolean(),
        }).nullable(),
        unpaidCancellation: rule({ days: positiveDays, basis: dayBasis }).nullable(),
      })
      .strict(),
    invoicing: z
      .object({
        issue: rule({ businessDaysOnly: z.boolean() }),
        due: rule({ days: positiveDays, basis: dayBasis, rollToBusinessDay: z.boolean() }),
        recurringCardCharge: rule({ chargeOn: z.literal('invoice_issue') }).nullable(),
      })
      .strict(),
    dunning: z
      .object({
        reminders: z
          .object({
            localTime: rule({ time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:mm') }),
            schedule: z.array(rule({ offsetDays: z.number().int(), purpose: reminderPurposeSchema })),
          })
          .strict(),
        grace: rule({ days }).nullable(),
        suspension: rule({
          automatic: z.boolean(),
          heldBy: z.array(z.enum(['proof_of_payment', 'deferral_request'])),
          notifyCustomer: z.boolean(),
        }).nullable(),
        suspendedTimeBillable: rule({ billable: z.literal(true) }).nullable(),
        thirdPartyRenewal: rule({ onPaymentOnly: z.literal(true), validityEndsAtDue: z.literal(true) }).nullable(),
        deferral: rule({ maxDaysFromDue: positiveDays, beyondLimit: z.literal('staff_review') }).nullable(),
        reactivation: rule({ requires: z.enum(['all_debts_paid', 'invoice_paid']), businessHoursOnly: z.boolean() }).nullable(),
        latePenalty: rule({ percentPerDay: percent, rounding: roundingSchema, curesOtherObligations: z.literal(false) }).nullable(),
        termination: rule({ days: positiveDays, from: z.literal('invoice_date'), debtRemains: z.boolean() }).nullable(),
        deletion: rule({ days: positiveDays, from: z.literal('due_date') }).nullable(),
        dataRestore: rule({
          sharedHours: z.number().int().positive(),
          resellerOrVpsHours: z.number().int().positive(),
          includedBackupAgeDays: positiveDays,
          extraHourPerDays: positiveDays,
        }).nullable(),
        offsetting: rule({ shortensPrepaidValidity: z.literal(true) }).nullable(),
      })
      .strict(),
    refund: z
      .object({
        method: z
          .discriminatedUnion('kind', [
            rule({
              kind: z.literal('activation_window'),
              fullRefundDays: positiveDays,
              afterWindow: z.literal('remaining_whole_months'),
            }),
            rule({
              kind: z.literal('unused_minus_minimum_period'),
              rounding: roundingSchema,
            }),
            rule({
              kind: z.literal('after_end_of_work'),
              requestWindowDays: positiveDays,
              rounding: roundingSchema,
            }),
          ])
          .nullable(),
        repeatRequest: rule({
          scope: z.array(z.enum(['same_domain', 'same_customer'])),
          result: z.literal('remaining_whole_months'),
        }).nullable(),
        deductions: z
          .object({
            migrationSupportHours: rule({ appliesIn: z.literal('full_refund_window') }).nullable(),
            freeOfferItems: rule({ at: z.literal('item_value') }).nullable(),
            unpaidProformas: rule({ withheld: z.literal(true) }).nullable(),
            paymentSystemCommission: rule({ withheld: z.literal(true) }).nullable(),
            returnCommission: rule({ withheld: z.literal(true) }).nullable(),
            bonusesAndDiscounts: rule({ withheld: z.literal(true) }).nullable(),
          })
          .strict(),
        nonRefundable: z
          .object({
            thirdParty: rule({ kinds: z.array(productKindSchema).min(1) }).nullable(),
            dataRestore: rule({ never: z.literal(true) }).nullable(),
            violation: rule({ never: z.literal(true) }).nullable(),
          })
          .strict(),
        destination: rule({ to: z.enum(['paying_or_named_account', 'paying_instrument_same_currency']) }).nullable(),
        processingDeadline: rule({ days: positiveDays, basis: dayBasis, creditNote: z.boolean() }).nullable(),
      })
      .strict(),
    withdrawal: rule({
      days: positiveDays,
      from: z.literal('contract_conclusion'),
      consumersOnly: z.literal(true),
      consentedStartCharge: z.literal('proportional'),
      chargeRounding: roundingSchema,
      exclusions: z.array(withdrawalExclusionSchema),
    }).nullable(),
    contract: z
      .object({
        term: z.discriminatedUnion('kind', [
          rule({ kind: z.literal('indefinite') }),
          rule({
            kind: z.literal('fixed'),
            months: z.number().int().positive(),
            renewsAutomatically: z.boolean(),
            nonRenewalNoticeDays: positiveDays,
          }),
        ]).nullable(),
        providerDeletionNotice: rule({ days: positiveDays }).nullable(),
        earlyTerminationNotice: rule({ months: z.number().int().positive() }).nullable(),
        customerCancellationNotice: rule({ days: positiveDays, basis: dayBasis, effective: z.literal('on_deactivation') }).nullable(),
        serviceCountChangeNotice: rule({ days: positiveDays, basis: dayBasis }).nullable(),
      })
      .strict(),
    planChange: z
      .object({
        upgrade: rule({ charge: z.literal('price_difference_for_remaining_period'), rounding: roundingSchema }).nullable(),
        downgrade: rule({ credit: z.literal('whole_prepaid_months'), use: z.literal('extend_service') }).nullable(),
        frequency: rule({ freeOncePerDays: positiveDays, beyond: z.literal('support_hours') }).nullable(),
        alwaysBilled: rule({
          cases: z.array(z.enum(['account_merge', 'control_panel_change', 'resource_reconfiguration'])),
        }).nullable(),
      })
      .strict(),
    priceChange: z
      .object({
        existingCustomersNotice: rule({ days: positiveDays, basis: dayBasis }).nullable(),
        newOrdersNotice: rule({ days: positiveDays, basis: dayBasis }).nullable(),
        prepaidUnaffected: rule({ untilRenewal: z.literal(true) }).nullable(),
        acceptedUnlessTerminated: rule({ announcedOn: z.literal('website') }).nullable(),
      })
      .strict(),
    conduct: z
      .object({
        violationSuspension: rule({ priorNotice: z.literal(false), noticeAfterHours: z.number().int().positive().nullable() }).nullable(),
        abuseBlockNotice: rule({ hours: z.number().int().positive() }).nullable(),
        violationTermination: rule({ scope: z.enum(['spam', 'unremedied_violation']), days, priorNotice: z.boolean() }).nullable(),
        unblockAfterProof: rule({ days: positiveDays }).nullable(),
        complaintResponse: rule({
          days: positiveDays,
          basis: dayBasis,
          suspensionNoticeDays: positiveDays.nullable(),
        }).nullable(),
        dataRequest: rule({
          restrictAfterDays: positiveDays,
          liftWithinWorkingDays: positiveDays,
          terminateAfterDays: positiveDays,
        }).nullable(),
        resourceExhaustion: rule({ freeDiskPercent: percent, freeDiskMiB: z.number().int().positive() }).nullable(),
      })
      .strict(),
    credit: rule({
      minTopUp: nonNegativeMoneySchema,
      maxTopUp: nonNegativeMoneySchema,
      maxBalance: nonNegativeMoneySchema,
      appliedManually: z.boolean(),
      wholeInvoicePreVatOnly: z.boolean(),
    })
      .refine((c) => c.minTopUp.currency === c.maxTopUp.currency && c.maxTopUp.currency === c.maxBalance.currency, {
        message: 'limits must share one currency',
        path: ['maxBalance', 'currency'],
      })
      .refine((c) => c.minTopUp.amount <= c.maxTopUp.amount, { message: 'must not exceed maxTopUp', path: ['minTopUp', 'amount'] })
      .nullable(),
    approvals: z
      .object({
        orderReview: approvalRule(['reject', 'accept']).nullable(),
        deferralBeyondLimit: approvalRule(['deny', 'grant']).nullable(),
        refund: approvalRule(['escalate', 'approve', 'deny']).nullable(),
        withdrawal: approvalRule(['escalate', 'approve']).nullable(),
      })
      .strict(),
    notices: z
      .object({
        privacyChange: rule({ days: positiveDays }).nullable(),
        suspension: rule({ email: z.literal(true) }).nullable(),
        maintenance: rule({ inAdvance: z.literal(true) }).nullable(),
      })
      .strict(),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type ReminderPurpose = z.infer<typeof reminderPurposeSchema>;
export type DayBasis = z.infer<typeof dayBasis>;
