/**
 * Payment deferral (hostico IV. Preložitev…): up to 14 days from the due date it is granted at once and
 * moves the suspension to the end of the deferred day; beyond that staff decide, and if they reject or do
 * not answer within 2 working days the 14-day limit stands. smartape and secom offer no deferral.
 * Hostico's invoice is issued on Monday 2 March 2026 and falls due on Monday 16 March.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execution, invoiceScenario, letters, requestDeferral, stateOf, type Scenario } from './support';

const START = '2026-03-02T09:00:00Z';
let s: Scenario | undefined;
afterEach(async () => {
  await s?.rt.stop();
  s = undefined;
});

const suspendedOn = async (sc: Scenario) => (await letters(sc)).filter((l) => l.template === 'service_suspended').map((l) => l.day);
const deferralOf = async (sc: Scenario) => {
  const timeline = await sc.rt.repo.customerTimeline(sc.customerId);
  const found = timeline.find((e) => e.type === 'deferral');
  if (found?.type !== 'deferral') throw new Error('no deferral recorded');
  return sc.rt.repo.get('deferral', found.record.id);
};

describe('hostico: a deferral within 14 days of the due date', () => {
  it('is granted at once and the suspension moves to the end of the deferred day', async () => {
    s = await invoiceScenario({ preset: 'hostico', start: START });
    await s.rt.advance('17d'); // Thursday 19 March
    await requestDeferral(s, '2026-03-26');
    expect(await deferralOf(s)).toMatchObject({ state: 'granted', grantedUntil: '2026-03-26' });

    await s.rt.advance('6d'); // 25 March: without the deferral the service would be suspended since the 24th
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('active');
    await s.rt.advance('2d');
    expect(await stateOf(s, 'service', s.serviceIds[0]!)).toBe('suspended');
    expect(await suspendedOn(s)).toEqual(['2026-03-27']);
    expect((await s.rt.deps.approvals.listPending()).filter((a) => a.customerId === s?.customerId)).toEqual([]);
  });
});

describe('hostico: a deferral beyond 14 days goes to staff', () => {
  async function beyondLimit() {
    const sc = await invoiceScenario({ preset: 'hostico', start: START });
    s = sc;
    await sc.rt.advance('16d'); // Wednesday 18 March
    await requestDeferral(sc, '2026-04-05');
    const deferral = await deferralOf(sc);
    expect(deferral).toMatchObject({ state: 'needs_staff', approvalId: `deferral-${deferral.id}` });
    const pending = await sc.rt.deps.approvals.listPending();
    expect(pending.map((a) => [a.id, a.kind, a.defaultOutcome])).toContainEqual([`deferral-${deferral.id}`, 'deferral', 'rejected']);
    expect((await execution(sc)).states).toContain('RequestDeferralApproval');
    return { sc, approvalId: `deferral-${deferral.id}` };
  }

  it('approved: the requested day stands and the suspension follows it', async () => {
    const { sc, approvalId } = await beyondLimit();
    const answer = await sc.rt.staff(`/staff/approvals/${approvalId}/decision`, { method: 'POST', body: { decision: 'approve', reason: 'long-standing customer, salary delayed' } });
    expect(answer.status).toBe(200);
    await sc.rt.advance('0s');
    expect(await deferralOf(sc)).toMatchObject({ state: 'approved', grantedUntil: '2026-04-05' });

    await sc.rt.advance('30d');
    expect(await suspendedOn(sc)).toEqual(['2026-04-06']);
  });

  it('rejected: the 14-day limit stands (suspension as 30 March ends)', async () => {
    const { sc, approvalId } = await beyondLimit();
    const answer = await sc.rt.staff(`/staff/approvals/${approvalId}/decision`, { method: 'POST', body: { decision: 'reject', reason: 'third deferral this year' } });
    expect(answer.status).toBe(200);
    await sc.rt.advance('0s');
    expect(await deferralOf(sc)).toMatchObject({ state: 'rejected', grantedUntil: '2026-03-30' });

    await sc.rt.advance('30d');
    expect(await suspendedOn(sc)).toEqual(['2026-03-31']);
  });

  it('timed out after 2 working days: the default (deny) applies and a late decision answers 409', async () => {
    const { sc, approvalId } = await beyondLimit();
    await sc.rt.advance('3d'); // past Friday 20 March
    expect(await sc.rt.repo.get('approval', approvalId)).toMatchObject({ state: 'timed_out' });
    expect(await deferralOf(sc)).toMatchObject({ state: 'rejected', grantedUntil: '2026-03-30' });
    const late = await sc.rt.staff(`/staff/approvals/${approvalId}/decision`, { method: 'POST', body: { decision: 'approve', reason: 'too late now' } });
    expect(late.status).toBe(409);

    await sc.rt.advance('30d');
    expect(await suspendedOn(sc)).toEqual(['2026-03-31']);
    expect((await execution(sc)).states).toContain('ResolveDeferralApprovalTimeout');
  });
});

describe.each(['smartape', 'secom'] as const)('%s: no payment deferral in the contract', (preset) => {
  it('records the request as rejected and the timeline does not move', async () => {
    s = await invoiceScenario({ preset, start: START });
    await s.rt.advance('3d');
    await requestDeferral(s, '2026-03-12');
    expect(await deferralOf(s)).toMatchObject({ state: 'rejected' });
    await s.rt.advance('50d');
    const overdue = (await letters(s)).find((l) => l.id.endsWith('#overdue'));
    expect(overdue?.day).toBe(preset === 'smartape' ? '2026-03-10' : '2026-03-11');
  });
});
