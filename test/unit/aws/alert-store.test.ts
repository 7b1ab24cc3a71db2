/** The alert store's reads of many states: bounded resends of the keys DynamoDB leaves unprocessed. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ALERT_STATE_SK, alertStatePk, DynamoAlertStore } from '../../../lambdas/aws/alert-store';
import { StateStoreError } from '../../../lambdas/aws/store/errors';

const TABLE = 'state';
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);

function stateItem(incidentKey: string) {
  return {
    pk: alertStatePk(incidentKey),
    sk: ALERT_STATE_SK,
    version: 1,
    state: { incidentKey, pending: [] },
  };
}

describe('DynamoAlertStore.loadStates', () => {
  afterEach(() => dynamo.reset());

  it('resends unprocessed keys and returns every state, sorted by incident key', async () => {
    // Prepare: the first call leaves one key unprocessed
    const key = (incidentKey: string) => ({ pk: alertStatePk(incidentKey), sk: ALERT_STATE_SK });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ Responses: { [TABLE]: [stateItem('b')] }, UnprocessedKeys: { [TABLE]: { Keys: [key('a')] } } })
      .resolvesOnce({ Responses: { [TABLE]: [stateItem('a')] } });
    const store = new DynamoAlertStore(doc, { tableName: TABLE, sleep: async () => {} });
    // Act
    const states = await store.loadStates(['b', 'a']);
    // Assess
    expect(states.map((state) => state.incidentKey)).toEqual(['a', 'b']);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(2);
  });

  it('gives up with a StateStoreError after its last resend when DynamoDB never processes a key', async () => {
    // Prepare: a partition so busy that every call hands the key back
    dynamo.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({
      Responses: { [TABLE]: [] },
      UnprocessedKeys: { [TABLE]: { Keys: input.RequestItems[TABLE]?.Keys } },
    }));
    const sleeps: number[] = [];
    const store = new DynamoAlertStore(doc, {
      tableName: TABLE,
      maxBatchAttempts: 4,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    // Act
    const read = store.loadStates(['a']);
    // Assess
    await expect(read).rejects.toThrow(StateStoreError);
    await expect(read).rejects.toThrow(/loadStates on table state failed: 1 items still unprocessed after 4/);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
  });
});
