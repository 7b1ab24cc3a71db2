/**
 * DynamoDB clients that meter what the product's store consumes: every request asks for ReturnConsumedCapacity and
 * the units the table reports are added up (on-demand bills these as read and write request units). The local
 * DynamoDB reports the table's units only, so writes of items that carry the sparse index key add their index write
 * here (one unit each, the size of a certificate item).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA } from '../lambdas/core/names';

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
const WITH_CAPACITY = new Set([...READS, 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface MeterReading {
  requests: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  /** Index writes counted on top of what the table reported. */
  indexWriteUnits: number;
}

export class DynamoMeter {
  private reading: MeterReading = emptyReading();

  record(operation: string, units: number, indexWrites: number): void {
    this.reading.requests[operation] = (this.reading.requests[operation] ?? 0) + 1;
    if (READS.has(operation)) this.reading.readUnits += units;
    else this.reading.writeUnits += units + indexWrites;
    this.reading.indexWriteUnits += indexWrites;
  }

  /** What was consumed since the last reset. */
  read(): MeterReading {
    return structuredClone(this.reading);
  }

  reset(): void {
    this.reading = emptyReading();
  }
}

function emptyReading(): MeterReading {
  return { requests: {}, readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };
}

type Attribute = Record<string, unknown>;

/** Items of a write request that carry the index's partition key (low-level attribute maps). */
function indexedWrites(operation: string, input: Record<string, unknown>): number {
  const indexKey = TABLE_SCHEMA.attentionIndex.partitionKey;
  const carries = (item: unknown) => !!item && typeof item === 'object' && indexKey in (item as Attribute);
  if (operation === 'PutItem') return carries(input.Item) ? 1 : 0;
  if (operation === 'UpdateItem') return String(input.UpdateExpression ?? '').includes(indexKey) ? 1 : 0;
  if (operation !== 'BatchWriteItem') return 0;
  let count = 0;
  for (const requests of Object.values((input.RequestItems ?? {}) as Record<string, Attribute[]>)) {
    for (const request of requests) if (carries((request.PutRequest as Attribute | undefined)?.Item)) count++;
  }
  return count;
}

function unitsOf(output: unknown): number {
  const consumed = (output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
  const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
  return list.reduce((sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0), 0);
}

export function meteredDynamo(
  endpoint: string,
  meter: DynamoMeter,
): { client: DynamoDBClient; doc: DynamoDBDocumentClient } {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      if (WITH_CAPACITY.has(operation)) input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      meter.record(operation, unitsOf(result.output), indexedWrites(operation, input));
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter' },
  );
  return { client, doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) };
}
