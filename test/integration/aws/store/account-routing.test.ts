/**
 * The routing-fact items of the state table: FinalizeRun records each account's facts, the Events Lambda reads its
 * batch's accounts back by key. Every request is metered against the table actions the hub grants each of them
 * (TABLE_ACCESS): the local table does not enforce IAM, so this is where a missing grant shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAccountRoutingStore } from '../../../../lambdas/aws/store/account-routing-store';
import { TableOperations } from '../../../../lambdas/aws/store/table';
import { ensureTable } from '../../../../lambdas/aws/table';
import { TABLE_ACCESS } from '../../../../lambdas/pipeline/table-access';
import { type Harness, startHarness } from './harness';

describe('DynamoAccountRoutingStore', () => {
  let harness: Harness;
  let store: DynamoAccountRoutingStore;
  beforeAll(async () => {
    harness = await startHarness();
    await ensureTable(harness.client, 'routing-1');
    store = new DynamoAccountRoutingStore(new TableOperations({ client: harness.doc, tableName: 'routing-1' }));
  });
  afterAll(async () => {
    await harness.close();
  });

  it('replaces each account’s facts whole and reads back only the accounts asked, with FinalizeRun’s and the Events Lambda’s grants', async () => {
    // Prepare
    await store.saveAccountRouting(
      [
        { accountId: '111111111111', tags: { team: 'web' }, ouPath: ['ou-ab12-11111111'] },
        { accountId: '222222222222', tags: {}, ouPath: [] },
      ],
      '2026-11-30T06:00:00Z',
    );
    harness.counter.reset();
    // Act
    await store.saveAccountRouting(
      [
        { accountId: '111111111111', tags: {}, ouPath: ['ou-ab12-22222222', 'ou-ab12-11111111'] },
        { accountId: '333333333333', tagsError: 'account tags unreadable (AccessDeniedException)', ouPath: [] },
      ],
      '2026-12-01T06:00:00Z',
    );
    const saved = Object.keys(harness.counter.requests);
    harness.counter.reset();
    const loaded = await store.loadAccountRouting(['111111111111', '333333333333', '444444444444']);
    const read = Object.keys(harness.counter.requests);
    // Assess
    expect(Object.fromEntries(loaded)).toEqual({
      '111111111111': { accountId: '111111111111', tags: {}, ouPath: ['ou-ab12-22222222', 'ou-ab12-11111111'] },
      '333333333333': {
        accountId: '333333333333',
        tagsError: 'account tags unreadable (AccessDeniedException)',
        ouPath: [],
      },
    });
    expect(saved).toEqual(['BatchWriteItem']);
    expect(read).toEqual(['BatchGetItem']);
    for (const operation of saved) expect(TABLE_ACCESS.finalizeRun.actions).toContain(`dynamodb:${operation}`);
    for (const operation of read) expect(TABLE_ACCESS.events.actions).toContain(`dynamodb:${operation}`);
  });

  it('sends nothing for no accounts', async () => {
    harness.counter.reset();

    await store.saveAccountRouting([], '2026-12-01T06:00:00Z');
    const loaded = await store.loadAccountRouting([]);

    expect(loaded.size).toBe(0);
    expect(harness.counter.requests).toEqual({});
  });
});
