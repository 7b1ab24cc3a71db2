/**
 * The monitor's own table answering like a busy one, through the fault proxy in front of dynalite: throttled writes
 * are ridden out by the state-table client's retries, and a conditional write whose answer was lost (the write
 * happened, the SDK resent it and met its own item) is recognised as done instead of as someone else's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flushPending, runAlerting } from '../../../../lambdas/alerting';
import { alertStatePk, DynamoAlertStore } from '../../../../lambdas/aws/alert-store';
import { DynamoStateStore } from '../../../../lambdas/aws/state-store';
import { createStateTableClient, type StateTableClient } from '../../../../lambdas/aws/store/client';
import { DigestMarker } from '../../../../lambdas/aws/store/digest-marker';
import { ensureTable } from '../../../../lambdas/aws/table';
import { type LocalDynamo, startDynalite } from '../../../../local/dynalite';
import { type DynamoFaultProxy, startDynamoFaultProxy } from '../../../../local/dynamo-fault-proxy';
import { day, expiringOn, target } from '../../../unit/core/alerting/fixtures';
import { certificate } from '../../../unit/core/certificate-fixture';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let dynalite: LocalDynamo;
let proxy: DynamoFaultProxy;
let direct: DynamoDBClient;
let table: StateTableClient;
let tables = 0;
let tableName: string;

beforeAll(async () => {
  dynalite = await startDynalite();
  proxy = await startDynamoFaultProxy({ upstream: dynalite.endpoint, seed: 7 });
  direct = new DynamoDBClient({ region: 'us-east-1', endpoint: dynalite.endpoint, credentials });
  table = createStateTableClient({
    region: 'us-east-1',
    endpoint: proxy.endpoint,
    credentials,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
});

afterAll(async () => {
  table?.client.destroy();
  direct?.destroy();
  await proxy?.close();
  await dynalite?.close();
});

beforeEach(async () => {
  tables++;
  tableName = `lost-${tables}`;
  await ensureTable(direct, tableName);
  proxy.setRates({});
});

describe('the state-table client', () => {
  it('rides out a run of throttled writes that the SDK default of 3 attempts gives up on', async () => {
    // Prepare
    const sdkDefault = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', endpoint: proxy.endpoint, credentials }),
    );
    const put = (key: string) => new PutCommand({ TableName: tableName, Item: { pk: key, sk: 'S', kind: 'test' } });
    proxy.force('throttle', 5, 'PutItem');
    // Act
    const defaultOutcome = await sdkDefault.send(put('default')).then(
      () => 'written',
      (error: Error) => error.name,
    );
    proxy.force('throttle', 5, 'PutItem');
    await table.doc.send(put('state-table'));
    // Assess
    expect(defaultOutcome).toBe('ProvisionedThroughputExceededException');
    const stored = await table.doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'state-table', sk: 'S' } }));
    expect(stored.Item).toMatchObject({ kind: 'test' });
    expect(table.retries.stats.byType.THROTTLING).toBeGreaterThanOrEqual(5);
    sdkDefault.destroy();
  });

  it('resends a write whose answer was lost: the write is there once and the caller gets success', async () => {
    // Prepare
    const before = proxy.counts().answersLost;
    proxy.force('answerLost', 1, 'PutItem');
    // Act
    await table.doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'lost', sk: 'S', n: 1 } }));
    // Assess
    expect(proxy.counts().answersLost).toBe(before + 1);
    const stored = await table.doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'lost', sk: 'S' } }));
    expect(stored.Item).toEqual({ pk: 'lost', sk: 'S', n: 1 });
  });
});

describe('conditional writes whose answer was lost', () => {
  it('claimNotice recognises its own lease instead of skipping the notice', async () => {
    // Prepare: one incident with its "opened" notice pending
    const store = new DynamoAlertStore(table.doc, { tableName });
    const certificates = [expiringOn(5, 0)];
    const delivered: string[] = [];
    await runAlerting({
      store,
      send: async () => {
        throw new Error('Slack is down');
      },
      certificates,
      targets: [target()],
      now: day(0),
    });
    proxy.force('answerLost', 1, 'UpdateItem');
    // Act
    const result = await flushPending({
      store,
      send: async (notice) => {
        delivered.push(notice.id);
      },
      now: day(0),
    });
    // Assess
    expect(delivered).toEqual([`EXPIRING_IN_USE#${certificates[0]!.arn}#opened`]);
    expect(result.pending).toEqual([]);
    const item = await table.doc.send(
      new GetCommand({
        TableName: tableName,
        Key: { pk: alertStatePk(`EXPIRING_IN_USE#${certificates[0]!.arn}`), sk: 'STATE' },
      }),
    );
    expect(item.Item?.lease).toBeUndefined();
  });

  it('saveStates takes its own state write for done, not for a conflict', async () => {
    // Prepare
    const store = new DynamoAlertStore(table.doc, { tableName });
    proxy.force('answerLost', 1, 'UpdateItem');
    const sent: string[] = [];
    // Act
    const result = await runAlerting({
      store,
      send: async (notice) => {
        sent.push(notice.id);
      },
      certificates: [expiringOn(5, 0)],
      targets: [target()],
      now: day(0),
    });
    // Assess: planned once (not re-planned after a false conflict) and delivered once
    expect(result.queued).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it('a history put-if-absent and the run completion recognise their own items', async () => {
    // Prepare
    const store = new DynamoStateStore({ client: table.doc, tableName });
    const cert = certificate({ arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/lost' });
    const result = { ...target(), certificateCount: 1 };
    proxy.force('answerLost', 1, 'PutItem');
    // Act
    const stats = await store.saveTargetScanWithStats({
      runId: 'run-1',
      scannedAt: day(0).toISOString(),
      result,
      certificates: [cert],
      changes: [],
    });
    proxy.force('answerLost', 1, 'PutItem');
    await store.recordRunCompleted({
      runId: 'run-1',
      startedAt: day(0).toISOString(),
      completedAt: day(0).toISOString(),
      status: 'completed',
      targets: 1,
      targetsFailed: 0,
      certificates: 1,
      accounts: 1,
      regions: 1,
      changes: 0,
      failures: [],
    });
    // Assess
    expect(stats.historyWritten + stats.historyAlreadyStored).toBe(1);
    expect(await store.loadCertificateHistory(cert.arn)).toHaveLength(1);
    expect(await store.latestCompletedRun()).toMatchObject({ runId: 'run-1', status: 'completed' });
  });

  it('a save rides out its target result being throttled beyond the client’s own attempts', async () => {
    // Prepare: 12 throttles in a row for the run's record of the target (the client makes 10 attempts a call)
    const store = new DynamoStateStore({ client: table.doc, tableName });
    proxy.force('throttle', 12, 'PutItem', '"target-result"');
    // Act
    await store.saveTargetScan({
      runId: 'run-2',
      scannedAt: day(0).toISOString(),
      result: target(),
      certificates: [certificate({ arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/busy' })],
      changes: [],
    });
    // Assess
    expect((await store.loadRunResults('run-2')).targets).toHaveLength(1);
    expect(proxy.counts().throttled).toBeGreaterThanOrEqual(12);
  });

  it('the digest marker recognises its own claim and its own mark', async () => {
    // Prepare
    const marker = new DigestMarker(table.doc, { tableName, historyDays: 90 });
    proxy.force('answerLost', 1, 'PutItem');
    // Act
    const claim = await marker.claim('run-1', day(0));
    proxy.force('answerLost', 1, 'UpdateItem');
    const marked = claim.outcome === 'claimed' ? await marker.markSent('run-1', claim.claimId, day(0)) : false;
    // Assess
    expect(claim.outcome).toBe('claimed');
    expect(marked).toBe(true);
    expect(await marker.claim('run-1', day(0))).toEqual({ outcome: 'sent' });
  });
});
