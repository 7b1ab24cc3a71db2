import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../lambdas/aws/table';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';

describe('ensureTable', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('creates the table once and reports that it did', async () => {
    expect(await ensureTable(client, 'state')).toBe(true);
    expect(await ensureTable(client, 'state')).toBe(false);
  });
});
