/**
 * Paged reads and chunked batch calls on the document client. BatchWriteItem takes at most 25 requests and
 * BatchGetItem 100 keys; both may hand some back unprocessed when a partition is busy, and those are sent again
 * with exponential backoff and full jitter. A whole call refused the same way (throttled, a 5xx, a lost answer) once
 * the client's own retries gave up is the same situation for every item of the chunk, and is resent the same way:
 * writes are puts and deletes of whole items, so sending one again after it happened changes nothing.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { isRetryableStoreError, StateStoreError } from './errors';

/** BatchWriteItem's limit on requests per call. */
const BATCH_WRITE_LIMIT = 25;
/** BatchGetItem's limit on keys per call. */
const BATCH_GET_LIMIT = 100;

export type Item = Record<string, unknown>;
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export interface BatchOptions {
  /** Chunks in flight at once. */
  concurrency: number;
  /** Calls per chunk (the first included) before unprocessed items fail the write. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  operation: string;
}

export interface BatchStats {
  calls: number;
  /** Calls that resent items or keys DynamoDB left unprocessed, or that a whole call's failure sent again. */
  retries: number;
}

/** Writes every request, 25 per BatchWriteItem call, resending unprocessed items until none remain. */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchOptions,
): Promise<BatchStats> {
  const stats: BatchStats = { calls: 0, retries: 0 };
  const limit = pLimit(options.concurrency);
  await Promise.all(
    chunked(requests, BATCH_WRITE_LIMIT).map((chunk) =>
      limit(() =>
        untilProcessed(chunk, options, stats, tableName, 'BatchWriteItem', async (pending) => {
          const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          return (output.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
        }),
      ),
    ),
  );
  return stats;
}

/**
 * The items of the keys that exist, read 100 per consistent BatchGetItem call; keys DynamoDB leaves unprocessed are
 * resent with backoff, at most `maxAttempts` calls per chunk. `projection` reads only those attributes.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  options: BatchOptions,
  projection?: readonly string[],
): Promise<{ items: Item[]; stats: BatchStats }> {
  const stats: BatchStats = { calls: 0, retries: 0 };
  const items: Item[] = [];
  const limit = pLimit(options.concurrency);
  const projected = projection
    ? {
        ProjectionExpression: projection.map((_, index) => `#p${index}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(projection.map((name, index) => [`#p${index}`, name])),
      }
    : {};
  await Promise.all(
    chunked(keys, BATCH_GET_LIMIT).map((chunk) =>
      limit(() =>
        untilProcessed(chunk, options, stats, tableName, 'BatchGetItem', async (pending) => {
          const output = await client.send(
            new BatchGetCommand({
              RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projected } },
            }),
          );
          items.push(...((output.Responses?.[tableName] ?? []) as Item[]));
          return (output.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
        }),
      ),
    ),
  );
  return { items, stats };
}

/** Which of the keys exist (only the key attributes are read). Returns each existing key as `keyString(key)`. */
export async function existingKeys(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  keyNames: readonly [string, string],
  options: BatchOptions,
): Promise<{ found: Set<string>; stats: BatchStats }> {
  const { items, stats } = await batchGetAll(client, tableName, keys, options, keyNames);
  return { found: new Set(items.map((item) => keyString(item, keyNames))), stats };
}

/**
 * One idempotent call sent again, with the same backoff, when it failed as a whole after the client's own retries
 * (throttled, a 5xx, a lost answer): what a BatchWriteItem chunk gets, for the single writes of a save.
 */
export async function resendOnFailure<T>(send: () => Promise<T>, options: BatchOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isRetryableStoreError(error) || attempt >= options.maxAttempts) throw error;
    }
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    await options.sleep(Math.round(options.random() * ceiling));
  }
}

/** One string per primary key, for sets of keys. */
export function keyString(item: Item, [pk, sk]: readonly [string, string]): string {
  return JSON.stringify([item[pk], item[sk]]);
}

function chunked<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < values.length; i += size) chunks.push(values.slice(i, i + size));
  return chunks;
}

/** Sends `pending` until DynamoDB leaves nothing unprocessed, backing off between resends. */
async function untilProcessed<T>(
  chunk: T[],
  options: BatchOptions,
  stats: BatchStats,
  tableName: string,
  api: string,
  send: (pending: T[]) => Promise<T[]>,
): Promise<void> {
  let pending = chunk;
  for (let attempt = 1; ; attempt++) {
    stats.calls++;
    if (attempt > 1) stats.retries++;
    let unprocessed: T[];
    try {
      unprocessed = await send(pending);
    } catch (error) {
      if (!isRetryableStoreError(error) || attempt >= options.maxAttempts) throw error;
      unprocessed = pending;
    }
    if (unprocessed.length === 0) return;
    if (attempt >= options.maxAttempts) {
      throw new StateStoreError(
        options.operation,
        tableName,
        'UnprocessedItems',
        `${options.operation} on table ${tableName} failed: ${unprocessed.length} items still unprocessed after ${attempt} ${api} calls`,
      );
    }
    const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
    await options.sleep(Math.round(options.random() * ceiling));
    pending = unprocessed;
  }
}

/** Every item a Query matches, following LastEvaluatedKey across pages. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
  onPage?: () => void,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const output = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    onPage?.();
    items.push(...((output.Items ?? []) as Item[]));
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}
