/**
 * The stateful half of hostcycle: the single DynamoDB table. It lives in its own stack so that the
 * service stack (functions, workflows, API) can be replaced, rolled back or destroyed without ever
 * putting the record, which is the truth (ARCHITECTURE.md invariant 2), at risk.
 *
 * The key design, its indexes and every access pattern are documented beside `TABLE_DESIGN` in
 * functions/data/table.ts; this stack builds the table from that data and adds only what AWS needs
 * on top: recovery, protection and encryption.
 */
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { TABLE_DESIGN } from '../../../functions/data/table';

const attribute = (key: { name: string; type: 'S' }) => ({ name: key.name, type: AttributeType.STRING });

export class HostcycleDataStack extends Stack {
  readonly table: Table;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new Table(this, 'Table', {
      partitionKey: attribute(TABLE_DESIGN.partitionKey),
      sortKey: attribute(TABLE_DESIGN.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE_DESIGN.timeToLiveAttribute,
      // 35 days of per-second restore points: the answer to a bad deployment or a wrong bulk write.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      // The AWS managed key encrypts at rest with KMS and needs no key policy or grants of our own.
      encryption: TableEncryption.AWS_MANAGED,
      // Deleting the stack must never delete invoices (they outlive service data, 002 §2.4).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, index] of Object.entries(TABLE_DESIGN.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName,
        partitionKey: attribute(index.partitionKey),
        sortKey: attribute(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** The index names of the design, for grants that name each index instead of `index/*`. */
  static readonly indexNames = Object.keys(TABLE_DESIGN.indexes);
}

