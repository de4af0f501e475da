import { describe, expect, it } from 'vitest';
import { UnknownPresetError, ValidationError } from '../../../functions/domain/errors';
import { fromMajor } from '../../../functions/domain/money';
import { getPreset, HOSTCYCLE_DEFAULT, parsePolicy, PRESET_NAMES, type Policy } from '../../../functions/domain/policy';
import { hostico as hosticoInput } from '../../../functions/domain/policy/presets/hostico';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');
const secom = getPreset('secom');

type Case = [clause: string, pick: (p: Policy) => unknown, expected: unknown];

describe('hostico preset carries every number of seed 004', () => {
  const cases: Case[] = [
    ['004 II. Pogodba', (p) => p.order.review?.grounds, 'authenticity_and_trust'],
    ['004 IV. Finančni – Splošno (100 % in advance)', (p) => p.order.advancePayment?.percent, 100],
    ['004 IV. Finančni – Splošno (RON at BNR + 2 %)', (p) => [p.currency.billing, p.currency.exchange?.source, p.currency.exchange?.markupPercent], ['RON', 'BNR', '2']],
    ['004 IV. Obdelava plačil; IV. Kampanje (activation on a business day)', (p) => [p.order.activation.vps?.workingDays, p.order.activation.vps?.businessHoursOnly], [0, true]],
    ['004 IV. Kampanje (invoices issued on business days only)', (p) => p.invoicing.issue.businessDaysOnly, true],
    ['004 IV. Preložitev/Zaustavitev/Reaktivacija (7 days active after the due date)', (p) => p.dunning.grace?.days, 7],
    ['004 IV. Preložitev/Zaustavitev/Reaktivacija (suspension held by proof or deferral request)', (p) => p.dunning.suspension?.heldBy, ['proof_of_payment', 'deferral_request']],
    ['004 IV. Preložitev/Zaustavitev/Reaktivacija (deferral at most 14 days, then staff)', (p) => [p.dunning.deferral?.maxDaysFromDue, p.dunning.deferral?.beyondLimit], [14, 'staff_review']],
    ['004 IV. Preložitev/Zaustavitev/Reaktivacija (third party renewed only on payment)', (p) => p.dunning.thirdPartyRenewal?.validityEndsAtDue, true],
    ['004 IV. Preložitev/Zaustavitev/Reaktivacija (reactivation after all debts)', (p) => p.dunning.reactivation?.requires, 'all_debts_paid'],
    ['004 IV. Neplačilo (deletion after 30 days)', (p) => p.dunning.deletion?.days, 30],
    ['004 IV. Neplačilo (restore: 2 h shared, 4 h reseller/VPS, +1 h per 30 days)', (p) => p.dunning.dataRestore && [p.dunning.dataRestore.sharedHours, p.dunning.dataRestore.resellerOrVpsHours, p.dunning.dataRestore.includedBackupAgeDays, p.dunning.dataRestore.extraHourPerDays], [2, 4, 30, 30]],
    ['004 IV. Neplačilo (offsetting)', (p) => p.dunning.offsetting?.shortensPrepaidValidity, true],
    ['004 IV. Obdelava plačil (recurring card charge on issue)', (p) => p.invoicing.recurringCardCharge?.chargeOn, 'invoice_issue'],
    ['004 IV. Vračilo denarja (30 calendar days full refund)', (p) => p.refund.method?.kind === 'activation_window' && p.refund.method.fullRefundDays, 30],
    ['004 IV. Vračilo denarja (repeat requests by domain or customer)', (p) => p.refund.repeatRequest?.scope, ['same_domain', 'same_customer']],
    ['004 IV. Vračilo denarja (third-party never refunded)', (p) => p.refund.nonRefundable.thirdParty?.kinds, ['domain', 'ssl', 'software_licence']],
    ['004 IV. Vračilo denarja (15 working days, credit note)', (p) => [p.refund.processingDeadline?.days, p.refund.processingDeadline?.basis, p.refund.processingDeadline?.creditNote], [15, 'working', true]],
    ['004 I. Splošno (15 days notice before deleting an account)', (p) => p.contract.providerDeletionNotice?.days, 15],
    ['004 IV. Nadgradnja / Zmanjšanje (free once per 60 days)', (p) => p.planChange.frequency?.freeOncePerDays, 60],
    ['004 IV. Nadgradnja / Zmanjšanje (downgrade in whole months)', (p) => p.planChange.downgrade?.credit, 'whole_prepaid_months'],
    ['004 IV. Spremembe tarif (30 and 7 calendar days)', (p) => [p.priceChange.existingCustomersNotice?.days, p.priceChange.newOrdersNotice?.days], [30, 7]],
    ['004 IV. Kredit / Sredstva (10.00–1000.00 €, balance cap 1000.00 €)', (p) => p.credit && [p.credit.minTopUp, p.credit.maxTopUp, p.credit.maxBalance], [fromMajor('10.00', 'EUR'), fromMajor('1000.00', 'EUR'), fromMajor('1000.00', 'EUR')]],
    ['004 IV. Promocijske kuponi', (p) => p.order.coupons && [p.order.coupons.newCustomersOnly, p.order.coupons.firstPeriodOnly, p.order.coupons.combinable, p.order.coupons.forUpgrades], [true, true, false, false]],
    ['004 X. Politika vsebine (answer a complaint within 5 days)', (p) => p.conduct.complaintResponse?.days, 5],
    ['004 XI. Politika uporabe (spam: termination without notice)', (p) => p.conduct.violationTermination && [p.conduct.violationTermination.scope, p.conduct.violationTermination.priorNotice], ['spam', false]],
    ['004 XII. Viri (VPS disk below 1 % or 1 GB)', (p) => p.conduct.resourceExhaustion && [p.conduct.resourceExhaustion.freeDiskPercent, p.conduct.resourceExhaustion.freeDiskMiB], ['1', 1024]],
    ['004 (no late penalty, no termination clause)', (p) => [p.dunning.latePenalty, p.dunning.termination], [null, null]],
  ];
  it.each(cases)('%s', (_clause, pick, expected) => {
    expect(pick(hostico)).toEqual(expected);
  });
});

describe('smartape preset carries every number of seed 003', () => {
  const cases: Case[] = [
    ['003 5.1 (due within 5 working days)', (p) => [p.invoicing.due.days, p.invoicing.due.basis], [5, 'working']],
    ['003 5.2 (payment date = funds received)', (p) => p.order.paymentRecognised?.at, 'funds_received'],
    ['003 4.3 (billed in euros)', (p) => p.currency.billing, 'EUR'],
    ['003 Annexes 2–7, 9 item 1.3 (activation within 1 working day)', (p) => [p.order.activation.shared_hosting?.workingDays, p.order.activation.vps?.workingDays, p.order.activation.dedicated_server?.workingDays, p.order.activation.colocation?.workingDays, p.order.activation.software_licence?.workingDays], [1, 1, 1, 1, 1]],
    ['003 Annex 1 1.7 (domains within 5 working days)', (p) => p.order.activation.domain?.workingDays, 5],
    ['003 Annex 11 4.3 (one-time 10-day VPS trial)', (p) => [p.order.freeTrial.vps?.days, p.order.freeTrial.vps?.oncePerCustomer], [10, true]],
    ['003 Annex 9 1.4 (licence trial up to 30 days)', (p) => p.order.freeTrial.software_licence?.days, 30],
    ['003 Annexes item 1.2 / 1.6 (1-month minimum period)', (p) => p.order.minimumPeriod.domain?.months, 1],
    ['003 2.2.5 (no grace)', (p) => p.dunning.grace?.days, 0],
    ['003 2.2.5 (termination 20 days from the invoice date, debt remains)', (p) => p.dunning.termination && [p.dunning.termination.days, p.dunning.termination.from, p.dunning.termination.debtRemains], [20, 'invoice_date', true]],
    ['003 7.9 (0.1 % per day)', (p) => p.dunning.latePenalty?.percentPerDay, '0.1'],
    ['003 7.10 (the penalty cures nothing else)', (p) => p.dunning.latePenalty?.curesOtherObligations, false],
    ['003 2.2.10 (suspended time is payable)', (p) => p.dunning.suspendedTimeBillable?.billable, true],
    ['003 11.4; 7.11 (unused minus the minimum period)', (p) => p.refund.method?.kind, 'unused_minus_minimum_period'],
    ['003 11.6 (14 days, consumers only)', (p) => [p.withdrawal?.days, p.withdrawal?.consumersOnly], [14, true]],
    ['003 11.6.2 (withdrawal exclusions)', (p) => p.withdrawal?.exclusions, ['custom_made', 'perishable', 'opened_software_or_media', 'unsealed_hygiene']],
    ['003 2.4.10 (10 working days notice to cancel)', (p) => [p.contract.customerCancellationNotice?.days, p.contract.customerCancellationNotice?.basis], [10, 'working']],
    ['003 2.4.9 (10 working days to change the number of services)', (p) => p.contract.serviceCountChangeNotice?.days, 10],
    ['003 11.1; 11.2 (1 year, renewed unless declared 30 days before)', (p) => p.contract.term?.kind === 'fixed' && [p.contract.term.months, p.contract.term.renewsAutomatically, p.contract.term.nonRenewalNoticeDays], [12, true, 30]],
    ['003 11.3 (1 month early termination notice)', (p) => p.contract.earlyTerminationNotice?.months, 1],
    ['003 2.2.8; Annexes 2–7 (notice within 3 days of a suspension)', (p) => p.conduct.violationSuspension?.noticeAfterHours, 72],
    ['003 Annex 10 §2; §5 (notice within 24 hours)', (p) => p.conduct.abuseBlockNotice?.hours, 24],
    ['003 7.5 (termination after 20 days unremedied)', (p) => p.conduct.violationTermination?.days, 20],
    ['003 Annex 10 §5 (unblocked within a day; no refund)', (p) => [p.conduct.unblockAfterProof?.days, p.refund.nonRefundable.violation?.never], [1, true]],
    ['003 Annex 10 §7 (5 working days, then notice within 3 days)', (p) => p.conduct.complaintResponse && [p.conduct.complaintResponse.days, p.conduct.complaintResponse.basis, p.conduct.complaintResponse.suspensionNoticeDays], [5, 'working', 3]],
    ['003 2.2.9 (3 calendar days, lifted in 3 working days, 10 calendar days to termination)', (p) => p.conduct.dataRequest && [p.conduct.dataRequest.restrictAfterDays, p.conduct.dataRequest.liftWithinWorkingDays, p.conduct.dataRequest.terminateAfterDays], [3, 3, 10]],
    ['003 (no deferral, no deletion, no credit limits)', (p) => [p.dunning.deferral, p.dunning.deletion, p.credit], [null, null, null]],
  ];
  it.each(cases)('%s', (_clause, pick, expected) => {
    expect(pick(smartape)).toEqual(expected);
  });
});

describe('secom preset carries the numbers of seed 000', () => {
  const cases: Case[] = [
    ['000 Refund policy (request within 3 days of the end of the work)', (p) => p.refund.method?.kind === 'after_end_of_work' && p.refund.method.requestWindowDays, 3],
    ['000 Refund policy (commissions, bonuses and discounts withheld)', (p) => [p.refund.deductions.paymentSystemCommission?.withheld, p.refund.deductions.returnCommission?.withheld, p.refund.deductions.bonusesAndDiscounts?.withheld], [true, true, true]],
    ['000 Refund policy (about 10 working days)', (p) => [p.refund.processingDeadline?.days, p.refund.processingDeadline?.basis], [10, 'working']],
    ['000 Refund policy (back to the paying card or WebMoney, same currency)', (p) => p.refund.destination?.to, 'paying_instrument_same_currency'],
    ['000 (the FAQ has no grace, suspension, penalty, termination or deletion)', (p) => [p.dunning.grace, p.dunning.suspension, p.dunning.latePenalty, p.dunning.termination, p.dunning.deletion], [null, null, null, null, null]],
    ['000 (currency not named: a marked hostcycle default)', (p) => [p.currency.billing, p.currency.clause], ['UAH', HOSTCYCLE_DEFAULT]],
  ];
  it.each(cases)('%s', (_clause, pick, expected) => {
    expect(pick(secom)).toEqual(expected);
  });
});

describe('every preset', () => {
  it.each(PRESET_NAMES)('%s cites the privacy-change notice of 14 days (002 §2.6)', (name) => {
    expect(getPreset(name).notices.privacyChange).toMatchObject({ days: 14, clause: '002 §2.6' });
  });

  it.each([
    ['hostico', 'Europe/Bucharest', 'RO'],
    ['smartape', 'Europe/Tallinn', 'EE'],
    ['secom', 'Europe/Kyiv', 'UA'],
  ])('%s runs on the calendar of %s, %s', (name, zone, country) => {
    expect(getPreset(name).calendar).toMatchObject({ timeZone: zone, country, weekendDays: [6, 7] });
  });

  it.each(PRESET_NAMES)('%s has a timed default outcome for every approval it has (ARCHITECTURE invariant 7)', (name) => {
    for (const approval of Object.values(getPreset(name).approvals)) {
      if (approval) expect(approval.timeout.days).toBeGreaterThan(0);
    }
  });

  it.each(PRESET_NAMES)('%s bounds activation where the contract sets no deadline by a marked hostcycle default rule', (name) => {
    expect(getPreset(name).order.activationFallback).toMatchObject({ workingDays: 1, clause: HOSTCYCLE_DEFAULT });
  });

  it('order review times out to reject, a deferral beyond the limit to deny, a refund to escalate (hostcycle default)', () => {
    expect([hostico.approvals.orderReview?.onTimeout, hostico.approvals.deferralBeyondLimit?.onTimeout, hostico.approvals.refund?.onTimeout]).toEqual([
      'reject',
      'deny',
      'escalate',
    ]);
  });
});

describe('getPreset', () => {
  it('throws UnknownPresetError naming the known presets', () => {
    expect(() => getPreset('godaddy')).toThrow(UnknownPresetError);
    expect(() => getPreset('godaddy')).toThrow(/hostico, smartape, secom/);
  });

  it('does not treat inherited object keys as presets', () => {
    expect(() => getPreset('toString')).toThrow(UnknownPresetError);
  });
});

describe('parsePolicy rejects an invalid preset naming the field', () => {
  const broken = (patch: (p: Record<string, any>) => void) => {
    const copy = structuredClone(hosticoInput) as Record<string, any>;
    patch(copy);
    return copy;
  };
  it.each([
    ['negative grace days', (p: Record<string, any>) => (p.dunning.grace.days = -1), 'dunning.grace.days'],
    ['fractional deferral days', (p: Record<string, any>) => (p.dunning.deferral.maxDaysFromDue = 1.5), 'dunning.deferral.maxDaysFromDue'],
    ['a rule without its clause', (p: Record<string, any>) => delete p.dunning.deletion.clause, 'dunning.deletion.clause'],
    ['an unknown time zone', (p: Record<string, any>) => (p.calendar.timeZone = 'Mars/Olympus'), 'calendar.timeZone'],
    ['an unknown currency', (p: Record<string, any>) => (p.currency.billing = 'XYZ'), 'currency.billing'],
    ['a country without holiday data', (p: Record<string, any>) => (p.calendar.country = 'QQ'), 'calendar.country'],
    ['a missing product kind in a per-kind rule', (p: Record<string, any>) => delete p.order.activation.vps, 'order.activation.vps'],
    ['negative credit limit', (p: Record<string, any>) => (p.credit.minTopUp.amount = -100), 'credit.minTopUp.amount'],
  ])('%s → %s', (_what, patch, field) => {
    try {
      parsePolicy(broken(patch));
      expect.unreachable('the preset should not validate');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).field).toBe(field);
    }
  });

  it('accepts the shipped preset unchanged', () => {
    expect(parsePolicy(structuredClone(hosticoInput)).name).toBe('hostico');
  });
});
