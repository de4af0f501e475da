/**
 * A restart of the local runtime on the same engine data directory resumes the open executions: a
 * workflow waiting for a staff decision before the restart is resumed by a decision made after it, and
 * one waiting for its timeout times out on the new process's clock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { EngineClock } from '../../infra/local/engine';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime';
import { startSesLocal, type SesLocal } from '../../infra/local/ses-local';
import { approvalWorkflow, createCustomer, refundContext, START } from './fixtures';

let ses: SesLocal;
let dir: string;
const tableName = `hostcycle-restart-${randomUUID().slice(0, 8)}`;
const quiet = { info: () => undefined, warn: () => undefined, error: console.error };

beforeAll(async () => {
  ses = await startSesLocal();
  dir = mkdtempSync(join(tmpdir(), 'hostcycle-restart-'));
  writeFileSync(join(dir, 'refund.asl.json'), approvalWorkflow());
});
afterAll(async () => {
  await ses.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(at: string): Promise<LocalRuntime> {
  return startLocalRuntime({
    preset: 'hostico',
    clock: new EngineClock({ mode: 'virtual', start: at }),
    dynamodb: { endpoint: inject('dynamoEndpoint'), tableName },
    ses,
    engineDataDir: join(dir, 'engine'),
    workflowsDir: dir,
    billingRun: false,
    log: quiet,
  });
}

describe('restarting the local runtime on the same data directory', () => {
  it('resumes a waiting execution with a decision made after the restart, and times out another on the new clock', async () => {
    const before = await start(START);
    await createCustomer(before.repo, 'C-1');
    const deadline = (hours: number) => new Date(Date.parse(START) + hours * 3_600_000).toISOString();
    await before.deps.workflows.start('refund', 'R-decided', { approvalId: 'A-decided', customerId: 'C-1', context: refundContext, deadline: deadline(48) });
    await before.deps.workflows.start('refund', 'R-timeout', { approvalId: 'A-timeout', customerId: 'C-1', context: refundContext, deadline: deadline(24) });
    await before.sfn.whenIdle();
    await before.stop();

    const after = await start(deadline(1));
    try {
      expect(await after.deps.workflows.describe('refund', 'R-decided')).toMatchObject({ status: 'RUNNING', currentState: 'WaitForStaffDecision' });

      const res = await fetch(`${after.urls.api}/staff/approvals/A-decided/decision`, {
        method: 'POST',
        headers: { authorization: `Bearer ${after.staffToken('staff-ana')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approve', reason: 'checked after the restart' }),
      });
      expect(res.status).toBe(200);
      await after.advance('1d');

      const decided = await after.sfn.describeExecution({ executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:refund:R-decided' });
      expect(decided.status).toBe('SUCCEEDED');
      expect(JSON.parse(decided.output ?? '{}')).toEqual({ outcome: 'approved', decidedBy: 'staff-ana', reason: 'checked after the restart' });
      const timedOut = await after.sfn.describeExecution({ executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:refund:R-timeout' });
      expect(timedOut.status).toBe('SUCCEEDED');
      expect(JSON.parse(timedOut.output ?? '{}')).toMatchObject({ outcome: 'rejected', decidedBy: 'system' });
      expect(timedOut.stopDate?.toISOString()).toBe(deadline(24));
    } finally {
      await after.stop();
    }
  });
});
