/**
 * Suspension for reasons other than non-payment (POLICY-RULES §6): the notice a provider owes after
 * suspending for a violation, when an unremedied violation allows termination, how long a customer
 * has to answer a complaint or a data request, and how fast a block is lifted.
 */
import { z } from 'zod';
import { addBusinessDays, addCalendarDays, addHours, compareInstants, endOfLocalDay } from '../calendar';
import { ValidationError } from '../errors';
import type { Policy } from '../policy/schema';
import { instantSchema, parseInput, type TimedRule } from './common';

const violationInputSchema = z.object({ violationAt: instantSchema, suspendedAt: instantSchema });

export interface ViolationTimeline {
  /** The latest the customer must be told of the suspension; null where the contract owes no notice. */
  noticeBy: TimedRule | null;
  /** From when the provider may terminate; null where the contract gives no such right. */
  terminationFrom: (TimedRule & { scope: 'spam' | 'unremedied_violation' }) | null;
}

export function violationTimeline(policy: Policy, input: z.input<typeof violationInputSchema>): ViolationTimeline {
  const { violationAt, suspendedAt } = parseInput(violationInputSchema, input);
  if (compareInstants(suspendedAt, violationAt) < 0) throw new ValidationError('suspendedAt', 'is before violationAt');
  const { violationSuspension, violationTermination } = policy.conduct;
  const cal = policy.calendar;
  const notice = violationSuspension?.noticeAfterHours ?? null;
  return {
    noticeBy: violationSuspension && notice !== null ? { at: addHours(suspendedAt, notice), clause: violationSuspension.clause } : null,
    terminationFrom: violationTermination
      ? {
          // A zero-day rule (hostico spam, 004 XI) allows termination at once; otherwise the customer has the whole last day to remedy.
          at: violationTermination.days === 0 ? violationAt : endOfLocalDay(cal, addCalendarDays(cal, violationAt, violationTermination.days)),
          scope: violationTermination.scope,
          clause: violationTermination.clause,
        }
      : null,
  };
}

/** The latest an abuse block must be notified (smartape 003 Annex 10 §2, §5). */
export function abuseBlockNoticeBy(policy: Policy, blockedAt: string | Date): TimedRule | null {
  const at = parseInput(instantSchema, blockedAt);
  const rule = policy.conduct.abuseBlockNotice;
  return rule ? { at: addHours(at, rule.hours), clause: rule.clause } : null;
}

/** The latest a block is lifted after proof that the violation is removed (smartape 003 Annex 10 §5). */
export function unblockBy(policy: Policy, proofAt: string | Date): TimedRule | null {
  const at = parseInput(instantSchema, proofAt);
  const rule = policy.conduct.unblockAfterProof;
  return rule ? { at: addCalendarDays(policy.calendar, at, rule.days), clause: rule.clause } : null;
}

export interface ComplaintDeadline {
  /** The end of the last local day the customer has to act on a third-party complaint. */
  respondBy: TimedRule;
  /** Days the provider has to notify a suspension that follows; null where the contract sets none. */
  suspensionNoticeDays: number | null;
}

export function complaintDeadline(policy: Policy, notifiedAt: string | Date): ComplaintDeadline | null {
  const at = parseInput(instantSchema, notifiedAt);
  const rule = policy.conduct.complaintResponse;
  if (!rule) return null;
  const cal = policy.calendar;
  const day = rule.basis === 'working' ? addBusinessDays(cal, at, rule.days) : addCalendarDays(cal, at, rule.days);
  return { respondBy: { at: endOfLocalDay(cal, day), clause: rule.clause }, suspensionNoticeDays: rule.suspensionNoticeDays };
}

export interface DataRequestTimeline {
  /** Unanswered by then: new orders and renewals may be refused and services suspended. */
  restrictFrom: TimedRule;
  /** Unanswered by then: the contract may be terminated. */
  terminateFrom: TimedRule;
}

/** Deadlines after the first request to confirm doubtful customer data (smartape 003 2.2.9). */
export function dataRequestTimeline(policy: Policy, firstRequestAt: string | Date): DataRequestTimeline | null {
  const at = parseInput(instantSchema, firstRequestAt);
  const rule = policy.conduct.dataRequest;
  if (!rule) return null;
  const cal = policy.calendar;
  return {
    restrictFrom: { at: endOfLocalDay(cal, addCalendarDays(cal, at, rule.restrictAfterDays)), clause: rule.clause },
    terminateFrom: { at: endOfLocalDay(cal, addCalendarDays(cal, at, rule.terminateAfterDays)), clause: rule.clause },
  };
}

/** The latest restrictions are lifted after the customer answers a data request (smartape 003 2.2.9). */
export function dataRequestLiftBy(policy: Policy, answeredAt: string | Date): TimedRule | null {
  const at = parseInput(instantSchema, answeredAt);
  const rule = policy.conduct.dataRequest;
  if (!rule) return null;
  const cal = policy.calendar;
  return { at: endOfLocalDay(cal, addBusinessDays(cal, at, rule.liftWithinWorkingDays)), clause: rule.clause };
}
