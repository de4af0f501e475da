/**
 * A fake of the domain layer (which does not exist yet): every action records what it was called with
 * and answers with a canned result that a test may replace.
 */
import type { DecisionResult, HostcycleActions } from '../../../functions/http/routes';

export type ActionName = keyof HostcycleActions;

export interface FakeDomainActions {
  actions: HostcycleActions;
  calls: Array<{ action: ActionName; input: unknown }>;
  callsOf(action: ActionName): unknown[];
  /** Replaces an action's behaviour; the call is still recorded. */
  override<K extends ActionName>(action: K, impl: HostcycleActions[K]): void;
}

export const DECIDED: DecisionResult = {
  outcome: 'decided',
  approval: {
    approvalId: 'apr-1',
    status: 'approved',
    decidedBy: { staffId: 'staff-ana' },
    decidedAt: '2026-11-22T09:00:00Z',
    reason: 'known customer',
  },
};

export function fakeDomainActions(): FakeDomainActions {
  const calls: FakeDomainActions['calls'] = [];
  const defaults: HostcycleActions = {
    placeOrder: async (e) => ({ entity: 'order', entityId: e.data.orderId, execution: `order-${e.data.orderId}` }),
    recordPayment: async (e) => ({ entity: 'payment', entityId: e.data.paymentId }),
    requestRefund: async (e) => ({ entity: 'refund', entityId: e.data.refundRequestId }),
    requestWithdrawal: async (e) => ({ entity: 'withdrawal', entityId: e.data.withdrawalRequestId }),
    requestDeferral: async (e) => ({ entity: 'deferral', entityId: e.data.deferralRequestId }),
    recordProvisioningResult: async (e) => ({ entity: 'provisioning_command', entityId: e.data.commandId }),
    listPendingApprovals: async () => ({ items: [], nextCursor: null }),
    decideApproval: async () => DECIDED,
    customerTimeline: async (q) => ({ customerId: q.customerId, entries: [], nextCursor: null }),
    listUndeliverableNotifications: async () => ({ items: [], nextCursor: null }),
    resendNotification: async (c) => ({
      outcome: 'sent',
      notification: {
        notificationId: c.notificationId,
        status: 'sent',
        to: 'new@example.si',
        previousTo: 'old@example.si',
        messageId: 'msg-1',
        resentBy: c.decidedBy,
        resentAt: '2026-11-22T09:00:00Z',
        reason: c.reason,
      },
    }),
  };
  const impls: Record<string, (input: never) => Promise<unknown>> = { ...defaults };
  const actions = Object.fromEntries(
    (Object.keys(defaults) as ActionName[]).map((name) => [
      name,
      async (input: never) => {
        calls.push({ action: name, input });
        return impls[name]!(input);
      },
    ]),
  ) as unknown as HostcycleActions;
  return {
    actions,
    calls,
    callsOf: (action) => calls.filter((c) => c.action === action).map((c) => c.input),
    override: (action, impl) => {
      impls[action] = impl as (input: never) => Promise<unknown>;
    },
  };
}
