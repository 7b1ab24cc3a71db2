/**
 * Each account's owner-routing facts as the last daily run read them from Organizations (core/routing/accounts.ts):
 * FinalizeRun records them from its work list, the Events Lambda reads those of its batch's accounts, so an alert
 * from an event reaches the same owner the daily run would choose.
 *
 * One small item per account rather than one item for the organization: an item is capped at 400 KB and an
 * organization can hold thousands of accounts, each with OU ancestry and tag values up to 256 characters; per
 * account, nothing needs truncating, and a batch reads only its own accounts (one BatchGetItem per 100) instead of
 * the whole organization's. Writing costs a BatchWriteItem per 25 accounts per run.
 */
import type { AccountRouting, AccountRoutingStore } from '../../core/routing';
import type { Item } from './batch';
import { isoTime } from './items';
import { ITEM_KINDS, PK, ROUTING_PK, SK } from './keys';
import { putRequest, type TableOperations } from './table';

export class DynamoAccountRoutingStore implements AccountRoutingStore {
  constructor(private readonly table: TableOperations) {}

  /**
   * Replaces each account's item whole: a tag removed or an OU moved since must not linger. No TTL: an account
   * whose next read fails records that failure, and an account that left the organization sends no more events.
   */
  async saveAccountRouting(accounts: readonly AccountRouting[], recordedAt: string): Promise<void> {
    if (accounts.length === 0) return;
    await this.table.guard('saveAccountRouting', async () => {
      const at = isoTime(recordedAt, 'recordedAt');
      await this.table.batchWrite(
        accounts.map((account) => putRequest(routingItem(account, at))),
        'saveAccountRouting',
      );
    });
  }

  async loadAccountRouting(accountIds: readonly string[]): Promise<Map<string, AccountRouting>> {
    const ids = [...new Set(accountIds)];
    if (ids.length === 0) return new Map();
    return this.table.guard('loadAccountRouting', async () => {
      const { items } = await this.table.batchGet(
        ids.map((accountId) => ({ [PK]: ROUTING_PK, [SK]: accountId })),
        'loadAccountRouting',
      );
      return new Map(items.map((item) => [String(item.accountId), toAccountRouting(item)]));
    });
  }
}

function routingItem(account: AccountRouting, recordedAt: string): Item {
  return {
    [PK]: ROUTING_PK,
    [SK]: account.accountId,
    kind: ITEM_KINDS.accountRouting,
    accountId: account.accountId,
    recordedAt,
    ...(account.tags !== undefined ? { tags: account.tags } : {}),
    ...(account.tagsError !== undefined ? { tagsError: account.tagsError } : {}),
    ...(account.ouPath !== undefined ? { ouPath: account.ouPath } : {}),
    ...(account.ouError !== undefined ? { ouError: account.ouError } : {}),
  };
}

function toAccountRouting(item: Item): AccountRouting {
  const tags = item.tags;
  return {
    accountId: String(item.accountId),
    ...(tags !== null && typeof tags === 'object'
      ? {
          tags: Object.fromEntries(
            Object.entries(tags as Record<string, unknown>).filter(
              (entry): entry is [string, string] => typeof entry[1] === 'string',
            ),
          ),
        }
      : {}),
    ...(typeof item.tagsError === 'string' ? { tagsError: item.tagsError } : {}),
    ...(Array.isArray(item.ouPath) ? { ouPath: item.ouPath.map(String) } : {}),
    ...(typeof item.ouError === 'string' ? { ouError: item.ouError } : {}),
  };
}
