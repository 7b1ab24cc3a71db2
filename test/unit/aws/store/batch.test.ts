import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { type BatchOptions, batchWriteAll, existingKeys, type WriteRequest } from '../../../../lambdas/aws/store/batch';
import { StateStoreError } from '../../../../lambdas/aws/store/errors';

const TABLE = 'state';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);

function options(sleeps: number[], overrides: Partial<BatchOptions> = {}): BatchOptions {
  return {
    concurrency: 1,
    maxAttempts: 5,
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 1,
    operation: 'saveTargetScan',
    ...overrides,
  };
}

function puts(count: number): WriteRequest[] {
  return Array.from({ length: count }, (_, i) => ({ PutRequest: { Item: { pk: `P#${i}`, sk: 'S' } } }));
}

describe('batchWriteAll', () => {
  afterEach(() => dynamo.reset());

  it('sends 25 requests per BatchWriteItem call', async () => {
    // Prepare
    dynamo.on(BatchWriteCommand).resolves({});
    // Act
    const stats = await batchWriteAll(doc, TABLE, puts(60), options([]));
    // Assess
    const sizes = dynamo
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE]?.length);
    expect(sizes).toEqual([25, 25, 10]);
    expect(stats).toEqual({ calls: 3, retries: 0 });
  });

  it('resends unprocessed items with growing backoff until none remain', async () => {
    // Prepare
    const requests = puts(5);
    dynamo
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: requests.slice(2) } })
      .resolvesOnce({ UnprocessedItems: { [TABLE]: requests.slice(4) } })
      .resolves({ UnprocessedItems: {} });
    const sleeps: number[] = [];
    // Act
    const stats = await batchWriteAll(doc, TABLE, requests, options(sleeps));
    // Assess
    const sent = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]);
    expect(sent).toEqual([requests, requests.slice(2), requests.slice(4)]);
    expect(sleeps).toEqual([100, 200]);
    expect(stats).toEqual({ calls: 3, retries: 2 });
  });

  it('caps the backoff and fails with the count of items left after the last attempt', async () => {
    // Prepare
    const requests = puts(3);
    dynamo.on(BatchWriteCommand).resolves({ UnprocessedItems: { [TABLE]: requests.slice(1) } });
    const sleeps: number[] = [];
    // Act
    const write = batchWriteAll(doc, TABLE, requests, options(sleeps, { maxAttempts: 6, maxDelayMs: 500 }));
    // Assess
    await expect(write).rejects.toBeInstanceOf(StateStoreError);
    await expect(batchWriteAll(doc, TABLE, requests, options([], { maxAttempts: 2 }))).rejects.toMatchObject({
      code: 'UnprocessedItems',
      operation: 'saveTargetScan',
      tableName: TABLE,
      message: 'saveTargetScan on table state failed: 2 items still unprocessed after 2 BatchWriteItem calls',
    });
    expect(sleeps).toEqual([100, 200, 400, 500, 500]);
  });

  it('resends a whole call that was throttled after the client gave up, like unprocessed items', async () => {
    // Prepare
    const requests = puts(3);
    const throttled = Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    const lost = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    dynamo.on(BatchWriteCommand).rejectsOnce(throttled).rejectsOnce(lost).resolves({ UnprocessedItems: {} });
    const sleeps: number[] = [];
    // Act
    const stats = await batchWriteAll(doc, TABLE, requests, options(sleeps));
    // Assess
    const sent = dynamo.commandCalls(BatchWriteCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]);
    expect(sent).toEqual([requests, requests, requests]);
    expect(sleeps).toEqual([100, 200]);
    expect(stats).toEqual({ calls: 3, retries: 2 });
  });

  it('fails at once on an error a resend would meet again, and after the last attempt on a throttle', async () => {
    // Prepare
    const invalid = Object.assign(new Error('Item size has exceeded the maximum allowed size'), {
      name: 'ValidationException',
      $metadata: { httpStatusCode: 400 },
    });
    dynamo.on(BatchWriteCommand).rejects(invalid);
    // Act
    const write = batchWriteAll(doc, TABLE, puts(2), options([]));
    // Assess
    await expect(write).rejects.toMatchObject({ name: 'ValidationException' });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(1);

    dynamo.reset();
    const throttled = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    dynamo.on(BatchWriteCommand).rejects(throttled);
    await expect(batchWriteAll(doc, TABLE, puts(2), options([], { maxAttempts: 3 }))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it('writes nothing for no requests', async () => {
    expect(await batchWriteAll(doc, TABLE, [], options([]))).toEqual({ calls: 0, retries: 0 });
    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });
});

describe('existingKeys', () => {
  afterEach(() => dynamo.reset());

  it('asks for 100 keys a call, projects only the keys and resends unprocessed keys', async () => {
    // Prepare: one chunk at a time, so the first chunk's resend comes before the second chunk
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `P#${i}`, sk: 'S' }));
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [keys[3]!] }, UnprocessedKeys: { [TABLE]: { Keys: [keys[7]!] } } })
      .resolvesOnce({ Responses: { [TABLE]: [keys[7]!] } })
      .resolves({ Responses: { [TABLE]: [keys[120]!] } });
    const sleeps: number[] = [];
    // Act
    const { found, stats } = await existingKeys(doc, TABLE, keys, ['pk', 'sk'], options(sleeps));
    // Assess
    const requested = dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems?.[TABLE]);
    expect(requested.map((request) => request?.Keys?.length)).toEqual([100, 1, 50]);
    expect(requested[0]).toMatchObject({
      ConsistentRead: true,
      ProjectionExpression: '#p0, #p1',
      ExpressionAttributeNames: { '#p0': 'pk', '#p1': 'sk' },
    });
    expect([...found].sort()).toEqual(
      [keys[3]!, keys[7]!, keys[120]!].map((key) => JSON.stringify([key.pk, key.sk])).sort(),
    );
    expect(stats).toEqual({ calls: 3, retries: 1 });
    expect(sleeps).toEqual([100]);
  });
});
