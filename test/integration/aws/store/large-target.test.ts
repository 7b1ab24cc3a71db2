import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../../../lambdas/core/model';
import { ACCOUNT, certificates, newChanges, REGION, scan } from './factory';
import { type Harness, newStore, startHarness } from './harness';

const TARGET = { accountId: ACCOUNT, region: REGION };
const COUNT = 2_500;

describe('DynamoStateStore with a 2,500-certificate target', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('pages reads and writes, writes each item once and only what changed afterwards', async () => {
    const store = await newStore(harness);
    const certs = certificates(COUNT);
    const changes = newChanges(certs);

    // First scan: every certificate, event and first-seen entry is new.
    const first = await store.saveTargetScanWithStats(scan('run-1', '2026-11-25T06:00:00.000Z', 'ok', certs, changes));
    expect(first).toMatchObject({ certificatesWritten: COUNT, changeEventsWritten: COUNT, historyWritten: COUNT });
    // 25 per BatchWriteItem: 100 calls for the certificates, 200 for events and history; 100 keys per BatchGetItem.
    expect(first.batchWriteCalls).toBe(300);
    expect(first.batchGetCalls).toBe(50);
    expect(harness.counter.count('PutItem')).toBe(1);
    expect(harness.counter.count('BatchWriteItem')).toBe(300);

    harness.counter.reset();
    const loaded = await store.loadTarget(TARGET);
    expect(loaded.certificates).toHaveLength(COUNT);
    expect(new Set(loaded.certificates.map((cert) => cert.arn)).size).toBe(COUNT);
    // DynamoDB returns at most 1 MB a page; 2,500 certificates are more than that.
    expect(harness.counter.count('Query')).toBeGreaterThanOrEqual(2);

    // The Lambda is retried for the same run: the existing keys are found, nothing is written twice.
    harness.counter.reset();
    const retry = await store.saveTargetScanWithStats(scan('run-1', '2026-11-25T06:04:00.000Z', 'ok', certs, changes));
    expect(retry).toMatchObject({
      certificatesWritten: 0,
      certificatesUnchanged: COUNT,
      changeEventsWritten: 0,
      changeEventsAlreadyStored: COUNT,
      historyWritten: 0,
      historyAlreadyStored: COUNT,
      batchWriteCalls: 0,
    });
    expect(harness.counter.count('BatchWriteItem')).toBe(0);
    expect((await store.loadRunResults('run-1')).changes).toHaveLength(COUNT);

    // Next day, nothing changed: no certificate is rewritten.
    harness.counter.reset();
    const unchanged = await store.saveTargetScanWithStats(scan('run-2', '2026-11-26T06:00:00.000Z', 'ok', certs, []));
    expect(unchanged).toMatchObject({ certificatesWritten: 0, certificatesUnchanged: COUNT, batchWriteCalls: 0 });
    expect(harness.counter.itemsWritten).toBe(2);

    // Day three: 100 renewed, 50 deleted in ACM.
    const renewed = certs.slice(0, 100).map((cert) => ({ ...cert, notAfter: '2027-12-01T00:00:00.000Z' }));
    const kept = [...renewed, ...certs.slice(150)];
    const dayThree: Change[] = [
      ...renewed.map((cert) => ({ ...newChanges([cert])[0]!, type: 'RENEWED' as const, summary: 'renewed' })),
      ...certs
        .slice(100, 150)
        .map((cert) => ({ ...newChanges([cert])[0]!, type: 'REMOVED' as const, summary: 'gone' })),
    ];
    harness.counter.reset();
    const third = await store.saveTargetScanWithStats(scan('run-3', '2026-11-27T06:00:00.000Z', 'ok', kept, dayThree));
    expect(third).toMatchObject({
      certificatesWritten: 100,
      certificatesRemoved: 50,
      certificatesUnchanged: COUNT - 150,
      changeEventsWritten: 150,
      historyWritten: 150,
    });
    expect(third).toMatchObject({ batchGetCalls: 3, batchWriteCalls: 6 + 12 });
    expect(harness.counter.itemsWritten).toBe(100 + 150 + 150 + 2);
    expect(harness.counter.itemsDeleted).toBe(50);
    expect((await store.loadTarget(TARGET)).certificates).toHaveLength(COUNT - 50);
    expect(await store.loadAllCertificates()).toHaveLength(COUNT - 50);
  });
});
