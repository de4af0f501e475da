/**
 * The single DynamoDB table of hostcycle, as plain data. The CDK stack and the local runtime's
 * CreateTable both read `TABLE_DESIGN`, so the deployed table and the local one cannot drift.
 *
 * ── Items and keys ───────────────────────────────────────────────────────────────────────────
 *
 *   item                 pk                          sk
 *   entity record        <type>#<id>                 <type>                e.g. invoice#INV-7 / invoice
 *   audit event          <type>#<id> (its entity)    audit#v<000007>       version the change produced
 *   side-effect claim    sideEffect#<effect id>      sideEffect            e.g. sideEffect#invoice#INV-7#reminder#2
 *
 *   Every item also stores `entityType`. The audit events of an entity live in the entity's own
 *   partition, keyed by the version they produced: the audit id is a function of the change, so a
 *   change can never be logged twice, and the entity's history is one Query.
 *
 * ── Indexes (all projections ALL; keys written only by functions/data/repository.ts) ────────
 *
 *   byDueDate   gsi1pk = DUE#<YYYY-MM-DD>               gsi1sk = <type>#<id>
 *               Sparse: open invoices (issued, partially paid, overdue) by due date and billable
 *               services (active, suspended: suspended time stays payable, smartape 2.2.10) by next
 *               due date. Paying or cancelling an invoice removes its key.
 *   byCustomer  gsi2pk = CUSTOMER#<customerId>#<type>   gsi2sk = <UTC timestamp>#<type>#<id>
 *               Every entity that belongs to a customer (keyed by its creation time), the customer
 *               record itself, and every audit event about them (keyed by the time of the change),
 *               one partition per customer and type (CUSTOMER_TYPES in repository.ts): a step reads
 *               the customer's payments without reading the audit trail that grows with every change.
 *   open        gsi3pk = PENDING_APPROVALS              gsi3sk = <deadline>#<id>
 *               gsi3pk = OPEN_INVOICES#<customerId>     gsi3sk = <dueDate>#<id>
 *               Sparse and overloaded: only pending approvals and open invoices carry the key, so
 *               the index holds exactly the work that is outstanding and shrinks as it is done.
 *
 * ── Access patterns (each one function of repository.ts) ─────────────────────────────────────
 *
 *   Index reads are eventually consistent: they find work and draw timelines. A decision to change
 *   state always re-reads the record by id (strongly consistent) and writes conditionally.
 *
 *   entity by id                       GetItem pk=<type>#<id>, sk=<type>           get / find
 *   an entity's audit trail            Query pk=<type>#<id>, sk begins_with audit#  history
 *   a customer's records of one type   Query byCustomer gsi2pk=CUSTOMER#<id>#<type> customerRecords
 *   a customer's timeline              the Query above for each customer type,      customerTimeline
 *                                      in parallel, merged ascending by time
 *   what falls due on a date           Query byDueDate gsi1pk=DUE#<date>            dueOn
 *     (the daily billing run: a Query, never a Scan)
 *   pending approvals, oldest deadline Query open gsi3pk=PENDING_APPROVALS         pendingApprovals
 *     first
 *   a customer's open invoices         Query open gsi3pk=OPEN_INVOICES#<id>         openInvoices
 *   create                             Put attribute_not_exists(pk) + audit         create
 *   change state                       Put conditioned on state and version + audit transition
 *   record a payment                   Put payment + invoice + (service) + audits   recordPayment
 *   claim a side effect once           Put attribute_not_exists(pk)                 claimSideEffect
 *
 * ── TTL ──────────────────────────────────────────────────────────────────────────────────────
 *
 *   `expiresAt` (epoch seconds) is reserved for short-lived bookkeeping such as webhook
 *   de-duplication receipts; nothing repository.ts writes today carries it. Entities, audit events
 *   and side-effect claims never expire: the record is the truth, and invoices outlive the deletion
 *   of service data (002 §2.4).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

const key = (name: string) => ({ name, type: 'S' }) as const;

export const TABLE_DESIGN = {
  defaultTableName: 'hostcycle',
  billingMode: 'PAY_PER_REQUEST',
  partitionKey: key('pk'),
  sortKey: key('sk'),
  indexes: {
    byDueDate: { partitionKey: key('gsi1pk'), sortKey: key('gsi1sk') },
    byCustomer: { partitionKey: key('gsi2pk'), sortKey: key('gsi2sk') },
    open: { partitionKey: key('gsi3pk'), sortKey: key('gsi3sk') },
  },
  timeToLiveAttribute: 'expiresAt',
} as const;

export type IndexName = keyof typeof TABLE_DESIGN.indexes;

/** The table name a process uses: `HOSTCYCLE_TABLE` when set, otherwise the default. */
export function tableNameFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOSTCYCLE_TABLE?.trim() || TABLE_DESIGN.defaultTableName;
}

export function createTableInput(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, indexes } = TABLE_DESIGN;
  const keys = [partitionKey, sortKey, ...Object.values(indexes).flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: TABLE_DESIGN.billingMode,
    KeySchema: [
      { AttributeName: partitionKey.name, KeyType: 'HASH' },
      { AttributeName: sortKey.name, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
    GlobalSecondaryIndexes: Object.entries(indexes).map(([IndexName, index]) => ({
      IndexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    })),
  };
}

const POLL_MS = 200;
const ACTIVE_TIMEOUT_MS = 120_000;

/**
 * Creates the table if it does not exist, waits until it and its indexes are active, and turns on
 * TTL. Safe to call from several processes at once: a concurrent creation is waited for, not retried.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string = TABLE_DESIGN.defaultTableName): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilActive(client, tableName);
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status !== 'ENABLED' && status !== 'ENABLING') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_DESIGN.timeToLiveAttribute, Enabled: true },
      }),
    );
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
      if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    } catch (error) {
      // Right after CreateTable, DescribeTable can briefly not see the table yet.
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`table ${tableName} did not become active within ${ACTIVE_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
