import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STORED_FAILURES_CHARS } from '../../../../lambdas/aws/store/items';
import type { Change, TargetResult } from '../../../../lambdas/core/model';
import { ACCOUNT, certificate, certificates, completedRun, newChanges, result, scan } from './factory';
import { type Harness, newStore, startHarness } from './harness';

describe('DynamoStateStore runs', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('has no latest completed run before any run completes, even while one runs', async () => {
    const store = await newStore(harness);
    await store.recordRunStarted({ runId: 'run-1', startedAt: '2026-11-25T06:00:00.000Z' });
    expect(await store.latestCompletedRun()).toBeUndefined();
  });

  it('returns the run that completed last, with one Query', async () => {
    // Prepare
    const store = await newStore(harness);
    await store.recordRunCompleted(completedRun('run-b', '2026-11-26T06:00:00.000Z', '2026-11-26T06:20:00.000Z'));
    await store.recordRunCompleted(completedRun('run-c', '2026-11-27T06:00:00.000Z', '2026-11-27T06:20:00.000Z'));
    await store.recordRunCompleted(completedRun('run-a', '2026-11-25T06:00:00.000Z', '2026-11-25T06:20:00.000Z'));
    harness.counter.reset();
    // Act
    const latest = await store.latestCompletedRun();
    // Assess
    expect(latest).toEqual(completedRun('run-c', '2026-11-27T06:00:00.000Z', '2026-11-27T06:20:00.000Z'));
    expect(harness.counter.requests).toEqual({ Query: 1 });
  });

  it('keeps the first completion when a run is recorded as completed twice', async () => {
    // Prepare
    const store = await newStore(harness);
    await store.recordRunStarted({ runId: 'run-1', startedAt: '2026-11-25T06:00:00.000Z' });
    await store.recordRunCompleted(completedRun('run-1', '2026-11-25T06:00:00.000Z', '2026-11-25T06:20:00.000Z'));
    await store.recordRunCompleted(completedRun('run-2', '2026-11-26T06:00:00.000Z', '2026-11-26T06:20:00.000Z'));
    // Act: a retried finalization of run-1, a day late, with other counts
    await store.recordRunCompleted(
      completedRun('run-1', '2026-11-25T06:00:00.000Z', '2026-11-27T09:00:00.000Z', { certificates: 1 }),
    );
    await store.recordRunStarted({ runId: 'run-2', startedAt: '2026-11-26T06:00:00.000Z' });
    // Assess
    expect((await store.latestCompletedRun())?.runId).toBe('run-2');
    const index = await harness.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RUNS' },
      }),
    );
    expect(index.Items?.map((item) => item.runId)).toEqual(['run-1', 'run-2']);
    expect(index.Items?.[0]?.data).toMatchObject({ completedAt: '2026-11-25T06:20:00.000Z', certificates: 42 });
  });

  it('stamps a completion without a time with the clock', async () => {
    const store = await newStore(harness, { clock: () => new Date('2026-11-27T07:00:00Z') });
    const { completedAt: _, ...run } = completedRun('run-1', '2026-11-27T06:00:00.000Z', '');
    await store.recordRunCompleted(run);
    expect((await store.latestCompletedRun())?.completedAt).toBe('2026-11-27T07:00:00.000Z');
  });

  it('keeps a bounded list of failures in the run record', async () => {
    // Prepare
    const store = await newStore(harness);
    const failures = Array.from({ length: 3_000 }, (_, i) => ({
      accountId: String(100000000000 + i),
      region: 'eu-central-2',
      errorCode: 'AccessDenied',
      errorMessage: `User is not authorized to perform sts:AssumeRole on role ${i}`,
    }));
    // Act
    await store.recordRunCompleted(
      completedRun('run-1', '2026-11-27T06:00:00.000Z', '2026-11-27T06:30:00.000Z', { failures }),
    );
    // Assess
    const stored = await store.latestCompletedRun();
    expect(stored?.failures.length).toBeGreaterThan(100);
    expect(stored?.failures.length).toBeLessThan(3_000);
    expect(JSON.stringify(stored?.failures).length).toBeLessThanOrEqual(MAX_STORED_FAILURES_CHARS);
    expect(stored?.failures[0]).toEqual(failures[0]);
  });

  it('loads every target result and change event of a run across pages', async () => {
    // Prepare: 30 targets with 2 changes each, read 7 items a page
    const store = await newStore(harness, { pageSize: 7 });
    const regions = Array.from({ length: 30 }, (_, i) => `region-${String(i).padStart(2, '0')}`);
    await Promise.all(
      regions.map((region, i) => {
        const certs = [certificate(2 * i, { region }), certificate(2 * i + 1, { region })];
        return store.saveTargetScan(
          scan('run-1', '2026-11-27T06:00:00.000Z', 'ok', certs, newChanges(certs), { region }),
        );
      }),
    );
    await store.saveTargetScan(scan('run-2', '2026-11-28T06:00:00.000Z', 'error', [], [], { region: 'region-00' }));
    harness.counter.reset();
    // Act
    const { targets, changes } = await store.loadRunResults('run-1');
    // Assess
    expect(targets.map((target: TargetResult) => target.region).sort()).toEqual(regions);
    expect(targets.every((target) => target.status === 'ok')).toBe(true);
    expect(changes).toHaveLength(60);
    expect(new Set(changes.map((change: Change) => change.arn)).size).toBe(60);
    expect(harness.counter.count('Query')).toBeGreaterThanOrEqual(Math.ceil(91 / 7));
  });

  it('loads every current certificate target by target, without a table scan or reading empty targets', async () => {
    // Prepare
    const store = await newStore(harness, { pageSize: 5 });
    const west = certificates(12).map((cert) => ({ ...cert, region: 'eu-west-1' }));
    const east = [certificate(50, { region: 'us-east-1' }), certificate(51, { region: 'us-east-1' })];
    await store.saveTargetScan(scan('run-1', '2026-11-27T06:00:00.000Z', 'ok', west, [], { region: 'eu-west-1' }));
    await store.saveTargetScan(scan('run-1', '2026-11-27T06:00:00.000Z', 'ok', east, [], { region: 'us-east-1' }));
    await store.saveTargetScan(scan('run-1', '2026-11-27T06:00:00.000Z', 'ok', [], [], { region: 'ap-south-2' }));
    // Some history, runs and events that a table scan would have to read through.
    await store.recordRunCompleted(completedRun('run-1', '2026-11-27T06:00:00.000Z', '2026-11-27T06:20:00.000Z'));
    harness.counter.reset();
    // Act
    const all = await store.loadAllCertificates();
    // Assess
    expect(all.map((cert) => cert.arn).sort()).toEqual([...west, ...east].map((cert) => cert.arn).sort());
    expect(harness.counter.count('Scan')).toBe(0);
    // TARGETS: 3 items in one 5-item page; eu-west-1: 12 in 3 pages; us-east-1: 2 in 1; ap-south-2 is skipped.
    expect(harness.counter.count('Query')).toBe(1 + 3 + 1);
    expect((await store.listTargetMetas()).map((target) => [target.region, target.certificateCount])).toEqual([
      ['ap-south-2', 0],
      ['eu-west-1', 12],
      ['us-east-1', 2],
    ]);
  });

  it('records the account name and error of each target in the run', async () => {
    const store = await newStore(harness);
    await store.saveTargetScan({
      runId: 'run-1',
      scannedAt: '2026-11-27T06:00:00.000Z',
      result: result('error', 0, { accountId: ACCOUNT, errorCode: 'AccessDenied', errorMessage: 'no role' }),
      certificates: [],
      changes: [],
    });
    const { targets } = await store.loadRunResults('run-1');
    expect(targets).toEqual([result('error', 0, { errorCode: 'AccessDenied', errorMessage: 'no role' })]);
  });
});
