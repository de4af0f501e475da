/**
 * Every read and write of the hostcycle table (STYLE.md 6). The key design and the list of access
 * patterns are in ./table.ts; the index keys are derived here, from the validated entity, on every
 * write.
 *
 * Writes follow ARCHITECTURE.md invariants 2, 3 and 9:
 *  - a state change is a write conditioned on the state AND version the caller expects, allowed
 *    only if the lifecycle table lists it, and committed in one transaction with its audit event;
 *  - a losing racer gets StaleStateError naming what it expected and what it found, and nothing of
 *    its transaction is written;
 *  - side effects are claimed under their deterministic id before they happen.
 *
 * Entities are written whole (Put), not patched: the caller's patch is merged into the record just
 * read, the result is validated with the entity's schema, and the write is conditioned on the
 * version read. Every write bumps the version, so the condition proves nothing changed in between
 * and the validated record is exactly what is stored.
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type DynamoDBClient,
  type QueryCommandInput,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../domain/clock';
import { NotFoundError, StaleStateError, ValidationError } from '../domain/errors';
import { add, formatMoney, subtract } from '../domain/money';
import {
  ENTITY_SCHEMAS,
  OPEN_INVOICE_STATES,
  assertTransition,
  entityTypeSchema,
  hasLifecycle,
  initialState,
  isoDateSchema,
  parseWith,
  type Actor,
  type Approval,
  type AuditEvent,
  type EntityOf,
  type EntityType,
  type Invoice,
  type LifecycleEntity,
  type Payment,
  type Service,
  type SideEffectClaim,
  type StateOf,
} from '../domain/model';
import { AlreadyExistsError, TransactionConflictError } from './errors';
import { TABLE_DESIGN, type IndexName } from './table';

export interface RepositoryDeps {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

/** Why a change happened: who, under which rule (a contract clause or policy rule id), with what details. */
export interface AuditInput {
  actor: Actor;
  rule: string;
  details?: Record<string, unknown>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A new entity as the caller describes it; the repository stamps version and timestamps. */
export type NewEntity<T extends EntityType> = DistributiveOmit<EntityOf<T>, 'version' | 'createdAt' | 'updatedAt'>;

/** Fields a transition may change besides the state. Identity, state and version are the repository's. */
export type Patch<T extends EntityType> = Partial<DistributiveOmit<EntityOf<T>, 'id' | 'state' | 'version' | 'createdAt' | 'updatedAt'>>;

/** Another record that must still be in the given state and version for a transition to commit. */
export interface Requirement {
  type: EntityType;
  id: string;
  state: string;
  version: number;
}

export interface TransitionInput<T extends LifecycleEntity> {
  expectedState: StateOf<T>;
  expectedVersion: number;
  to: StateOf<T>;
  patch?: Patch<T>;
  audit: AuditInput;
  requires?: readonly Requirement[];
}

/** A change of fields that keeps the state: the version read is the condition, the patch names what changes. */
export interface UpdateInput<T extends EntityType> {
  expectedVersion: number;
  patch: Patch<T>;
  audit: AuditInput;
}

export interface RecordPaymentInput {
  payment: NewEntity<'payment'>;
  invoice: { expectedState: StateOf<'invoice'>; expectedVersion: number };
  /**
   * The services the invoice bills, at the version the caller read. A service suspended for this
   * invoice is reactivated in the same transaction once the invoice is paid in full; any other is
   * required to be unchanged, so a suspension that commits first makes this payment stale and the
   * caller re-reads and pays into the new state (ARCHITECTURE.md invariant 2). Whether other debts
   * keep a service suspended (hostico reactivates only when everything owed is paid) is the
   * caller's rule: it passes only the services this payment may bring back.
   */
  services?: readonly { id: string; expectedVersion: number }[];
  audit: AuditInput;
}

export type RecordPaymentResult =
  | { status: 'recorded'; payment: Payment; invoice: Invoice; reactivated: Service[] }
  /** This payment id is already recorded (a repeated webhook or a retry): nothing was written. */
  | { status: 'duplicate'; payment: Payment };

export type TimelineEntry = { [T in EntityType]: { type: T; at: string; record: EntityOf<T> } }[EntityType];

export interface DueOn {
  invoices: Invoice[];
  services: Service[];
}

export type Repository = ReturnType<typeof createRepository>;

/** Attributes the table needs but the entity does not have: stripped before a record is parsed. */
const STORAGE_ATTRIBUTES = [
  TABLE_DESIGN.partitionKey.name,
  TABLE_DESIGN.sortKey.name,
  ...Object.values(TABLE_DESIGN.indexes).flatMap((index) => [index.partitionKey.name, index.sortKey.name]),
  TABLE_DESIGN.timeToLiveAttribute,
  'entityType',
];
const BILLABLE_SERVICE_STATES: readonly string[] = ['active', 'suspended'];
const OPEN: readonly string[] = OPEN_INVOICE_STATES;
/** The repository's own fields: an update that names one is refused, whatever the type says at run time. */
const UNPATCHABLE = ['id', 'state', 'version', 'createdAt', 'updatedAt'] as const;

const entityKey = (type: EntityType, id: string) => ({ pk: `${type}#${id}`, sk: type });

/**
 * The types that belong to a customer: every entity type but side-effect claims. byCustomer keeps each
 * in a partition of its own per customer, so a step that needs a customer's payments reads their
 * payments, not their whole history; a type added to the model is a customer type unless excluded here.
 */
export const CUSTOMER_TYPES = entityTypeSchema.exclude(['sideEffect']).options;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];
const customerPartition = (customerId: string, type: CustomerType) => `CUSTOMER#${customerId}#${type}`;
const isCustomerType = (type: EntityType): type is CustomerType => (CUSTOMER_TYPES as readonly string[]).includes(type);
const auditSk = (version: number) => `audit#v${String(version).padStart(6, '0')}`;

function isOpenInvoice(invoice: Invoice): boolean {
  return invoice.kind !== 'credit_note' && OPEN.includes(invoice.state);
}

/** The index keys an entity carries, derived from its validated content (see table.ts). */
function indexKeys(type: EntityType, entity: Record<string, unknown>): Record<string, string> {
  const keys: Record<string, string> = {};
  const id = String(entity.id);
  const customerId = customerIdOf(type, entity);
  if (customerId !== undefined) {
    // A type excluded from CUSTOMER_TYPES that names a customer would be missing from every timeline.
    if (!isCustomerType(type)) throw new Error(`${type} names a customer but is not one of CUSTOMER_TYPES`);
    keys.gsi2pk = customerPartition(customerId, type);
    keys.gsi2sk = timelineSortKey(type, type === 'auditEvent' ? String(entity.at) : String(entity.createdAt), id);
  }
  if (type === 'invoice') {
    const invoice = entity as Invoice;
    if (isOpenInvoice(invoice)) {
      keys.gsi1pk = `DUE#${invoice.dueDate}`;
      keys.gsi1sk = `invoice#${id}`;
      keys.gsi3pk = `OPEN_INVOICES#${invoice.customerId}`;
      keys.gsi3sk = `${invoice.dueDate}#${id}`;
    }
  }
  if (type === 'service') {
    const service = entity as Service;
    if (service.nextDueDate !== undefined && BILLABLE_SERVICE_STATES.includes(service.state)) {
      keys.gsi1pk = `DUE#${service.nextDueDate}`;
      keys.gsi1sk = `service#${id}`;
    }
  }
  if (type === 'approval') {
    const approval = entity as Approval;
    if (approval.state === 'pending') {
      keys.gsi3pk = 'PENDING_APPROVALS';
      keys.gsi3sk = `${approval.deadline}#${id}`;
    }
  }
  return keys;
}

const timelineSortKey = (type: EntityType, at: string, id: string) => `${at}#${type}#${id}`;

function parseEntity<T extends EntityType>(type: T, value: unknown): EntityOf<T> {
  return parseWith(ENTITY_SCHEMAS[type], value, type) as EntityOf<T>;
}

function toItem(
  type: EntityType,
  entity: Record<string, unknown>,
  key: { pk: string; sk: string } = entityKey(type, String(entity.id)),
): Record<string, AttributeValue> {
  return marshall(
    { ...entity, ...indexKeys(type, entity), ...key, entityType: type },
    { removeUndefinedValues: true },
  );
}

/** Reads a stored item back through its schema: what the table holds is validated on the way out too. */
function fromItem(item: Record<string, AttributeValue>): { type: EntityType; record: unknown } {
  const raw = unmarshall(item);
  const type = parseWith(entityTypeSchema, raw.entityType, 'entityType');
  for (const attribute of STORAGE_ATTRIBUTES) delete raw[attribute];
  return { type, record: parseEntity(type, raw) };
}

function customerIdOf(type: EntityType, entity: Record<string, unknown>): string | undefined {
  if (type === 'customer') return String(entity.id);
  return typeof entity.customerId === 'string' ? entity.customerId : undefined;
}

/** What a transaction item expected, so a cancellation can say which condition failed and why. */
type Expectation =
  | { kind: 'absent'; type: EntityType; id: string }
  | { kind: 'state'; type: EntityType; id: string; state?: string; version: number };

interface PlannedWrite {
  item: TransactWriteItem;
  expectation: Expectation;
}

export function createRepository({ client, tableName, clock }: RepositoryDeps) {
  const now = () => clock.now().toISOString();

  async function readItem(type: EntityType, id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: tableName, Key: marshall(entityKey(type, id)), ConsistentRead: true }),
    );
    if (Item === undefined) return undefined;
    const { type: storedType, record } = fromItem(Item);
    if (storedType !== type) throw new ValidationError(`${type}.entityType`, `record ${id} is stored as ${storedType}`);
    return record as Record<string, unknown>;
  }

  async function find<T extends EntityType>(type: T, id: string): Promise<EntityOf<T> | undefined> {
    return (await readItem(type, id)) as EntityOf<T> | undefined;
  }

  async function get<T extends EntityType>(type: T, id: string): Promise<EntityOf<T>> {
    const found = await find(type, id);
    if (found === undefined) throw new NotFoundError(`${type} ${id} does not exist`);
    return found;
  }

  function auditEvent(
    type: EntityType,
    entity: Record<string, unknown>,
    from: string | null,
    audit: AuditInput,
    at: string,
  ): AuditEvent {
    const entityVersion = Number(entity.version);
    return parseEntity('auditEvent', {
      id: `${type}#${String(entity.id)}#v${entityVersion}`,
      state: 'recorded',
      version: 1,
      createdAt: at,
      updatedAt: at,
      entity: { type, id: entity.id },
      entityVersion,
      customerId: customerIdOf(type, entity),
      from,
      to: String(entity.state),
      actor: audit.actor,
      rule: audit.rule,
      at,
      details: audit.details,
    });
  }

  function putNew(type: EntityType, entity: Record<string, unknown>): PlannedWrite {
    return {
      item: {
        Put: {
          TableName: tableName,
          Item: toItem(type, entity),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      expectation: { kind: 'absent', type, id: String(entity.id) },
    };
  }

  /** Keyed by the version the change produced, so two writers of one version collide here as well. */
  function putAudit(event: AuditEvent): PlannedWrite {
    const key = { pk: entityKey(event.entity.type, event.entity.id).pk, sk: auditSk(event.entityVersion) };
    return {
      item: { Put: { TableName: tableName, Item: toItem('auditEvent', event, key), ConditionExpression: 'attribute_not_exists(pk)' } },
      expectation: { kind: 'absent', type: 'auditEvent', id: event.id },
    };
  }

  function putReplacing(type: EntityType, next: Record<string, unknown>, expected: { state: string; version: number }): PlannedWrite {
    return {
      item: {
        Put: {
          TableName: tableName,
          Item: toItem(type, next),
          ConditionExpression: '#state = :state AND #version = :version',
          ExpressionAttributeNames: { '#state': 'state', '#version': 'version' },
          ExpressionAttributeValues: marshall({ ':state': expected.state, ':version': expected.version }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      expectation: { kind: 'state', type, id: String(next.id), ...expected },
    };
  }

  function check(requirement: Requirement): PlannedWrite {
    return {
      item: {
        ConditionCheck: {
          TableName: tableName,
          Key: marshall(entityKey(requirement.type, requirement.id)),
          ConditionExpression: '#state = :state AND #version = :version',
          ExpressionAttributeNames: { '#state': 'state', '#version': 'version' },
          ExpressionAttributeValues: marshall({ ':state': requirement.state, ':version': requirement.version }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      expectation: { kind: 'state', ...requirement },
    };
  }

  /** Commits all writes or none; a failed condition becomes StaleStateError naming the record that moved. */
  async function commit(writes: readonly PlannedWrite[]): Promise<void> {
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: writes.map((w) => w.item),
          // Makes an SDK-level retry of a transaction that did commit succeed instead of looking stale.
          ClientRequestToken: randomUUID(),
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      const expectation = writes[failed]?.expectation;
      if (expectation !== undefined) {
        const found = reasons[failed]?.Item;
        throw staleError(expectation, found === undefined ? undefined : unmarshall(found), error);
      }
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new TransactionConflictError('another transaction was writing the same records; nothing was written', { cause: error });
      }
      throw error;
    }
  }

  async function create<T extends Exclude<EntityType, 'auditEvent' | 'sideEffect'>>(
    type: T,
    entity: NewEntity<T>,
    audit: AuditInput,
  ): Promise<EntityOf<T>> {
    const at = now();
    const record = parseEntity(type, { ...entity, version: 1, createdAt: at, updatedAt: at }) as EntityOf<T> & Record<string, unknown>;
    // A record born in a later state would skip the transitions, and their audit events, that lead there.
    if (hasLifecycle(type) && record.state !== initialState(type)) {
      throw new ValidationError(`${type}.state`, `a new ${type} starts as ${initialState(type)}, not ${String(record.state)}`);
    }
    await commit([putNew(type, record), putAudit(auditEvent(type, record, null, audit, at))]);
    return record;
  }

  async function transition<T extends LifecycleEntity>(type: T, id: string, input: TransitionInput<T>): Promise<EntityOf<T>> {
    assertTransition(type, input.expectedState, input.to);
    const current = await readItem(type, id);
    if (current === undefined) throw new NotFoundError(`${type} ${id} does not exist`);
    assertCurrent({ kind: 'state', type, id, state: input.expectedState, version: input.expectedVersion }, current);
    const at = now();
    const next = parseEntity(type, {
      ...current,
      ...input.patch,
      state: input.to,
      version: input.expectedVersion + 1,
      updatedAt: at,
    }) as EntityOf<T> & Record<string, unknown>;
    await commit([
      putReplacing(type, next, { state: input.expectedState, version: input.expectedVersion }),
      putAudit(auditEvent(type, next, input.expectedState, input.audit, at)),
      ...(input.requires ?? []).map(check),
    ]);
    return next;
  }

  /**
   * Changes fields without a state change (a renewal moving `nextDueDate` on). Conditioned on the
   * state and version read, so a transition or another update in between makes it stale; its audit
   * event goes from the state to the same state and names the fields changed.
   */
  async function update<T extends Exclude<EntityType, 'auditEvent' | 'sideEffect'>>(type: T, id: string, input: UpdateInput<T>): Promise<EntityOf<T>> {
    const fields = Object.keys(input.patch);
    const forbidden = fields.find((field) => (UNPATCHABLE as readonly string[]).includes(field));
    if (forbidden !== undefined) throw new ValidationError(`${type}.${forbidden}`, `is the repository's to set; an update changes other fields only`);
    if (fields.length === 0) throw new ValidationError('patch', 'must name at least one field to change');
    const current = await readItem(type, id);
    if (current === undefined) throw new NotFoundError(`${type} ${id} does not exist`);
    assertCurrent({ kind: 'state', type, id, version: input.expectedVersion }, current);
    const at = now();
    const next = parseEntity(type, { ...current, ...input.patch, version: input.expectedVersion + 1, updatedAt: at }) as EntityOf<T> & Record<string, unknown>;
    const state = String(current.state);
    await commit([
      putReplacing(type, next, { state, version: input.expectedVersion }),
      putAudit(auditEvent(type, next, state, { ...input.audit, details: { ...input.audit.details, fields } }, at)),
    ]);
    return next;
  }

  async function recordPayment(input: RecordPaymentInput): Promise<RecordPaymentResult> {
    const at = now();
    const payment = parseEntity('payment', { ...input.payment, version: 1, createdAt: at, updatedAt: at });
    const existing = await find('payment', payment.id);
    if (existing !== undefined) return duplicatePayment(existing, payment);

    const invoice = await get('invoice', payment.invoiceId);
    const { expectedState, expectedVersion } = input.invoice;
    assertCurrent({ kind: 'state', type: 'invoice', id: invoice.id, state: expectedState, version: expectedVersion }, invoice);
    if (payment.customerId !== invoice.customerId) {
      throw new ValidationError('payment.customerId', `invoice ${invoice.id} belongs to customer ${invoice.customerId}`);
    }
    const amountPaid = add(invoice.amountPaid, payment.amount);
    const owed = subtract(invoice.total, invoice.amountPaid);
    if (amountPaid.amount > invoice.total.amount) {
      throw new ValidationError('payment.amount', `${formatMoney(payment.amount)} exceeds the ${formatMoney(owed)} still owed on ${invoice.id}`);
    }
    const fullyPaid = amountPaid.amount === invoice.total.amount;
    const state = fullyPaid ? 'paid' : invoice.state === 'issued' ? 'partially_paid' : invoice.state;
    if (state !== invoice.state) assertTransition('invoice', invoice.state, state);
    else if (!OPEN.includes(invoice.state)) throw new ValidationError('invoice.state', `a ${invoice.state} invoice takes no payments`);

    const nextInvoice = parseEntity('invoice', {
      ...invoice,
      state,
      amountPaid,
      paidAt: fullyPaid ? payment.receivedAt : invoice.paidAt,
      version: invoice.version + 1,
      updatedAt: at,
    });
    const details = { ...input.audit.details, paymentId: payment.id, amount: formatMoney(payment.amount), amountPaid: formatMoney(amountPaid) };
    const writes: PlannedWrite[] = [
      putNew('payment', payment),
      putAudit(auditEvent('payment', payment, null, input.audit, at)),
      putReplacing('invoice', nextInvoice, { state: invoice.state, version: invoice.version }),
      putAudit(auditEvent('invoice', nextInvoice, invoice.state, { ...input.audit, details }, at)),
    ];

    const reactivated: Service[] = [];
    for (const { id, expectedVersion } of input.services ?? []) {
      const service = await get('service', id);
      assertCurrent({ kind: 'state', type: 'service', id, version: expectedVersion }, service);
      const suspendedForThis =
        service.state === 'suspended' && service.suspension?.reason === 'non_payment' && service.suspension.invoiceId === invoice.id;
      if (fullyPaid && suspendedForThis) {
        assertTransition('service', service.state, 'active');
        const next = parseEntity('service', { ...service, state: 'active', suspension: undefined, version: service.version + 1, updatedAt: at });
        writes.push(
          putReplacing('service', next, { state: service.state, version: service.version }),
          putAudit(auditEvent('service', next, service.state, { ...input.audit, details: { ...details, invoiceId: invoice.id } }, at)),
        );
        reactivated.push(next);
      } else {
        writes.push(check({ type: 'service', id, state: service.state, version: service.version }));
      }
    }

    try {
      await commit(writes);
    } catch (error) {
      if (error instanceof AlreadyExistsError && error.entityType === 'payment') {
        return duplicatePayment(await get('payment', payment.id), payment);
      }
      throw error;
    }
    return { status: 'recorded', payment, invoice: nextInvoice, reactivated };
  }

  function duplicatePayment(existing: Payment, attempted: Payment): RecordPaymentResult {
    if (existing.invoiceId !== attempted.invoiceId || existing.amount.amount !== attempted.amount.amount || existing.amount.currency !== attempted.amount.currency) {
      throw new ValidationError('payment.id', `${attempted.id} is already recorded with other content (invoice ${existing.invoiceId}, ${formatMoney(existing.amount)})`);
    }
    return { status: 'duplicate', payment: existing };
  }

  /**
   * Claims a side effect under its deterministic id; only the caller that gets `claimed: true` may
   * perform it. Claims are bookkeeping of the effect, not state of the business: the change the
   * effect belongs to is audited with its own entity.
   */
  async function claimSideEffect(id: string, details: Record<string, unknown>): Promise<{ claimed: boolean; claim: SideEffectClaim }> {
    const at = now();
    const claim = parseEntity('sideEffect', { id, state: initialState('sideEffect'), version: 1, createdAt: at, updatedAt: at, details });
    try {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: toItem('sideEffect', claim),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true, claim };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item !== undefined ? (fromItem(error.Item).record as SideEffectClaim) : await get('sideEffect', id);
      return { claimed: false, claim: existing };
    }
  }

  /** Records the outcome of a claimed effect. Completing it again (a retry) returns the stored outcome. */
  async function completeSideEffect(id: string, result: Record<string, unknown>): Promise<SideEffectClaim> {
    const claim = await get('sideEffect', id);
    if (claim.state === 'completed') return claim;
    assertTransition('sideEffect', claim.state, 'completed');
    const at = now();
    const next = parseEntity('sideEffect', { ...claim, state: 'completed', result, completedAt: at, version: claim.version + 1, updatedAt: at });
    await commit([putReplacing('sideEffect', next, { state: claim.state, version: claim.version })]);
    return next;
  }

  async function queryAll(index: IndexName | undefined, input: Omit<QueryCommandInput, 'TableName' | 'IndexName'>) {
    const records: { type: EntityType; record: unknown }[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new QueryCommand({ ...input, TableName: tableName, IndexName: index, ExclusiveStartKey }));
      for (const item of page.Items ?? []) records.push(fromItem(item));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey !== undefined);
    return records;
  }

  const byPartition = (attribute: string, value: string) => ({
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': attribute },
    ExpressionAttributeValues: marshall({ ':pk': value }),
  });

  /** What the billing run handles on a day: open invoices due then and services whose renewal is due. */
  async function dueOn(date: string): Promise<DueOn> {
    const day = parseWith(isoDateSchema, date, 'date');
    const due: DueOn = { invoices: [], services: [] };
    for (const { type, record } of await queryAll('byDueDate', byPartition('gsi1pk', `DUE#${day}`))) {
      if (type === 'invoice') due.invoices.push(record as Invoice);
      else if (type === 'service') due.services.push(record as Service);
    }
    return due;
  }

  /** A customer's records of one type, oldest first: one Query on their partition of byCustomer. */
  async function customerRecords<T extends CustomerType>(customerId: string, type: T): Promise<EntityOf<T>[]> {
    const entries = await queryAll('byCustomer', { ...byPartition('gsi2pk', customerPartition(customerId, type)), ScanIndexForward: true });
    return entries.map((e) => e.record as EntityOf<T>);
  }

  /**
   * Everything about a customer in time order: their records by creation time and every state change.
   * One Query per customer type, in parallel, merged on the index's sort key (time, type, id).
   */
  async function customerTimeline(customerId: string): Promise<TimelineEntry[]> {
    const perType = await Promise.all(
      CUSTOMER_TYPES.map(async (type) =>
        (await customerRecords(customerId, type)).map((record) => {
          const r = record as { id: string; at?: string; createdAt?: string };
          const at = String(type === 'auditEvent' ? r.at : r.createdAt);
          return { entry: { type, at, record } as TimelineEntry, key: timelineSortKey(type, at, r.id) };
        }),
      ),
    );
    return perType
      .flat()
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((e) => e.entry);
  }

  /** Approvals waiting for staff, nearest deadline first. */
  async function pendingApprovals(): Promise<Approval[]> {
    const entries = await queryAll('open', { ...byPartition('gsi3pk', 'PENDING_APPROVALS'), ScanIndexForward: true });
    return entries.map((e) => e.record as Approval);
  }

  /** A customer's invoices still owed (issued, partially paid, overdue), earliest due date first. */
  async function openInvoices(customerId: string): Promise<Invoice[]> {
    const entries = await queryAll('open', { ...byPartition('gsi3pk', `OPEN_INVOICES#${customerId}`), ScanIndexForward: true });
    return entries.map((e) => e.record as Invoice);
  }

  /** An entity's audit trail, in the order of the changes. */
  async function history(type: EntityType, id: string): Promise<AuditEvent[]> {
    const entries = await queryAll(undefined, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: marshall({ ':pk': entityKey(type, id).pk, ':audit': 'audit#' }),
    });
    return entries.map((e) => e.record as AuditEvent);
  }

  return {
    create,
    get,
    find,
    transition,
    update,
    recordPayment,
    claimSideEffect,
    completeSideEffect,
    dueOn,
    customerRecords,
    customerTimeline,
    pendingApprovals,
    openInvoices,
    history,
  };
}

function describeFound(found: Record<string, unknown> | undefined): string {
  return found === undefined ? 'no record' : `state ${String(found.state)} at version ${String(found.version)}`;
}

/** Fails fast, before any write, when the record read is not the one the caller expects. */
function assertCurrent(expectation: Extract<Expectation, { kind: 'state' }>, found: Record<string, unknown>): void {
  const stateMatches = expectation.state === undefined || found.state === expectation.state;
  if (!stateMatches || found.version !== expectation.version) throw staleError(expectation, found);
}

function staleError(expectation: Expectation, found: Record<string, unknown> | undefined, cause?: unknown): StaleStateError {
  const subject = `${expectation.type} ${expectation.id}`;
  if (expectation.kind === 'absent') {
    return new AlreadyExistsError(expectation.type, expectation.id, `${subject} already exists (${describeFound(found)})`, { cause });
  }
  const expected = expectation.state === undefined ? `version ${expectation.version}` : `state ${expectation.state} at version ${expectation.version}`;
  return new StaleStateError(`${subject}: expected ${expected}, found ${describeFound(found)}`, { cause });
}
