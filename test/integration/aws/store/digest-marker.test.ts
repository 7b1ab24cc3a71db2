import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../../lambdas/aws/state-store';
import { DigestMarker } from '../../../../lambdas/aws/store/digest-marker';
import { ensureTable } from '../../../../lambdas/aws/table';
import { type LocalDynamo, startDynalite } from '../../../../local/dynalite';

const TABLE = 'digest-marker';
const at = (minutes: number) => new Date(Date.parse('2026-12-01T06:00:00.000Z') + minutes * 60_000);

describe('DigestMarker', () => {
  let dynamo: LocalDynamo;
  let doc: DynamoDBDocumentClient;
  let marker: DigestMarker;

  beforeAll(async () => {
    dynamo = await startDynalite();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await ensureTable(client, TABLE);
    doc = DynamoDBDocumentClient.from(client);
    marker = new DigestMarker(doc, { tableName: TABLE, leaseSeconds: 300, historyDays: 90 });
  });
  afterAll(async () => {
    await dynamo.close();
  });

  it('lets one attempt post, and tells the others it was sent', async () => {
    const first = await marker.claim('run-a', at(0));
    const concurrent = await marker.claim('run-a', at(1));
    if (first.outcome !== 'claimed') throw new Error('the first claim must win');
    await marker.markSent('run-a', first.claimId, at(1));

    expect(concurrent).toEqual({ outcome: 'held' });
    expect(await marker.claim('run-a', at(60))).toEqual({ outcome: 'sent' });
  });

  it('gives the digest to the next attempt after a failed post releases it', async () => {
    const first = await marker.claim('run-b', at(0));
    if (first.outcome !== 'claimed') throw new Error('the first claim must win');
    await marker.release('run-b', first.claimId);

    expect((await marker.claim('run-b', at(1))).outcome).toBe('claimed');
  });

  it('gives the digest to a retry once the claim of an attempt that died lapses', async () => {
    await marker.claim('run-c', at(0));

    expect(await marker.claim('run-c', at(4))).toEqual({ outcome: 'held' });
    expect((await marker.claim('run-c', at(6))).outcome).toBe('claimed');
  });

  it('does not let a lapsed attempt mark or release the claim a retry took over', async () => {
    const stale = await marker.claim('run-d', at(0));
    const retry = await marker.claim('run-d', at(6));
    if (stale.outcome !== 'claimed' || retry.outcome !== 'claimed') throw new Error('both claims must be taken');
    await marker.release('run-d', stale.claimId);

    expect(await marker.markSent('run-d', stale.claimId, at(7))).toBe(false);
    expect(await marker.claim('run-d', at(7))).toEqual({ outcome: 'held' });
  });

  it('is invisible to the run results read from the same partition', async () => {
    const store = new DynamoStateStore({ client: doc, tableName: TABLE });

    expect(await store.loadRunResults('run-a')).toEqual({ targets: [], changes: [] });
  });
});
