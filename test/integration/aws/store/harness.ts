/** A dynalite server, a client that counts what it sends, and a fresh table per test. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStateStore, type StateStoreOptions } from '../../../../lambdas/aws/state-store';
import { ensureTable } from '../../../../lambdas/aws/table';
import { type LocalDynamo, startDynalite } from '../../../../local/dynalite';

/** Requests by DynamoDB operation, and items written by BatchWriteItem / PutItem / UpdateItem / DeleteItem. */
export class RequestCounter {
  requests: Record<string, number> = {};
  itemsWritten = 0;
  itemsDeleted = 0;

  record(operation: string, input: Record<string, unknown>): void {
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    if (operation === 'BatchWriteItem') {
      const requestItems = input.RequestItems as Record<string, Array<Record<string, unknown>>>;
      for (const requests of Object.values(requestItems)) {
        for (const request of requests) {
          if ('DeleteRequest' in request) this.itemsDeleted++;
          else this.itemsWritten++;
        }
      }
    } else if (operation === 'PutItem' || operation === 'UpdateItem') this.itemsWritten++;
    else if (operation === 'DeleteItem') this.itemsDeleted++;
  }

  count(operation: string): number {
    return this.requests[operation] ?? 0;
  }

  reset(): void {
    this.requests = {};
    this.itemsWritten = 0;
    this.itemsDeleted = 0;
  }
}

export interface Harness {
  dynamo: LocalDynamo;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  counter: RequestCounter;
  /**
   * Fails the next request of this operation (whose low-level input matches, when given) with the error, as DynamoDB
   * would answer it.
   */
  failNext(operation: string, error: Error, matches?: (input: Record<string, unknown>) => boolean): void;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dynamo = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const counter = new RequestCounter();
  const failures = new Map<string, { error: Error; matches: (input: Record<string, unknown>) => boolean }>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      const failure = failures.get(operation);
      if (failure?.matches(input)) {
        failures.delete(operation);
        throw failure.error;
      }
      counter.record(operation, input);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return {
    dynamo,
    client,
    doc: DynamoDBDocumentClient.from(client),
    counter,
    failNext: (operation, error, matches = () => true) => failures.set(operation, { error, matches }),
    close: async () => {
      client.destroy();
      await dynamo.close();
    },
  };
}

let tables = 0;

/** A new table (so tests do not see each other's items) and a store on it. */
export async function newStore(
  harness: Harness,
  options: Partial<Omit<StateStoreOptions, 'client' | 'tableName'>> = {},
): Promise<DynamoStateStore> {
  tables++;
  const tableName = `state-${tables}`;
  await ensureTable(harness.client, tableName);
  harness.counter.reset();
  return new DynamoStateStore({
    client: harness.doc,
    tableName,
    ...options,
  });
}
