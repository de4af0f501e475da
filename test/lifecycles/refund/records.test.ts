/**
 * The timing helpers of the refund lifecycle, without AWS: when staff are alerted, when an escalated
 * approval defaults, and which billing period a request falls in.
 */
import { describe, expect, it } from 'vitest';
import type { Service } from '../../../functions/domain/model';
import { getPreset } from '../../../functions/domain/policy';
import { refundProcessingDeadline } from '../../../functions/domain/rules';
import { approvalPlan, deadlineMarks, periodAt } from '../../../functions/lifecycles/refund/records';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');

describe('deadlineMarks', () => {
  it('alerts at the start of the working day before the deadline, skipping the weekend (hostico, Bucharest)', () => {
    // Requested Monday 9 February 2026: the 15th working day is Monday 2 March.
    const deadline = refundProcessingDeadline(hostico, '2026-02-09T13:00:00Z')?.at ?? '';
    expect(deadline).toBe('2026-03-02T21:59:59.999Z');
    expect(deadlineMarks(hostico, deadline)).toEqual({ alertAt: '2026-02-26T22:00:00.000Z', lastDayStarts: '2026-03-01T22:00:00.000Z' });
  });
});

describe('approvalPlan', () => {
  it('escalates a hostico refund after 5 working days and lets the escalation default when the deadline day begins', () => {
    const rule = hostico.approvals.refund;
    if (rule === null) throw new Error('hostico has a refund approval rule');
    const plan = approvalPlan(rule, '2026-02-09T13:00:00Z', hostico, '2026-03-02T21:59:59.999Z');
    expect(plan).toEqual({
      deadline: '2026-02-16T21:59:59.999Z',
      defaultOutcome: 'approved',
      escalation: { deadline: '2026-03-01T22:00:00.000Z', defaultOutcome: 'approved' },
    });
  });

  it('gives an escalation without a processing deadline the same time again (smartape refunds)', () => {
    const rule = smartape.approvals.refund;
    if (rule === null) throw new Error('smartape has a refund approval rule');
    // Thursday 12 March → Thursday 19 March → Thursday 26 March, 5 Estonian working days each.
    expect(approvalPlan(rule, '2026-03-12T09:00:00Z', smartape, null)).toMatchObject({
      deadline: '2026-03-19T21:59:59.999Z',
      escalation: { deadline: '2026-03-26T21:59:59.999Z' },
    });
  });

  it('applies an approve rule directly, with no escalation (smartape withdrawals)', () => {
    const rule = smartape.approvals.withdrawal;
    if (rule === null) throw new Error('smartape has a withdrawal approval rule');
    expect(approvalPlan(rule, '2026-03-12T09:00:00Z', smartape, null)).toEqual({ deadline: '2026-03-19T21:59:59.999Z', defaultOutcome: 'approved', escalation: null });
  });
});

describe('periodAt', () => {
  const service = (billingCycle: Service['billingCycle']) => ({ id: 'S-1', billingCycle, activatedAt: '2026-01-31T10:00:00Z' }) as Service;

  it('finds the billing period a request falls in, counted from activation', () => {
    expect(periodAt(hostico, service('monthly'), '2026-03-15T10:00:00Z')).toEqual({ start: '2026-02-28T10:00:00.000Z', end: '2026-03-31T09:00:00.000Z' });
    expect(periodAt(hostico, service('annual'), '2026-03-15T10:00:00Z')).toEqual({ start: '2026-01-31T10:00:00.000Z', end: '2027-01-31T10:00:00.000Z' });
  });

  it('gives a one-time charge a one-day period, so nothing of it remains', () => {
    expect(periodAt(hostico, service('one_time'), '2026-03-15T10:00:00Z')).toEqual({ start: '2026-01-31T10:00:00Z', end: '2026-02-01T10:00:00.000Z' });
  });
});
