/**
 * Alert and heartbeat state in the single table (see the AlertStore port for the contract).
 *
 * Items:
 * - `pk = ALERT#<incidentKey>`, `sk = STATE`, `kind = alert-state`: `state` (the AlertState without its version),
 *   `version` (optimistic concurrency: every write is conditional on the version read and bumps it), `lease`
 *   (`{ noticeId, until, token }` while one delivery holds a pending notice; `token` is the claimant's own, drawn per
 *   claim). While the state is active (open, or resolved
 *   with undelivered notices) it carries `gsi1pk = ALERTS`, `gsi1sk = <incidentKey>`, which puts it in the sparse
 *   attention index under its own partition: the engine lists active states with one Query, never a Scan. Once
 *   inactive it leaves the index and gets `expiresAt` (TTL) 30 days on, so a recurrence within a month continues
 *   the episode count and old incidents disappear by themselves.
 * - `pk = HEARTBEAT`, `sk = STATE`, `kind = heartbeat-state`: `state` (HeartbeatState without version), `version`.
 *
 * No transactions (dynalite has none): every change is one conditional write to one item, retried on a fresh read.
 * Index reads are eventually consistent, so the index only supplies keys; the states are then read consistently.
 *
 * A conditional write whose answer was lost is sent again by the SDK and then fails its own condition (the version
 * moved on: it moved it). So a failed condition is never taken at its word: the item is read again, and when it
 * holds this write's own token (`writeId` on every state write, `token` on a lease), the write is done.
 */
import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HeartbeatState } from '../core/alerting/heartbeat';
import { type AlertState, isActive, type QueuedNotice } from '../core/alerting/planner';
import { AlertStateConflictError, type AlertStore } from '../core/alerting/store';
import { toPlain } from '../core/canonical';
import { TABLE_SCHEMA } from '../core/names';
import type { Item } from './store/batch';
import { isConditionalCheckFailed } from './store/errors';
import { TableOperations, type TableOptions } from './store/table';

export const ALERT_STATE_SK = 'STATE';
/** Partition of active alert states in the attention index. */
const ACTIVE_ALERTS_GSI_PK = 'ALERTS';
const HEARTBEAT_PK = 'HEARTBEAT';
const ALERT_ITEM_KINDS = { alertState: 'alert-state', heartbeatState: 'heartbeat-state' } as const;
const DEFAULT_LEASE_SECONDS = 300;
const DEFAULT_RESOLVED_RETENTION_DAYS = 30;

export function alertStatePk(incidentKey: string): string {
  return `ALERT#${incidentKey}`;
}

export interface DynamoAlertStoreOptions {
  tableName: string;
  /** How long a claimed notice stays reserved for its delivery. @default DEFAULT_LEASE_SECONDS */
  leaseSeconds?: number;
  /** How long an inactive state is kept (TTL). @default DEFAULT_RESOLVED_RETENTION_DAYS */
  resolvedRetentionDays?: number;
  /** BatchGetItem calls per 100 states before keys DynamoDB leaves unprocessed fail the read. @default 8 */
  maxBatchAttempts?: TableOptions['maxBatchAttempts'];
  /** How resends of unprocessed keys wait. @default setTimeout */
  sleep?: TableOptions['sleep'];
}

interface Lease {
  noticeId: string;
  until: string;
  /** Whose lease it is: drawn per claim, so the claimant recognises its own lease after a lost answer. */
  token?: string;
}

interface AlertItem {
  pk: string;
  sk: string;
  version: number;
  /** Drawn per write: the writer recognises its own write after a lost answer. */
  writeId?: string;
  state: Omit<AlertState, 'version'>;
  lease?: Lease;
}

interface HeartbeatItem {
  version: number;
  writeId?: string;
  state: Omit<HeartbeatState, 'version'>;
}

/** Conditional writes retried on a fresh read before giving up. */
const MAX_ATTEMPTS = 8;

function withoutVersion<T extends { version: number }>(value: T): Omit<T, 'version'> {
  const { version: _version, ...rest } = value;
  return rest;
}

export class DynamoAlertStore implements AlertStore {
  private readonly tableName: string;
  private readonly table: TableOperations;
  private readonly leaseMs: number;
  private readonly retentionDays: number;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    options: DynamoAlertStoreOptions,
  ) {
    this.tableName = options.tableName;
    this.table = new TableOperations({
      client: doc,
      tableName: options.tableName,
      ...(options.maxBatchAttempts !== undefined ? { maxBatchAttempts: options.maxBatchAttempts } : {}),
      ...(options.sleep !== undefined ? { sleep: options.sleep } : {}),
    });
    this.leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
    this.retentionDays = options.resolvedRetentionDays ?? DEFAULT_RESOLVED_RETENTION_DAYS;
  }

  async loadActiveStates(): Promise<AlertState[]> {
    const { attentionIndex } = TABLE_SCHEMA;
    const entries = await this.table.query({
      IndexName: attentionIndex.name,
      KeyConditionExpression: '#gpk = :gpk',
      ExpressionAttributeNames: { '#gpk': attentionIndex.partitionKey, '#gsk': attentionIndex.sortKey },
      ExpressionAttributeValues: { ':gpk': ACTIVE_ALERTS_GSI_PK },
      ProjectionExpression: '#gsk',
    });
    const keys = entries.map((item) => String(item[attentionIndex.sortKey]));
    return (await this.loadStates(keys)).filter(isActive);
  }

  async loadStates(incidentKeys: readonly string[]): Promise<AlertState[]> {
    const keys: Item[] = [...new Set(incidentKeys)].map((key) => ({ pk: alertStatePk(key), sk: ALERT_STATE_SK }));
    const { items } = await this.table.guard('loadStates', () => this.table.batchGet(keys, 'loadStates'));
    const states = items.map((item) => toState(item as unknown as AlertItem));
    return states.sort((a, b) => (a.incidentKey < b.incidentKey ? -1 : a.incidentKey > b.incidentKey ? 1 : 0));
  }

  async saveStates(states: readonly AlertState[], now: Date): Promise<AlertState[]> {
    const saved: AlertState[] = [];
    for (const state of states) {
      const next = { ...state, version: state.version + 1 };
      const writeId = randomUUID();
      try {
        await this.writeState(next, state.version, now, { keepLease: true, writeId });
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
        const stored = await this.getAlertItem(state.incidentKey);
        if (stored?.writeId !== writeId) throw new AlertStateConflictError(state.incidentKey, state.version);
      }
      saved.push(next);
    }
    return saved;
  }

  async claimNotice(incidentKey: string, noticeId: string, now: Date): Promise<QueuedNotice | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const item = await this.getAlertItem(incidentKey);
      const notice = item?.state.pending.find((n) => n.id === noticeId);
      if (item === undefined || notice === undefined) return undefined;
      if (item.lease !== undefined && Date.parse(item.lease.until) > now.getTime()) return undefined;
      const lease: Lease = {
        noticeId,
        until: new Date(now.getTime() + this.leaseMs).toISOString(),
        token: randomUUID(),
      };
      if (await this.table.conditionally(() => this.writeLease(incidentKey, item.version, lease))) return notice;
      const after = await this.getAlertItem(incidentKey);
      if (after?.lease?.token === lease.token) return notice;
    }
    return undefined;
  }

  async markDelivered(incidentKey: string, noticeId: string, now: Date): Promise<void> {
    await this.retryOnConflict(incidentKey, async (item) => {
      const pending = item.state.pending.filter((n) => n.id !== noticeId);
      const ownsLease = item.lease?.noticeId === noticeId;
      if (pending.length === item.state.pending.length && !ownsLease) return;
      const next: AlertState = { ...item.state, pending, version: item.version + 1 };
      await this.writeState(next, item.version, now, { keepLease: !ownsLease });
    });
  }

  async releaseNotice(incidentKey: string, noticeId: string): Promise<void> {
    await this.retryOnConflict(incidentKey, async (item) => {
      if (item.lease?.noticeId !== noticeId) return;
      await this.writeLease(incidentKey, item.version);
    });
  }

  async loadHeartbeat(): Promise<HeartbeatState | undefined> {
    const item = await this.getHeartbeatItem();
    return item === undefined ? undefined : { ...item.state, version: item.version };
  }

  async saveHeartbeat(state: HeartbeatState): Promise<HeartbeatState> {
    const next = { ...state, version: state.version + 1 };
    const writeId = randomUUID();
    try {
      await this.putHeartbeat(next, state.version, writeId);
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      if ((await this.getHeartbeatItem())?.writeId !== writeId) {
        throw new AlertStateConflictError(HEARTBEAT_PK, state.version);
      }
    }
    return next;
  }

  async markHeartbeatDelivered(noticeId: string): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const item = await this.getHeartbeatItem();
      if (item === undefined || !item.state.pending.some((n) => n.id === noticeId)) return;
      const pending = item.state.pending.filter((n) => n.id !== noticeId);
      try {
        await this.putHeartbeat({ ...item.state, pending, version: item.version + 1 }, item.version);
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new AlertStateConflictError(HEARTBEAT_PK, -1);
  }

  /** Sets the notice lease (or, without one, removes it), conditional on the version read; bumps the version. */
  private async writeLease(incidentKey: string, version: number, lease?: Lease): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: alertStatePk(incidentKey), sk: ALERT_STATE_SK },
        UpdateExpression: lease ? 'SET #lease = :lease, #version = :next' : 'SET #version = :next REMOVE #lease',
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#lease': 'lease', '#version': 'version' },
        ExpressionAttributeValues: {
          ...(lease ? { ':lease': lease } : {}),
          ':next': version + 1,
          ':expected': version,
        },
      }),
    );
  }

  /** Writes a whole alert state, conditional on the stored version, keeping the index and TTL in step with it. */
  private async writeState(
    next: AlertState,
    expectedVersion: number,
    now: Date,
    { keepLease, writeId = randomUUID() }: { keepLease: boolean; writeId?: string },
  ): Promise<void> {
    const { partitionKey, attentionIndex, ttlAttribute } = TABLE_SCHEMA;
    const names: Record<string, string> = {
      '#state': 'state',
      '#version': 'version',
      '#kind': 'kind',
      '#writeId': 'writeId',
      '#gpk': attentionIndex.partitionKey,
      '#gsk': attentionIndex.sortKey,
      '#ttl': ttlAttribute,
    };
    const values: Record<string, unknown> = {
      ':state': toPlain(withoutVersion(next)),
      ':next': next.version,
      ':kind': ALERT_ITEM_KINDS.alertState,
      ':writeId': writeId,
    };
    const sets = ['#state = :state', '#version = :next', '#kind = :kind', '#writeId = :writeId'];
    const removes: string[] = [];
    if (isActive(next)) {
      sets.push('#gpk = :gpk', '#gsk = :gsk');
      values[':gpk'] = ACTIVE_ALERTS_GSI_PK;
      values[':gsk'] = next.incidentKey;
      removes.push('#ttl');
    } else {
      sets.push('#ttl = :ttl');
      values[':ttl'] = Math.floor(now.getTime() / 1000) + this.retentionDays * 86_400;
      removes.push('#gpk', '#gsk');
    }
    if (!keepLease) {
      names['#lease'] = 'lease';
      removes.push('#lease');
    }
    let condition: string;
    if (expectedVersion === 0) {
      names['#pk'] = partitionKey;
      condition = 'attribute_not_exists(#pk)';
    } else {
      values[':expected'] = expectedVersion;
      condition = '#version = :expected';
    }
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: alertStatePk(next.incidentKey), sk: ALERT_STATE_SK },
        UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  private async retryOnConflict(incidentKey: string, change: (item: AlertItem) => Promise<void>): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const item = await this.getAlertItem(incidentKey);
      if (item === undefined) return;
      try {
        await change(item);
        return;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new AlertStateConflictError(incidentKey, -1);
  }

  private async getAlertItem(incidentKey: string): Promise<(AlertItem & { state: AlertState }) | undefined> {
    const stored = await this.table.get({ pk: alertStatePk(incidentKey), sk: ALERT_STATE_SK });
    if (stored === undefined) return undefined;
    const item = stored as unknown as AlertItem;
    return { ...item, state: toState(item) };
  }

  private async getHeartbeatItem(): Promise<HeartbeatItem | undefined> {
    return (await this.table.get({ pk: HEARTBEAT_PK, sk: ALERT_STATE_SK })) as HeartbeatItem | undefined;
  }

  private async putHeartbeat(next: HeartbeatState, expectedVersion: number, writeId = randomUUID()): Promise<void> {
    const item = {
      pk: HEARTBEAT_PK,
      sk: ALERT_STATE_SK,
      kind: ALERT_ITEM_KINDS.heartbeatState,
      version: next.version,
      writeId,
      state: toPlain(withoutVersion(next)),
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#pk)' : '#version = :expected',
        ExpressionAttributeNames: expectedVersion === 0 ? { '#pk': 'pk' } : { '#version': 'version' },
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
      }),
    );
  }
}

function toState(item: AlertItem): AlertState {
  return { ...item.state, version: item.version } as AlertState;
}
