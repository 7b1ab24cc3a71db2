/**
 * The probed endpoints in the state table: one item per owner (an account, or the user's endpoints file) under
 * `ENDPOINTS`, replaced whole by each probe of that owner, so an endpoint gone since the last probe does not stay.
 * DynamoDB items hold at most 400 KB: an owner with more endpoints than fit keeps the most serious first (findings,
 * then unreachable, then the rest), and the item says how many were left out.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EndpointStore } from '../../core/ports';
import type { AccountEndpoints, EndpointChange, StoredEndpoint } from '../../core/probe/history';
import { queryAll } from './batch';
import { StateStoreError } from './errors';
import { ENDPOINTS_PK, ITEM_KINDS, PK, SK } from './keys';

/** Bytes of endpoint JSON one item keeps, well under DynamoDB's 400 KB with the keys and attributes around it. */
export const MAX_ENDPOINT_BYTES = 350_000;

const STATUS_ORDER: readonly StoredEndpoint['status'][] = ['finding', 'unreachable', 'ok', 'skipped'];

/** The endpoints that fit, most serious first, and how many did not. */
export function boundedEndpoints(endpoints: readonly StoredEndpoint[]): { kept: StoredEndpoint[]; omitted: number } {
  const ordered = [...endpoints].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status));
  const kept: StoredEndpoint[] = [];
  let bytes = 2;
  for (const endpoint of ordered) {
    const size = Buffer.byteLength(JSON.stringify(endpoint)) + 1;
    if (bytes + size > MAX_ENDPOINT_BYTES) break;
    kept.push(endpoint);
    bytes += size;
  }
  return { kept, omitted: endpoints.length - kept.length };
}

export class DynamoEndpointStore implements EndpointStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async saveEndpoints(snapshot: AccountEndpoints): Promise<void> {
    const { kept, omitted } = boundedEndpoints(snapshot.endpoints);
    await this.guard('saveEndpoints', () =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: ENDPOINTS_PK,
            [SK]: snapshot.accountId,
            kind: ITEM_KINDS.endpoints,
            accountId: snapshot.accountId,
            ...(snapshot.accountName ? { accountName: snapshot.accountName } : {}),
            runId: snapshot.runId,
            probedAt: snapshot.probedAt,
            // One string: endpoints hold nested optional fields DynamoDB's map types would make verbose.
            data: JSON.stringify(kept),
            ...(snapshot.changes && snapshot.changes.length > 0 ? { changes: JSON.stringify(snapshot.changes) } : {}),
            ...(omitted > 0 ? { omitted } : {}),
          },
        }),
      ),
    );
  }

  async loadEndpoints(owner: string): Promise<AccountEndpoints | undefined> {
    return this.guard('loadEndpoints', async () => {
      const answer = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { [PK]: ENDPOINTS_PK, [SK]: owner }, ConsistentRead: true }),
      );
      return answer.Item ? fromItem(answer.Item) : undefined;
    });
  }

  async loadAllEndpoints(): Promise<AccountEndpoints[]> {
    return this.guard('loadAllEndpoints', async () => {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': ENDPOINTS_PK },
      });
      return items.map(fromItem);
    });
  }

  private async guard<T>(operation: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw StateStoreError.from(operation, this.tableName, error);
    }
  }
}

function fromItem(item: Record<string, unknown>): AccountEndpoints {
  return {
    accountId: item.accountId as string,
    ...(typeof item.accountName === 'string' ? { accountName: item.accountName } : {}),
    runId: item.runId as string,
    probedAt: item.probedAt as string,
    endpoints: JSON.parse((item.data as string | undefined) ?? '[]') as StoredEndpoint[],
    ...(typeof item.changes === 'string' ? { changes: JSON.parse(item.changes) as EndpointChange[] } : {}),
  };
}

/** The same store in memory: the one-shot audit without a state table, and tests. */
export class MemoryEndpointStore implements EndpointStore {
  private readonly byOwner = new Map<string, AccountEndpoints>();

  async saveEndpoints(snapshot: AccountEndpoints): Promise<void> {
    this.byOwner.set(snapshot.accountId, structuredClone(snapshot));
  }

  async loadEndpoints(owner: string): Promise<AccountEndpoints | undefined> {
    const found = this.byOwner.get(owner);
    return found ? structuredClone(found) : undefined;
  }

  async loadAllEndpoints(): Promise<AccountEndpoints[]> {
    return [...this.byOwner.values()].map((snapshot) => structuredClone(snapshot));
  }
}
