/**
 * The operations every store of the single table uses (snapshot, runs, zones, alerts, the digest marker): paged
 * Queries, consistent reads, conditional puts that recognise their own item after a lost answer, batched reads and
 * writes with a bounded number of resends, and errors that name the operation and table. One copy, so each store
 * says what it stores and not again how DynamoDB is called; before, the alert store had its own BatchGetItem loop
 * that resent unprocessed keys forever.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { canonicalJson } from '../../core/canonical';
import {
  type BatchOptions,
  type BatchStats,
  batchGetAll,
  batchWriteAll,
  existingKeys,
  type Item,
  keyString,
  queryAll,
  resendOnFailure,
  type WriteRequest,
} from './batch';
import { isConditionalCheckFailed, StateStoreError } from './errors';
import { PK, SK } from './keys';

const DEFAULT_STORE_CONCURRENCY = 16;
const DEFAULT_MAX_BATCH_ATTEMPTS = 8;
/**
 * Sends of one single write (PutItem, UpdateItem) that failed as a whole after the client's 10 attempts. Fewer than
 * a batch chunk gets: in an outage that lasts, a scan must still record its outcome in its time budget.
 */
const SINGLE_WRITE_SENDS = 3;
/** Up to this many items of one putAllIfAbsent are written as conditional PutItem calls. */
const CONDITIONAL_PUT_MAX = 25;

export interface TableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Items per Query page. @default DynamoDB's 1 MB pages */
  pageSize?: number;
  /** Conditional puts, batch chunks and Queries in flight at once. @default DEFAULT_STORE_CONCURRENCY */
  concurrency?: number;
  /**
   * Batch calls per chunk before unprocessed items fail the operation; a single write is sent at most this many
   * times too, and never more than SINGLE_WRITE_SENDS. @default DEFAULT_MAX_BATCH_ATTEMPTS
   */
  maxBatchAttempts?: number;
  /** How resends wait. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** `written`: this call wrote it. `same`: the item there is this one. `different`: another item holds the key. */
export type PutIfAbsentOutcome = 'written' | 'same' | 'different';

/** What putAllIfAbsent wrote, and the batch calls it took. */
export interface PutAllOutcome {
  written: Item[];
  batchGetCalls: number;
  batchWrite: BatchStats;
}

export class TableOperations {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly concurrency: number;
  private readonly pageSize: number | undefined;
  private readonly maxBatchAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: TableOptions) {
    const concurrency = options.concurrency ?? DEFAULT_STORE_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    if (options.tableName.trim() === '') throw new RangeError('tableName must not be empty');
    this.client = options.client;
    this.tableName = options.tableName;
    this.concurrency = concurrency;
    this.pageSize = options.pageSize;
    this.maxBatchAttempts = options.maxBatchAttempts ?? DEFAULT_MAX_BATCH_ATTEMPTS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Runs `action`, turning any failure into a StateStoreError naming `operation` and the table. */
  async guard<T>(operation: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw StateStoreError.from(operation, this.tableName, error);
    }
  }

  /** Every item of a partition, following pages. */
  async queryPartition(pk: string, options: { consistent?: boolean } = {}): Promise<Item[]> {
    return this.query({
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': pk },
      ...(options.consistent ? { ConsistentRead: true } : {}),
    });
  }

  /** Every item a Query of this table matches, following pages; `onPage` counts them. */
  async query(input: Omit<QueryCommandInput, 'TableName'>, onPage?: () => void): Promise<Item[]> {
    return queryAll(this.client, { TableName: this.tableName, Limit: this.pageSize, ...input }, onPage);
  }

  async get(key: Item, consistent = true): Promise<Item | undefined> {
    const output = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: consistent }),
    );
    return output.Item;
  }

  async put(item: Item): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: item }));
  }

  /**
   * Puts the item on a condition; false when the condition failed. The caller decides what a failed condition
   * means (after a lost answer it may be its own earlier write).
   */
  async putIf(
    item: Item,
    condition: Pick<
      NonNullable<ConstructorParameters<typeof PutCommand>[0]>,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<boolean> {
    return this.conditionally(() =>
      this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition })),
    );
  }

  /** Sends a conditional write: true when it was applied, false when its condition failed; other errors throw. */
  async conditionally(send: () => Promise<unknown>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return false;
    }
  }

  /**
   * Puts the item unless one with its key (or, given `attribute`, with that attribute) exists. `same` covers an
   * earlier attempt of the same work, or this very call when its answer was lost and the SDK's resend met its own
   * item: the write is done whoever did it.
   */
  async putIfAbsent(item: Item, attribute: string = PK): Promise<PutIfAbsentOutcome> {
    const written = await this.putIf(item, {
      ConditionExpression: 'attribute_not_exists(#a)',
      ExpressionAttributeNames: { '#a': attribute },
    });
    if (written) return 'written';
    const stored = await this.get({ [PK]: item[PK], [SK]: item[SK] });
    return stored !== undefined && canonicalJson(stored) === canonicalJson(item) ? 'same' : 'different';
  }

  /**
   * Writes the items whose keys are not in the table yet and returns those it wrote; the first write of a key wins.
   * A few (the daily case) go as conditional PutItem calls. Many (a target's first scan: one NEW event and one
   * history entry per certificate) would be thousands of calls, so the existing keys are read 100 per BatchGetItem
   * and the rest written 25 per BatchWriteItem. Between that read and write only a concurrent attempt of the same
   * work could write the same keys; keys are deterministic, so even then nothing is duplicated.
   */
  async putAllIfAbsent(items: readonly Item[], operation: string): Promise<PutAllOutcome> {
    if (items.length <= CONDITIONAL_PUT_MAX) {
      const limit = pLimit(this.concurrency);
      const outcomes = await Promise.all(
        items.map((item) => limit(() => this.resent(operation, () => this.putIfAbsent(item)))),
      );
      return {
        written: items.filter((_, index) => outcomes[index] === 'written'),
        batchGetCalls: 0,
        batchWrite: { calls: 0, retries: 0 },
      };
    }
    const keyNames = [PK, SK] as const;
    const options = this.batchOptions(operation);
    const keys = items.map((item) => ({ [PK]: item[PK], [SK]: item[SK] }));
    const existing = await existingKeys(this.client, this.tableName, keys, keyNames, options);
    const missing = items.filter((item) => !existing.found.has(keyString(item, keyNames)));
    const batchWrite = await batchWriteAll(this.client, this.tableName, missing.map(putRequest), options);
    return { written: missing, batchGetCalls: existing.stats.calls, batchWrite };
  }

  /** SET the given attributes and REMOVE others, in one UpdateItem. */
  async update(key: Item, set: Record<string, unknown>, remove: readonly string[] = []): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const assignments = Object.entries(set).map(([name, value], index) => {
      names[`#s${index}`] = name;
      values[`:s${index}`] = value;
      return `#s${index} = :s${index}`;
    });
    const removals = remove.map((name, index) => {
      names[`#r${index}`] = name;
      return `#r${index}`;
    });
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** Puts and deletes, 25 per BatchWriteItem, unprocessed ones resent a bounded number of times. */
  async batchWrite(requests: readonly WriteRequest[], operation: string): Promise<BatchStats> {
    return batchWriteAll(this.client, this.tableName, requests, this.batchOptions(operation));
  }

  /** The items of the keys that exist, 100 per consistent BatchGetItem, unprocessed keys resent a bounded number of times. */
  async batchGet(keys: readonly Item[], operation: string): Promise<{ items: Item[]; stats: BatchStats }> {
    return batchGetAll(this.client, this.tableName, keys, this.batchOptions(operation));
  }

  /** An idempotent single write, sent again (a few times, with backoff) when it fails as a whole. */
  resent<T>(operation: string, send: () => Promise<T>): Promise<T> {
    const maxAttempts = Math.min(SINGLE_WRITE_SENDS, this.maxBatchAttempts);
    return resendOnFailure(send, { ...this.batchOptions(operation), maxAttempts });
  }

  private batchOptions(operation: string): BatchOptions {
    return {
      concurrency: this.concurrency,
      maxAttempts: this.maxBatchAttempts,
      baseDelayMs: 50,
      maxDelayMs: 5_000,
      sleep: this.sleep,
      random: Math.random,
      operation,
    };
  }
}

export function putRequest(item: Item): WriteRequest {
  return { PutRequest: { Item: item } };
}
