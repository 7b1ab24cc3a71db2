/**
 * The one DynamoDB table: certificate snapshots, runs, target results, change events and alert state.
 * Keys and the sparse attention index come from TABLE_SCHEMA, which the Lambdas and the CLI use too.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_SCHEMA } from '../../lambdas/core/names';

export class StateTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute, attentionIndex } = TABLE_SCHEMA;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      // A daily burst then silence: on-demand costs nothing while idle and never throttles the scan.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The table holds certificate metadata, no secrets; an AWS-managed key is encryption without a key to run.
      encryption: TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: ttlAttribute,
      // Alert state and history must survive a stack replacement, or on-call would be paged again for old news.
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: attentionIndex.name,
      partitionKey: { name: attentionIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: attentionIndex.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
