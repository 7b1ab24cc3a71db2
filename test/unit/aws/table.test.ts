import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../lambdas/aws/table';
import { TABLE_SCHEMA } from '../../../lambdas/core/names';

const dynamo = mockClient(DynamoDBClient);

describe('ensureTable', () => {
  afterEach(() => dynamo.reset());

  it('turns TTL on for the expiry attribute when it creates the table', async () => {
    dynamo
      .on(DescribeTableCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))
      .resolves({ Table: { TableStatus: 'ACTIVE' } });
    dynamo.on(CreateTableCommand).resolves({});
    dynamo.on(UpdateTimeToLiveCommand).resolves({});

    expect(await ensureTable(new DynamoDBClient({ region: 'us-east-1' }), 'state')).toBe(true);

    const ttl = dynamo.commandCalls(UpdateTimeToLiveCommand)[0]?.args[0].input;
    expect(ttl?.TimeToLiveSpecification).toEqual({ AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true });
  });

  it('leaves an existing table alone', async () => {
    dynamo.on(DescribeTableCommand).resolves({ Table: { TableStatus: 'ACTIVE' } });

    expect(await ensureTable(new DynamoDBClient({ region: 'us-east-1' }), 'state')).toBe(false);
    expect(dynamo.commandCalls(CreateTableCommand)).toHaveLength(0);
  });
});
