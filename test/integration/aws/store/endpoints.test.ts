/**
 * The probed-endpoint items of the state table: one per owner (account, or the user's endpoints file), replaced
 * whole by each probe, all read back by one Query, and bounded under DynamoDB's item size, most serious kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  boundedEndpoints,
  DynamoEndpointStore,
  MAX_ENDPOINT_BYTES,
} from '../../../../lambdas/aws/store/endpoint-store';
import { FILE_ENDPOINTS_OWNER, type StoredEndpoint } from '../../../../lambdas/core/probe/history';
import { type Harness, newStore, startHarness } from './harness';

function stored(host: string, status: StoredEndpoint['status'] = 'ok', padding = ''): StoredEndpoint {
  return {
    host,
    port: 443,
    sni: host,
    source: 'domain',
    expectedSerials: ['0A:0B'],
    status,
    findings: status === 'finding' ? ['SERVED_MISMATCH'] : [],
    unreachableRuns: status === 'unreachable' ? 2 : 0,
    ...(padding ? { skippedReason: padding } : {}),
  };
}

describe('DynamoEndpointStore', () => {
  let harness: Harness;
  let store: DynamoEndpointStore;
  beforeAll(async () => {
    harness = await startHarness();
    const state = await newStore(harness);
    store = new DynamoEndpointStore(harness.doc, state.tableName);
  });
  afterAll(async () => {
    await harness.close();
  });

  it('keeps one item per owner, the last probe replacing the one before', async () => {
    // Prepare
    await store.saveEndpoints({
      accountId: '111122223333',
      runId: 'r1',
      probedAt: '2026-11-30T06:00:00.000Z',
      endpoints: [stored('a.example.com'), stored('gone.example.com')],
    });
    await store.saveEndpoints({
      accountId: FILE_ENDPOINTS_OWNER,
      runId: 'r1',
      probedAt: '2026-11-30T06:00:00.000Z',
      endpoints: [stored('vpn.example.com', 'unreachable')],
    });
    // Act
    await store.saveEndpoints({
      accountId: '111122223333',
      accountName: 'shop',
      runId: 'r2',
      probedAt: '2026-12-01T06:00:00.000Z',
      endpoints: [stored('a.example.com', 'finding')],
    });
    // Assess
    const all = await store.loadAllEndpoints();
    expect(all.map((owner) => [owner.accountId, owner.runId, owner.endpoints.map((e) => [e.host, e.status])])).toEqual([
      ['111122223333', 'r2', [['a.example.com', 'finding']]],
      ['file', 'r1', [['vpn.example.com', 'unreachable']]],
    ]);
    expect(await store.loadEndpoints('111122223333')).toMatchObject({
      accountName: 'shop',
      probedAt: '2026-12-01T06:00:00.000Z',
    });
    expect(await store.loadEndpoints('999999999999')).toBeUndefined();
  });

  it('stores an owner with more endpoints than an item holds, the most serious kept', async () => {
    // Prepare: about 1 KB each, well past what one item holds.
    const pad = 'x'.repeat(1_000);
    const many = [
      ...Array.from({ length: 500 }, (_, i) => stored(`ok${i}.example.com`, 'ok', pad)),
      stored('bad.example.com', 'finding', pad),
      stored('down.example.com', 'unreachable', pad),
    ];
    // Act
    await store.saveEndpoints({
      accountId: '444455556666',
      runId: 'r2',
      probedAt: '2026-12-01T06:00:00.000Z',
      endpoints: many,
    });
    // Assess
    const back = await store.loadEndpoints('444455556666');
    const { omitted } = boundedEndpoints(many);
    expect(omitted).toBeGreaterThan(0);
    expect(back?.endpoints.slice(0, 2).map((e) => e.host)).toEqual(['bad.example.com', 'down.example.com']);
    expect(back?.endpoints).toHaveLength(many.length - omitted);
    expect(JSON.stringify(back?.endpoints).length).toBeLessThanOrEqual(MAX_ENDPOINT_BYTES);
  });
});
