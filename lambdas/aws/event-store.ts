/**
 * The event path's items on the state table (docs/table.md): one dirty mark per target an event touched since the
 * daily run last listed it (`DIRTY` partition, one Query reads them all), and the event path's pulse (`EVENTS` /
 * `HEALTH`). The last complete scan of a target is read from the snapshot store's own target meta item, so "has a
 * scan already seen this event" is answered by what the scans recorded, not by a second copy of it.
 *
 * Every write is an UpdateItem that is safe to repeat or to run concurrently with another batch's: counts are ADDed,
 * the earliest time is kept with if_not_exists, the latest moves only forward (a condition), and a mark is cleared
 * only under the condition that no event newer than the scan reached it meanwhile.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EventTarget } from '../core/events/classify';
import type { DirtyMark, EventPathHealth, EventStateStore } from '../core/events/store';
import type { Change } from '../core/model';
import { targetKey } from '../core/model';
import { TABLE_SCHEMA } from '../core/names';
import { queryAll } from './store/batch';
import { isConditionalCheckFailed, StateStoreError } from './store/errors';
import { expiresAtEpoch, isoInstant, TARGETS_PK, targetMetaSk } from './store/keys';

const PK = TABLE_SCHEMA.partitionKey;
const SK = TABLE_SCHEMA.sortKey;

/** The partition of the dirty marks, one item per target (`<account>#<region>`). */
export const DIRTY_PK = 'DIRTY';
/** The event path's health item. */
export const EVENTS_PK = 'EVENTS';
export const EVENTS_HEALTH_SK = 'HEALTH';
/** The changes one event batch's rescans found: `CHANGES#<scannedAt>#<runId>`, so a Query reads them by time. */
export const EVENT_CHANGES_SK_PREFIX = 'CHANGES#';
/** Event changes are read by the next daily run; kept this long so a stopped schedule does not lose them. */
export const EVENT_CHANGES_DAYS = 30;
export const EVENT_ITEM_KINDS = {
  dirtyMark: 'dirty-mark',
  eventHealth: 'event-health',
  eventChanges: 'event-changes',
} as const;

export class DynamoEventStore implements EventStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {
    if (tableName.trim() === '') throw new RangeError('tableName must not be empty');
  }

  async markDirty(marks: readonly DirtyMark[]): Promise<void> {
    await this.guard('markDirty', () => Promise.all(marks.map((mark) => this.markOne(mark))));
  }

  private async markOne(mark: DirtyMark): Promise<void> {
    const key = { [PK]: DIRTY_PK, [SK]: targetKey(mark) };
    const values = {
      ':kind': EVENT_ITEM_KINDS.dirtyMark,
      ':account': mark.accountId,
      ':region': mark.region,
      ':since': isoInstant(mark.since),
      ':n': mark.events,
    };
    const common = 'kind = :kind, accountId = :account, #region = :region, since = if_not_exists(since, :since)';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${common}, lastEventAt = :last ADD events :n`,
          ConditionExpression: 'attribute_not_exists(lastEventAt) OR lastEventAt < :last',
          ExpressionAttributeNames: { '#region': 'region' },
          ExpressionAttributeValues: { ...values, ':last': isoInstant(mark.lastEventAt) },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // A newer event is already in the mark: count these in without moving its latest time back.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${common} ADD events :n`,
          ExpressionAttributeNames: { '#region': 'region' },
          ExpressionAttributeValues: values,
        }),
      );
    }
  }

  async loadDirtyMarks(): Promise<DirtyMark[]> {
    return this.guard('loadDirtyMarks', async () => {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': DIRTY_PK },
        ConsistentRead: true,
      });
      return items.map((item) => ({
        accountId: item.accountId as string,
        region: item.region as string,
        since: item.since as string,
        lastEventAt: item.lastEventAt as string,
        events: Number(item.events ?? 0),
      }));
    });
  }

  async clearDirtyMark(target: EventTarget, scannedAt: string): Promise<boolean> {
    return this.guard('clearDirtyMark', async () => {
      try {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { [PK]: DIRTY_PK, [SK]: targetKey(target) },
            ConditionExpression: 'lastEventAt < :scanned',
            ExpressionAttributeValues: { ':scanned': isoInstant(scannedAt) },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionalCheckFailed(error)) return false;
        throw error;
      }
    });
  }

  async targetMeta(target: EventTarget): Promise<{ lastCompleteScanAt?: string; accountName?: string }> {
    return this.guard('targetMeta', async () => {
      const output = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [PK]: TARGETS_PK, [SK]: targetMetaSk(target.accountId, target.region) },
          ProjectionExpression: 'lastCompleteScanAt, accountName',
          ConsistentRead: true,
        }),
      );
      const item = output.Item ?? {};
      return {
        ...(typeof item.lastCompleteScanAt === 'string' ? { lastCompleteScanAt: item.lastCompleteScanAt } : {}),
        ...(typeof item.accountName === 'string' ? { accountName: item.accountName } : {}),
      };
    });
  }

  async recordArrivals(count: number, latestEventAt: string, arrivedAt: string): Promise<void> {
    if (count <= 0) return;
    await this.guard('recordArrivals', async () => {
      const key = { [PK]: EVENTS_PK, [SK]: EVENTS_HEALTH_SK };
      const values = { ':kind': EVENT_ITEM_KINDS.eventHealth, ':n': count, ':arrived': isoInstant(arrivedAt) };
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET kind = :kind, lastArrivalAt = :arrived, lastEventAt = :last ADD received :n',
            ConditionExpression: 'attribute_not_exists(lastEventAt) OR lastEventAt < :last',
            ExpressionAttributeValues: { ...values, ':last': isoInstant(latestEventAt) },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET kind = :kind, lastArrivalAt = :arrived ADD received :n',
            ExpressionAttributeValues: values,
          }),
        );
      }
    });
  }

  async loadHealth(): Promise<EventPathHealth> {
    return this.guard('loadHealth', async () => {
      const output = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [PK]: EVENTS_PK, [SK]: EVENTS_HEALTH_SK } }),
      );
      const item = output.Item ?? {};
      return {
        ...(typeof item.lastEventAt === 'string' ? { lastEventAt: item.lastEventAt } : {}),
        ...(typeof item.lastArrivalAt === 'string' ? { lastArrivalAt: item.lastArrivalAt } : {}),
        received: Number(item.received ?? 0),
      };
    });
  }

  async recordChanges(runId: string, scannedAt: string, changes: readonly Change[]): Promise<void> {
    if (changes.length === 0) return;
    await this.guard('recordChanges', async () => {
      const at = isoInstant(scannedAt);
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: EVENTS_PK,
            [SK]: `${EVENT_CHANGES_SK_PREFIX}${at}#${runId}`,
            kind: EVENT_ITEM_KINDS.eventChanges,
            runId,
            scannedAt: at,
            changes: [...changes],
            [TABLE_SCHEMA.ttlAttribute]: expiresAtEpoch(at, EVENT_CHANGES_DAYS),
          },
        }),
      );
    });
  }

  async changesBetween(from: string | undefined, to: string): Promise<Change[]> {
    return this.guard('changesBetween', async () => {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        // Keys are `CHANGES#<ISO time>#<run id>`: an ISO time sorts as time, and '#' before every digit, so the
        // range [from, to) is `CHANGES#<from>` up to, not including, `CHANGES#<to>`.
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: {
          ':pk': EVENTS_PK,
          ':from': `${EVENT_CHANGES_SK_PREFIX}${from === undefined ? '' : isoInstant(from)}`,
          ':to': `${EVENT_CHANGES_SK_PREFIX}${isoInstant(to)}`,
        },
        ConsistentRead: true,
      });
      return items.flatMap((item) => (item.changes ?? []) as Change[]);
    });
  }

  private async guard<T>(operation: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      throw StateStoreError.from(operation, this.tableName, error);
    }
  }
}
