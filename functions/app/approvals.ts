/**
 * Staff approvals (ARCHITECTURE.md invariant 7) over the repository's approval entity, the task-token
 * store and the Step Functions API.
 *
 * The approval record is the truth; the token only wakes the workflow up. Every path ends in one
 * conditional transition out of `pending`, so a staff decision and the wait's timeout cannot both win:
 *
 *  - staff decide first → the token resumes the wait with the decision; if the wait timed out a moment
 *    earlier, its ResolveApprovalTimeout step reads the decision from the record and applies it;
 *  - the timeout resolves first → the staff decision loses the conditional write: ApprovalClosedError (409).
 *
 * What the workflow receives, from a decision and from a timeout alike, is an `ApprovalResolution`.
 */
import type { Clock } from '../domain/clock';
import { StaleStateError } from '../domain/errors';
import type { Approval } from '../domain/model';
import type { Repository } from '../data/repository';
import { AlreadyExistsError } from '../data/errors';
import { ApprovalClosedError, TaskNoLongerWaitingError } from './errors';
import type { Approvals, TaskTokens, Workflows } from './ports';

/** The output of the approval wait: `{ outcome, decidedBy, reason }`; a timeout is decided by `system`. */
export interface ApprovalResolution {
  outcome: 'approved' | 'rejected';
  decidedBy: string;
  reason: string;
}

/** The decider of a timed-out approval, as the workflow and the timeline show it. */
export const TIMEOUT_DECIDER = 'system';

export const approvalTokenKey = (approvalId: string) => `approval#${approvalId}`;

export interface ApprovalsDeps {
  repo: Repository;
  tokens: TaskTokens;
  workflows: Workflows;
  clock: Clock;
  logger?: Pick<Console, 'warn'>;
}

/** The decision a closed approval stands for; a timed-out one stands for its default outcome. */
export function resolutionOf(approval: Approval): ApprovalResolution {
  if (approval.state === 'approved' || approval.state === 'rejected') {
    return { outcome: approval.state, decidedBy: approval.decidedBy ?? TIMEOUT_DECIDER, reason: approval.reason ?? '' };
  }
  return {
    outcome: approval.defaultOutcome,
    decidedBy: TIMEOUT_DECIDER,
    reason: approval.reason ?? `nobody decided before ${approval.deadline}; the default outcome applies`,
  };
}

export function createApprovals(deps: ApprovalsDeps): Approvals {
  const { repo, tokens, workflows, clock, logger = console } = deps;

  /** Wakes the waiting step, if one still waits. A workflow that moved on re-reads the record instead. */
  async function resume(approval: Approval): Promise<void> {
    const key = approvalTokenKey(approval.id);
    const token = await tokens.get(key);
    if (token === undefined) return;
    try {
      await workflows.sendTaskSuccess(token, resolutionOf(approval));
    } catch (error) {
      if (!(error instanceof TaskNoLongerWaitingError)) throw error;
      logger.warn(`approval ${approval.id}: the waiting step had moved on (${error.reason}); it reads the ${approval.state} record when it resolves its timeout`);
    }
    await tokens.delete(key);
  }

  async function closeAsTimedOut(approval: Approval): Promise<Approval> {
    const at = clock.now().toISOString();
    const reason = `nobody decided before ${approval.deadline}; the default outcome (${approval.defaultOutcome}) applies`;
    return repo.transition('approval', approval.id, {
      expectedState: 'pending',
      expectedVersion: approval.version,
      to: 'timed_out',
      patch: { decidedAt: at, reason },
      audit: { actor: { type: 'system', id: 'approval-timeout' }, rule: 'approval.timeout-default', details: { defaultOutcome: approval.defaultOutcome, deadline: approval.deadline } },
    });
  }

  return {
    async request(input) {
      let approval: Approval;
      try {
        approval = await repo.create(
          'approval',
          {
            id: input.approvalId,
            state: 'pending',
            kind: input.kind,
            customerId: input.customerId,
            context: input.context,
            deadline: input.deadline,
            defaultOutcome: input.defaultOutcome,
          },
          { actor: { type: 'system', id: input.executionName ?? 'workflow' }, rule: 'approval.request', details: { kind: input.kind, summary: input.context.summary } },
        );
      } catch (error) {
        // A retried step (or a repeated wait) asks again: the first request stands.
        if (!(error instanceof AlreadyExistsError)) throw error;
        approval = await repo.get('approval', input.approvalId);
      }
      await tokens.put(approvalTokenKey(approval.id), input.taskToken, {
        executionName: input.executionName ?? `${approval.context.subject.type}#${approval.context.subject.id}`,
        expiresAt: approval.deadline,
      });
      // Decided before this wait began (the step was retried after staff acted): answer it at once.
      if (approval.state !== 'pending') await resume(approval);
      return approval;
    },

    async decide({ approvalId, decision, reason, decidedBy }) {
      const current = await repo.get('approval', approvalId);
      if (current.state !== 'pending') throw new ApprovalClosedError(current);
      let decided: Approval;
      try {
        decided = await repo.transition('approval', approvalId, {
          expectedState: 'pending',
          expectedVersion: current.version,
          to: decision === 'approve' ? 'approved' : 'rejected',
          patch: { decidedBy, decidedAt: clock.now().toISOString(), reason },
          audit: { actor: { type: 'staff', id: decidedBy }, rule: 'approval.staff-decision', details: { decision, reason } },
        });
      } catch (error) {
        if (!(error instanceof StaleStateError)) throw error;
        const closed = await repo.get('approval', approvalId);
        if (closed.state === 'pending') throw error;
        throw new ApprovalClosedError(closed);
      }
      // Should the Step Functions call fail here (a network fault), the decision stays recorded and the
      // error reaches staff as a 500; the workflow still gets the decision, at the latest when its wait
      // times out and ResolveApprovalTimeout reads the record.
      await resume(decided);
      return decided;
    },

    async resolveTimeout(approvalId) {
      let approval = await repo.get('approval', approvalId);
      if (approval.state === 'pending') {
        try {
          approval = await closeAsTimedOut(approval);
        } catch (error) {
          // Staff decided in the same instant: their decision is the one that was written.
          if (!(error instanceof StaleStateError)) throw error;
          approval = await repo.get('approval', approvalId);
        }
      }
      await tokens.delete(approvalTokenKey(approvalId));
      return { outcome: resolutionOf(approval).outcome, approval };
    },

    listPending: () => repo.pendingApprovals(),
  };
}
