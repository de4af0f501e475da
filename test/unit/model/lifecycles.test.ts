import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../functions/domain/errors';
import {
  LIFECYCLES,
  assertTransition,
  canTransition,
  initialState,
  nextStates,
  statesOf,
  terminalStates,
  type LifecycleEntity,
} from '../../../functions/domain/model';

const entities = Object.keys(LIFECYCLES) as LifecycleEntity[];
const edges = entities.flatMap((entity) =>
  statesOf(entity).flatMap((from) => nextStates(entity, from).map((to) => [entity, from, to] as const)),
);

function reachableFrom(entity: LifecycleEntity, start: string): Set<string> {
  const seen = new Set([start]);
  const queue = [start];
  for (let state = queue.shift(); state !== undefined; state = queue.shift()) {
    for (const next of nextStates(entity, state)) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('lifecycle tables', () => {
  it.each(edges)('%s: %s → %s is allowed', (entity, from, to) => {
    expect(canTransition(entity, from, to)).toBe(true);
    expect(() => assertTransition(entity, from, to)).not.toThrow();
  });

  it.each([
    ['invoice', 'draft', 'paid'],
    ['invoice', 'paid', 'overdue'],
    ['invoice', 'cancelled', 'issued'],
    ['invoice', 'overdue', 'partially_paid'],
    ['invoice', 'issued', 'draft'],
    ['service', 'pending', 'suspended'],
    ['service', 'deleted', 'active'],
    ['service', 'terminated', 'active'],
    ['service', 'active', 'deleted'],
    ['service', 'cancelled', 'active'],
    ['order', 'received', 'paid'],
    ['order', 'rejected', 'in_review'],
    ['order', 'fulfilled', 'cancelled'],
    ['refund', 'requested', 'completed'],
    ['refund', 'rejected', 'approved'],
    ['refund', 'completed', 'failed'],
    ['withdrawal', 'requested', 'completed'],
    ['withdrawal', 'rejected', 'accepted'],
    ['deferral', 'requested', 'approved'],
    ['deferral', 'rejected', 'granted'],
    ['deferral', 'expired', 'granted'],
    ['approval', 'approved', 'rejected'],
    ['approval', 'timed_out', 'approved'],
    ['approval', 'rejected', 'pending'],
    ['notification', 'sent', 'queued'],
    ['notification', 'delivered', 'sent'],
    ['sideEffect', 'completed', 'claimed'],
    ['customer', 'closed', 'active'],
  ] as const)('%s: %s → %s throws IllegalTransitionError', (entity, from, to) => {
    expect(canTransition(entity, from, to)).toBe(false);
    expect(() => assertTransition(entity, from, to)).toThrow(IllegalTransitionError);
    expect(() => assertTransition(entity, from, to)).toThrow(`${entity}: transition ${from} → ${to} is not allowed`);
  });

  it.each(entities)('%s: no state transitions to itself', (entity) => {
    for (const state of statesOf(entity)) expect(canTransition(entity, state, state)).toBe(false);
  });

  it('refuses states that do not exist, and names inherited from Object', () => {
    expect(canTransition('invoice', 'issued', 'refunded')).toBe(false);
    expect(canTransition('invoice', 'unknown', 'issued')).toBe(false);
    expect(canTransition('invoice', 'constructor', 'issued')).toBe(false);
    expect(canTransition('invoice', 'issued', 'toString')).toBe(false);
    expect(() => assertTransition('service', 'hasOwnProperty', 'active')).toThrow(IllegalTransitionError);
  });

  it.each(entities)('%s: every state is reachable from the initial state', (entity) => {
    expect([...reachableFrom(entity, initialState(entity))].sort()).toEqual([...statesOf(entity)].sort());
  });

  it.each([
    ['customer', 'active', ['closed']],
    ['order', 'received', ['cancelled', 'fulfilled', 'rejected']],
    ['service', 'pending', ['deleted']],
    ['invoice', 'draft', ['cancelled', 'paid']],
    ['refund', 'requested', ['completed', 'rejected']],
    ['withdrawal', 'requested', ['completed', 'rejected']],
    ['deferral', 'requested', ['expired', 'rejected']],
    ['approval', 'pending', ['approved', 'rejected', 'timed_out']],
    ['notification', 'queued', ['bounced', 'cancelled', 'delivered']],
    ['sideEffect', 'claimed', ['completed']],
  ] as const)('%s starts %s and ends only in %j', (entity, initial, terminal) => {
    expect(initialState(entity)).toBe(initial);
    expect(terminalStates(entity).sort()).toEqual([...terminal]);
  });

  it.each(entities)('%s: terminal states have no exits', (entity) => {
    for (const terminal of terminalStates(entity)) {
      for (const to of statesOf(entity)) expect(() => assertTransition(entity, terminal, to)).toThrow(IllegalTransitionError);
    }
  });

  it.each(entities)('%s: every state can still reach a terminal state', (entity) => {
    const terminal = terminalStates(entity);
    for (const state of statesOf(entity)) {
      expect([...reachableFrom(entity, state)].some((s) => terminal.includes(s as never))).toBe(true);
    }
  });

  describe('the dunning edges of POLICY-RULES §2 and §6', () => {
    it('a hostico service is deleted straight from suspension after 30 days unpaid (IV. Neplačilo)', () => {
      expect(canTransition('service', 'suspended', 'deleted')).toBe(true);
    });

    it('a smartape service is terminated from suspension after 20 days, or at once for a violation (2.2.5, 7.5)', () => {
      expect(canTransition('service', 'suspended', 'terminated')).toBe(true);
      expect(canTransition('service', 'active', 'terminated')).toBe(true);
    });

    it('a suspended service comes back only to active, and a terminated one never does', () => {
      expect(nextStates('service', 'suspended')).toContain('active');
      expect(reachableFrom('service', 'terminated').has('active')).toBe(false);
    });

    it('an overdue invoice can still be paid, and a paid one is never overdue', () => {
      expect(canTransition('invoice', 'overdue', 'paid')).toBe(true);
      expect(reachableFrom('invoice', 'paid').has('overdue')).toBe(false);
    });

    it('a deferral beyond the policy limit goes through staff, whose timeout resolves to approved or rejected', () => {
      expect(nextStates('deferral', 'requested')).toEqual(['granted', 'needs_staff', 'rejected']);
      expect(nextStates('deferral', 'needs_staff')).toEqual(['approved', 'rejected']);
    });
  });
});
