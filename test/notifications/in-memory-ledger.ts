/**
 * The SideEffectLedger contract (functions/notifications/ports.ts) kept in a Map, for tests only; the
 * DynamoDB implementation must pass the same behaviour.
 */
import type {
  ClaimDetails,
  ClaimOutcome,
  ResendClaimOutcome,
  ResendDecision,
  SideEffectFailure,
  SideEffectLedger,
  SideEffectResult,
  UndeliverableNotification,
} from '../../functions/notifications/ports';

export type LedgerRecord =
  | { state: 'in_progress'; details: ClaimDetails }
  | { state: 'done'; details: ClaimDetails; result: SideEffectResult }
  | { state: 'released'; details: ClaimDetails; error: SideEffectFailure }
  | { state: 'undeliverable'; details: ClaimDetails; error: SideEffectFailure };

export class InMemoryLedger implements SideEffectLedger {
  readonly records = new Map<string, LedgerRecord>();

  async begin(id: string, details: ClaimDetails): Promise<ClaimOutcome> {
    const record = this.records.get(id);
    if (record?.state === 'done') return 'done';
    if (record?.state === 'undeliverable') return 'undeliverable';
    if (record?.state === 'in_progress' && Date.parse(record.details.leaseExpiresAt) > Date.parse(details.claimedAt)) return 'in_progress';
    this.records.set(id, { state: 'in_progress', details });
    return 'claimed';
  }

  async complete(id: string, result: SideEffectResult): Promise<void> {
    const record = this.records.get(id);
    if (!record) throw new Error(`complete: no claim on ${id}`);
    if (record.state !== 'done') this.records.set(id, { state: 'done', details: record.details, result });
  }

  async release(id: string, error: SideEffectFailure): Promise<void> {
    const record = this.records.get(id);
    if (record?.state === 'in_progress') this.records.set(id, { state: 'released', details: record.details, error });
  }

  async reject(id: string, details: ClaimDetails, error: SideEffectFailure): Promise<void> {
    const record = this.records.get(id);
    if (record?.state === 'in_progress') this.records.set(id, { state: 'undeliverable', details, error });
  }

  async stateOf(id: string): Promise<string | null> {
    return this.records.get(id)?.state ?? null;
  }

  async undeliverable(id: string): Promise<UndeliverableNotification | undefined> {
    const record = this.records.get(id);
    if (record?.state !== 'undeliverable') return undefined;
    const { template, language, to, subject, vars = {} } = record.details;
    return { id, template, language, to, subject, vars, error: record.error };
  }

  async beginResend(id: string, details: ClaimDetails, _decision: ResendDecision): Promise<ResendClaimOutcome> {
    const previous = await this.undeliverable(id);
    if (previous === undefined) return { status: 'not_undeliverable', state: await this.stateOf(id) };
    this.records.set(id, { state: 'in_progress', details });
    return { status: 'claimed', previous };
  }
}
