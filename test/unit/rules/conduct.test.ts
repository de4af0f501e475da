import { describe, expect, it } from 'vitest';
import { getPreset } from '../../../functions/domain/policy';
import {
  abuseBlockNoticeBy,
  complaintDeadline,
  dataRequestLiftBy,
  dataRequestTimeline,
  unblockBy,
  violationTimeline,
} from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const smartape = getPreset('smartape');
const secom = getPreset('secom');

describe('violations', () => {
  it('smartape notifies within 3 days of the suspension and may terminate 20 days after an unremedied violation (003 2.2.8; Annexes 2–7; 7.5)', () => {
    expect(violationTimeline(smartape, { violationAt: '2026-03-20T10:00:00+02:00', suspendedAt: '2026-03-20T11:00:00+02:00' })).toEqual({
      noticeBy: { at: '2026-03-23T09:00:00.000Z', clause: '003 2.2.8; Annexes 2–7' },
      terminationFrom: { at: '2026-04-09T20:59:59.999Z', scope: 'unremedied_violation', clause: '003 7.5' },
    });
  });
  it('hostico suspends without notice and may terminate for spam at once (004 X. Politika vsebine; XI. Politika uporabe)', () => {
    expect(violationTimeline(hostico, { violationAt: '2026-03-20T10:00:00+02:00', suspendedAt: '2026-03-20T10:05:00+02:00' })).toEqual({
      noticeBy: null,
      terminationFrom: { at: '2026-03-20T08:00:00.000Z', scope: 'spam', clause: '004 XI. Politika uporabe' },
    });
  });
  it('smartape notifies an abuse block within 24 hours, even across the DST change (003 Annex 10 §2; §5)', () => {
    expect(abuseBlockNoticeBy(smartape, '2026-03-28T12:00:00+02:00')?.at).toBe('2026-03-29T10:00:00.000Z');
  });
  it('smartape lifts a block within a day of proof (003 Annex 10 §5)', () => {
    expect(unblockBy(smartape, '2026-03-02T12:00:00+02:00')?.at).toBe('2026-03-03T10:00:00.000Z');
  });
  it('secom has no conduct rules', () => {
    expect(violationTimeline(secom, { violationAt: '2026-03-20T10:00:00Z', suspendedAt: '2026-03-20T10:00:00Z' })).toEqual({ noticeBy: null, terminationFrom: null });
  });
});

describe('third-party complaints', () => {
  it('hostico: answer within 5 days (004 X. Politika vsebine)', () => {
    expect(complaintDeadline(hostico, '2026-12-01T10:00:00+02:00')).toEqual({
      respondBy: { at: '2026-12-06T21:59:59.999Z', clause: '004 X. Politika vsebine' },
      suspensionNoticeDays: null,
    });
  });
  it('smartape: 5 working days, skipping Independence Day, then suspension with notice within 3 days (003 Annex 10 §7)', () => {
    expect(complaintDeadline(smartape, '2026-02-20T10:00:00+02:00')).toEqual({
      respondBy: { at: '2026-03-02T21:59:59.999Z', clause: '003 Annex 10 §7' },
      suspensionNoticeDays: 3,
    });
  });
});

describe('doubtful customer data (003 2.2.9)', () => {
  it('restricts after 3 calendar days and allows termination after 10', () => {
    expect(dataRequestTimeline(smartape, '2026-12-01T10:00:00+02:00')).toEqual({
      restrictFrom: { at: '2026-12-04T21:59:59.999Z', clause: '003 2.2.9' },
      terminateFrom: { at: '2026-12-11T21:59:59.999Z', clause: '003 2.2.9' },
    });
  });
  it('lifts restrictions within 3 working days of the answer, skipping 24–27 Dec', () => {
    expect(dataRequestLiftBy(smartape, '2026-12-23T10:00:00+02:00')?.at).toBe('2026-12-30T21:59:59.999Z');
  });
  it('hostico has no data-request rule', () => {
    expect(dataRequestTimeline(hostico, '2026-12-01T10:00:00+02:00')).toBeNull();
  });
});
