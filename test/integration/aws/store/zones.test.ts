/**
 * The hosted-zone items of the state table: one per account, replaced whole by each listing, all read back by one
 * Query, so the diagnosis sees each account's last listing and no zone deleted since.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, newStore, startHarness } from './harness';

describe('DynamoStateStore hosted zones', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('keeps one item per account, the last listing replacing the one before', async () => {
    // Prepare
    const store = await newStore(harness);
    await store.saveAccountZones({
      accountId: '111122223333',
      accountName: 'prod-dns',
      zones: [
        { id: 'Z1', name: 'example.com' },
        { id: 'Z2', name: 'gone.example.com' },
      ],
      listedAt: '2026-11-30T06:00:00Z',
    });
    await store.saveAccountZones({
      accountId: '444455556666',
      zones: [{ id: 'Z3', name: 'example.org' }],
      listedAt: '2026-11-30T06:00:00Z',
    });
    // Act
    await store.saveAccountZones({
      accountId: '111122223333',
      accountName: 'prod-dns',
      zones: [{ id: 'Z1', name: 'example.com' }],
      listedAt: '2026-12-01T06:00:00Z',
    });
    const all = await store.loadAllZones();
    // Assess
    expect(all.sort((a, b) => a.accountId.localeCompare(b.accountId))).toEqual([
      {
        accountId: '111122223333',
        accountName: 'prod-dns',
        zones: [{ id: 'Z1', name: 'example.com' }],
        listedAt: '2026-12-01T06:00:00.000Z',
      },
      { accountId: '444455556666', zones: [{ id: 'Z3', name: 'example.org' }], listedAt: '2026-11-30T06:00:00.000Z' },
    ]);
  });

  it('refuses a listing time that is not ISO-8601', async () => {
    const store = await newStore(harness);

    await expect(store.saveAccountZones({ accountId: '1', zones: [], listedAt: 'yesterday' })).rejects.toThrow(
      /listedAt is not an ISO-8601 time/,
    );
  });
});
