import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore, StateStoreError } from '../../../../lambdas/aws/state-store';
import type { Certificate, Change } from '../../../../lambdas/core/model';
import { ACCOUNT, certificate, certificates, newChanges, REGION, scan } from './factory';
import { type Harness, newStore, startHarness } from './harness';

const TARGET = { accountId: ACCOUNT, region: REGION };
const DAY1 = '2026-11-25T06:00:00.000Z';
const DAY2 = '2026-11-26T06:00:00.000Z';
const DAY3 = '2026-11-27T06:00:00.000Z';

function arns(certs: readonly Certificate[]): string[] {
  return certs.map((cert) => cert.arn).sort();
}

describe('DynamoStateStore snapshots', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('stores every certificate, its change events and first-seen history on the first save', async () => {
    // Prepare
    const store = await newStore(harness);
    const certs = certificates(3);
    // Act
    const stats = await store.saveTargetScanWithStats(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    // Assess
    const stored = await store.loadTarget(TARGET);
    expect(stored.scannedAt).toBe(DAY1);
    expect(stored.certificates).toEqual(certs.map((cert) => JSON.parse(JSON.stringify(cert))));
    expect(stats).toMatchObject({
      certificatesWritten: 3,
      certificatesUnchanged: 0,
      changeEventsWritten: 3,
      historyWritten: 3,
    });
    const results = await store.loadRunResults('run-1');
    expect(results.targets).toHaveLength(1);
    expect(results.targets[0]).toMatchObject({ accountId: ACCOUNT, region: REGION, status: 'ok', certificateCount: 3 });
    expect(results.changes.map((change) => change.type)).toEqual(['NEW', 'NEW', 'NEW']);
    const history = await store.loadCertificateHistory(certs[0]!.arn);
    expect(history).toMatchObject([{ runId: 'run-1', reason: 'first-seen', scannedAt: DAY1 }]);
    expect(await store.listTargetMetas()).toMatchObject([
      { accountId: ACCOUNT, region: REGION, lastScanAt: DAY1, lastCompleteScanAt: DAY1, certificateCount: 3 },
    ]);
  });

  it('writes no certificate, event or history when an identical scan is saved in the next run', async () => {
    // Prepare
    const store = await newStore(harness);
    const certs = certificates(3);
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    harness.counter.reset();
    // Act: the same certificates, objects built afresh with keys in another order
    const again = certs.map((cert) => Object.fromEntries(Object.entries(cert).reverse()) as unknown as Certificate);
    const stats = await store.saveTargetScanWithStats(scan('run-2', DAY2, 'ok', again, []));
    // Assess
    expect(stats).toMatchObject({
      certificatesWritten: 0,
      certificatesUnchanged: 3,
      historyWritten: 0,
      batchWriteCalls: 0,
    });
    expect(harness.counter.count('BatchWriteItem')).toBe(0);
    // Only the run's target result and the target meta are written.
    expect(harness.counter.itemsWritten).toBe(2);
    const stored = await store.loadTarget(TARGET);
    expect(stored.scannedAt).toBe(DAY2);
    expect(stored.certificates).toHaveLength(3);
  });

  it('removes the certificates a complete scan no longer lists and records their removal', async () => {
    // Prepare
    const store = await newStore(harness);
    const certs = certificates(4);
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    const gone = certs[1]!;
    const removed: Change = { ...newChanges([gone])[0]!, type: 'REMOVED', summary: 'no longer in ACM (deleted)' };
    // Act
    const kept = certs.filter((cert) => cert !== gone);
    const stats = await store.saveTargetScanWithStats(scan('run-2', DAY2, 'ok', kept, [removed]));
    // Assess
    expect(stats).toMatchObject({ certificatesRemoved: 1, certificatesWritten: 0, changeEventsWritten: 1 });
    expect(arns((await store.loadTarget(TARGET)).certificates)).toEqual(arns(kept));
    const history = await store.loadCertificateHistory(gone.arn);
    expect(history.map((entry) => entry.reason)).toEqual(['first-seen', 'removed']);
    expect(history[1]).toMatchObject({
      runId: 'run-2',
      certificate: { arn: gone.arn },
      changes: [{ type: 'REMOVED' }],
    });
    expect((await store.listTargetMetas())[0]).toMatchObject({ certificateCount: 3, lastCompleteScanAt: DAY2 });
  });

  it('keeps the certificates a partial scan did not see and keeps the last complete scan time', async () => {
    // Prepare
    const store = await newStore(harness);
    const certs = certificates(4);
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    const renewed = { ...certs[0]!, notAfter: '2027-12-01T00:00:00.000Z' };
    const fresh = certificate(99);
    // Act: the scan saw one renewed certificate and one new one, then ran out of time
    const stats = await store.saveTargetScanWithStats(
      scan('run-2', DAY2, 'partial', [renewed, fresh], newChanges([fresh])),
    );
    // Assess
    expect(stats).toMatchObject({ certificatesRemoved: 0, certificatesWritten: 2 });
    const stored = await store.loadTarget(TARGET);
    expect(arns(stored.certificates)).toEqual(arns([...certs, fresh]));
    expect(stored.certificates.find((cert) => cert.arn === renewed.arn)?.notAfter).toBe(renewed.notAfter);
    expect(stored.scannedAt).toBe(DAY2);
    expect((await store.listTargetMetas())[0]).toMatchObject({
      lastStatus: 'partial',
      lastErrorCode: 'ThrottlingException',
      lastCompleteScanAt: DAY1,
      certificateCount: 5,
    });
  });

  it('keeps every certificate and the scan time when a scan fails without seeing any', async () => {
    // Prepare
    const store = await newStore(harness);
    const certs = certificates(3);
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    // Act
    const stats = await store.saveTargetScanWithStats(scan('run-2', DAY2, 'error', [], []));
    // Assess
    expect(stats).toMatchObject({ certificatesRemoved: 0, certificatesWritten: 0 });
    const stored = await store.loadTarget(TARGET);
    expect(arns(stored.certificates)).toEqual(arns(certs));
    expect(stored.scannedAt).toBe(DAY1);
    expect((await store.listTargetMetas())[0]).toMatchObject({
      lastStatus: 'error',
      lastResultAt: DAY2,
      lastCompleteScanAt: DAY1,
      certificateCount: 3,
    });
    expect((await store.loadRunResults('run-2')).targets).toMatchObject([
      { status: 'error', errorCode: 'ThrottlingException' },
    ]);
    // A later complete scan clears the error.
    await store.saveTargetScan(scan('run-3', DAY3, 'ok', certs, []));
    const meta = (await store.listTargetMetas())[0];
    expect(meta).toMatchObject({ lastStatus: 'ok', lastCompleteScanAt: DAY3 });
    expect(meta?.lastErrorCode).toBeUndefined();
  });

  it('writes no duplicate change events or history when the same run saves the target again', async () => {
    // Prepare
    const store = await newStore(harness);
    const certs = certificates(3);
    const changes = newChanges(certs);
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, changes));
    // Act: the retried Lambda scans again (later) and reports the same changes
    const stats = await store.saveTargetScanWithStats(scan('run-1', '2026-11-25T06:05:00.000Z', 'ok', certs, changes));
    // Assess
    expect(stats).toMatchObject({ changeEventsWritten: 0, changeEventsAlreadyStored: 3, historyWritten: 0 });
    expect((await store.loadRunResults('run-1')).changes).toHaveLength(3);
    for (const cert of certs) expect(await store.loadCertificateHistory(cert.arn)).toHaveLength(1);
    // The first attempt's stamp is kept.
    expect((await store.loadCertificateHistory(certs[0]!.arn))[0]?.scannedAt).toBe(DAY1);
  });

  it('completes a save that failed halfway without duplicating what the first attempt wrote', async () => {
    // Prepare: one batch attempt, so the outage fails the save instead of being resent
    const store = await newStore(harness, { maxBatchAttempts: 1 });
    const certs = certificates(3);
    const changes = newChanges(certs);
    const outage = Object.assign(new Error('We currently do not have sufficient capacity'), {
      name: 'InternalServerError',
    });
    harness.failNext('BatchWriteItem', outage);
    // Act
    const failed = store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, changes));
    // Assess
    await expect(failed).rejects.toMatchObject({
      name: 'StateStoreError',
      operation: 'saveTargetScan',
      code: 'InternalServerError',
    });
    expect((await store.loadTarget(TARGET)).certificates).toHaveLength(0);
    // The retry sees an empty snapshot again, so the scanner reports the same NEW changes.
    const stats = await store.saveTargetScanWithStats(scan('run-1', DAY1, 'ok', certs, changes));
    expect(stats).toMatchObject({ certificatesWritten: 3, changeEventsAlreadyStored: 3, historyAlreadyStored: 3 });
    expect((await store.loadTarget(TARGET)).certificates).toHaveLength(3);
    expect((await store.loadRunResults('run-1')).changes).toHaveLength(3);
    // The target was listed before its certificates were written, so every reader finds them.
    expect(await store.loadAllCertificates()).toHaveLength(3);
  });

  it('lists the certificates of a save that stopped after the snapshot, and its retry completes the run record', async () => {
    // Prepare: the write of the run's target result fails, after the certificates were stored (sent once only)
    const store = await newStore(harness, { maxBatchAttempts: 1 });
    const certs = certificates(3);
    const outage = Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    harness.failNext('PutItem', outage, (input) => JSON.stringify(input.Item).includes('"target-result"'));
    // Act
    const failed = store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    // Assess
    await expect(failed).rejects.toMatchObject({ name: 'StateStoreError', code: 'InternalServerError' });
    expect((await store.loadRunResults('run-1')).targets).toHaveLength(0);
    // The target was listed as holding certificates before they were written.
    expect(arns(await store.loadAllCertificates())).toEqual(arns(certs));
    // The retry's diff finds the stored snapshot: no changes, nothing written twice.
    const stats = await store.saveTargetScanWithStats(scan('run-1', DAY1, 'ok', certs, []));
    expect(stats).toMatchObject({ certificatesWritten: 0, historyWritten: 0, changeEventsWritten: 0 });
    const results = await store.loadRunResults('run-1');
    expect(results.targets).toHaveLength(1);
    expect(results.changes).toHaveLength(3);
    expect(await store.loadCertificateHistory(certs[0]!.arn)).toHaveLength(1);
  });

  it('keeps what a failed save read beside the run’s results, out of the snapshot', async () => {
    // Prepare: day 1 stored two certificates; day 2's save failed, its outcome is recorded with what it read
    const store = await newStore(harness);
    const certs = certificates(3);
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs.slice(0, 2)));
    // Act
    await store.saveTargetScan({
      ...scan('run-2', DAY2, 'partial', [], [], { errorCode: 'MonitorStateTableFailed', certificateCount: 3 }),
      notStored: certs,
    });
    // Assess
    const results = await store.loadRunResults('run-2');
    expect(results.notStored?.map((cert) => cert.arn)).toEqual(certs.map((cert) => cert.arn));
    expect(results.targets).toMatchObject([{ status: 'partial', errorCode: 'MonitorStateTableFailed' }]);
    expect((await store.loadTarget(TARGET)).certificates).toHaveLength(2);
    expect(await store.loadRunResults('run-1')).not.toHaveProperty('notStored');
  });

  it('stamps history, results and events with a TTL historyDays after the scan', async () => {
    // Prepare
    const store = await newStore(harness, { historyDays: 30 });
    const certs = certificates(2);
    // Act
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', certs, newChanges(certs)));
    // Assess
    const expected = Date.parse(DAY1) / 1000 + 30 * 86_400;
    const history = await store.loadCertificateHistory(certs[0]!.arn);
    expect(history[0]?.expiresAt).toBe(expected);
    const run = await harness.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RUN#run-1' },
      }),
    );
    expect(run.Items).toHaveLength(3);
    for (const item of run.Items ?? []) expect(item.expiresAt).toBe(expected);
    // The snapshot itself never expires.
    const current = await harness.doc.send(
      new GetCommand({
        TableName: store.tableName,
        Key: { pk: `TARGET#${ACCOUNT}#${REGION}`, sk: `CERT#${certs[0]!.arn}` },
      }),
    );
    expect(current.Item).toBeDefined();
    expect(current.Item?.expiresAt).toBeUndefined();
  });

  it('keeps certificates out of the attention index, rewriting once one an earlier version put there', async () => {
    // Prepare: a certificate stored with the index keys an earlier version wrote (nothing ever read them)
    const store = await newStore(harness);
    const cert = certificate(1, { renewalStatus: 'FAILED' });
    await store.saveTargetScan(scan('run-1', DAY1, 'ok', [cert], newChanges([cert])));
    const key = { pk: `TARGET#${ACCOUNT}#${REGION}`, sk: `CERT#${cert.arn}` };
    await harness.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: key,
        UpdateExpression: 'SET gsi1pk = :pk, gsi1sk = :sk',
        ExpressionAttributeValues: { ':pk': 'ATTENTION', ':sk': `#${cert.arn}` },
      }),
    );
    // Act
    const first = await store.saveTargetScanWithStats(scan('run-2', DAY2, 'ok', [cert]));
    const second = await store.saveTargetScanWithStats(scan('run-3', DAY3, 'ok', [cert]));
    // Assess
    const stored = await harness.doc.send(new GetCommand({ TableName: store.tableName, Key: key }));
    expect(stored.Item).not.toHaveProperty('gsi1pk');
    expect(stored.Item).not.toHaveProperty('gsi1sk');
    expect(first).toMatchObject({ certificatesWritten: 1, certificatesUnchanged: 0 });
    expect(second).toMatchObject({ certificatesWritten: 0, certificatesUnchanged: 1 });
  });

  it('says how to create the table when it does not exist', async () => {
    // Prepare
    const store = new DynamoStateStore({
      client: harness.doc,
      tableName: 'no-such-table',
    });
    // Act
    const error = await store.loadTarget(TARGET).catch((caught: unknown) => caught);
    // Assess
    expect(error).toBeInstanceOf(StateStoreError);
    expect(error).toMatchObject({ operation: 'loadTarget', tableName: 'no-such-table', tableMissing: true });
    expect((error as Error).message).toMatch(/^table no-such-table not found: create it with .* or pass --state-table/);
  });
});
