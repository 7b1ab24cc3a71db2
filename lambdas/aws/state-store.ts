/**
 * The state store on the single DynamoDB table: each target's current certificates, target meta, runs, per-run
 * target results and change events, and per-certificate history. docs/table.md describes every item.
 *
 * No transactions (the local stand-in, dynalite, has none), so every write is safe to repeat instead: keys are
 * deterministic, events and history are written only where absent, and the order of writes (events and history
 * first, the snapshot next, the target meta last) leaves a crashed save in a state its retry completes without
 * duplicates.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { canonicalJson } from '../core/canonical';
import type { AccountZones } from '../core/diagnosis/zones';
import type { Certificate, Change, Target, TargetResult, TargetStatus } from '../core/model';
import { targetKey } from '../core/model';
import { TABLE_SCHEMA } from '../core/names';
import type {
  RunRecord,
  RunStore,
  SnapshotStore,
  StoredTarget,
  TargetScan,
  TargetSizes,
  ZoneStore,
} from '../core/ports';
import {
  type BatchOptions,
  type BatchStats,
  batchWriteAll,
  existingKeys,
  type Item,
  keyString,
  queryAll,
  resendOnFailure,
  type WriteRequest,
} from './store/batch';
import { toPlain } from './store/canonical';
import { isConditionalCheckFailed, StateStoreError } from './store/errors';
import {
  ATTENTION_PK,
  attentionSk,
  CERTIFICATE_SK_PREFIX,
  COMPLETED_SK_PREFIX,
  certificateSk,
  changeSks,
  completedRunSk,
  expiresAtEpoch,
  historyPk,
  historySk,
  ITEM_KINDS,
  isoInstant,
  notStoredSk,
  RUN_RECORD_SK,
  RUNS_PK,
  runPk,
  runTargetSk,
  TARGETS_PK,
  targetMetaSk,
  targetPk,
  ZONES_PK,
} from './store/keys';

export { StateStoreError } from './store/errors';

const PK = TABLE_SCHEMA.partitionKey;
const SK = TABLE_SCHEMA.sortKey;
const TTL = TABLE_SCHEMA.ttlAttribute;
const GSI = TABLE_SCHEMA.attentionIndex;

export const DEFAULT_HISTORY_DAYS = 90;
export const DEFAULT_STORE_CONCURRENCY = 16;
export const DEFAULT_MAX_BATCH_ATTEMPTS = 8;
/**
 * Sends of one single write of a save (PutItem, UpdateItem) that failed as a whole after the client's 10 attempts.
 * Fewer than a batch chunk gets: in an outage that lasts, the scan must still record its outcome in its time budget.
 */
export const SINGLE_WRITE_SENDS = 3;
/** Up to this many change events and history entries per save are written as conditional PutItem calls. */
export const CONDITIONAL_PUT_MAX = 25;

/**
 * A run record's failure list is kept to this many characters of JSON: an item holds at most 400 KB and a run over
 * thousands of failing targets would exceed it. Every failure is still in the run's target results.
 */
export const MAX_STORED_FAILURES_CHARS = 100_000;

/**
 * The certificates a failed save keeps for its run's report fit one item: about 350 KB of JSON (some 450 certificates
 * of a full target's 2,500); the rest are counted in the item's `certificatesTotal`.
 */
export const MAX_NOT_STORED_CHARS = 350_000;

export interface StateStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Whether a certificate belongs in the attention index; the caller passes its rule-based predicate. */
  needsAttention: (cert: Certificate) => boolean;
  /** How long history, run records, target results and change events are kept (TTL). @default 90 */
  historyDays?: number;
  /** @default () => new Date() */
  now?: () => Date;
  /** Items per Query page. @default DynamoDB's 1 MB pages */
  pageSize?: number;
  /** Conditional puts, BatchWriteItem chunks and per-target Queries in flight at once. @default 16 */
  concurrency?: number;
  /**
   * BatchWriteItem calls per chunk before unprocessed items fail the save; a single write of a save is sent at most
   * this many times too, and never more than SINGLE_WRITE_SENDS. @default 8
   */
  maxBatchAttempts?: number;
  /** How the store waits between resends of unprocessed items. @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

/** What one save wrote, skipped and read: for logs, metrics and capacity estimates. */
export interface SaveStats {
  certificatesWritten: number;
  certificatesUnchanged: number;
  certificatesRemoved: number;
  changeEventsWritten: number;
  /** Change events a previous attempt of the same run already stored (the conditional put declined). */
  changeEventsAlreadyStored: number;
  historyWritten: number;
  historyAlreadyStored: number;
  /** BatchWriteItem calls, resends included. */
  batchWriteCalls: number;
  /** BatchWriteItem calls that resent unprocessed items. */
  batchWriteRetries: number;
  /** BatchGetItem calls that checked which events and history entries a previous attempt stored. */
  batchGetCalls: number;
  /** Query pages read of the stored snapshot. */
  queryPages: number;
}

/** What the store keeps about one target across runs (the `TARGETS` partition). */
export interface TargetMeta {
  accountId: string;
  accountName?: string;
  region: string;
  /** When the last scan that stored certificates started (an ok scan always counts, even with none). */
  lastScanAt?: string;
  /** When the last complete (`ok`) scan started; partial and error scans never move it. */
  lastCompleteScanAt?: string;
  /** When the last scan of any status started. */
  lastResultAt: string;
  lastRunId: string;
  lastStatus: TargetStatus;
  lastErrorCode?: string;
  lastErrorMessage?: string;
  certificateCount: number;
}

export type HistoryReason = 'first-seen' | 'changed' | 'removed';

/** One certificate as one run left it, kept `historyDays` (TTL `expiresAt`). */
export interface CertificateHistoryEntry {
  arn: string;
  runId: string;
  scannedAt: string;
  reason: HistoryReason;
  /** The changes the run reported for this certificate (empty for a certificate first seen without a NEW). */
  changes: Change[];
  /** State after the run; for `removed`, the last state the store knew. */
  certificate: Certificate;
  /** Epoch seconds. */
  expiresAt: number;
}

export class DynamoStateStore implements SnapshotStore, RunStore, TargetSizes, ZoneStore {
  readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;
  private readonly needsAttention: (cert: Certificate) => boolean;
  private readonly historyDays: number;
  private readonly now: () => Date;
  private readonly pageSize: number | undefined;
  private readonly concurrency: number;
  private readonly maxBatchAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: StateStoreOptions) {
    const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
    if (!(historyDays > 0) || !Number.isFinite(historyDays)) {
      throw new RangeError(`historyDays must be a positive number of days, got ${historyDays}`);
    }
    const concurrency = options.concurrency ?? DEFAULT_STORE_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
    }
    if (options.tableName.trim() === '') throw new RangeError('tableName must not be empty');
    this.client = options.client;
    this.tableName = options.tableName;
    this.needsAttention = options.needsAttention;
    this.historyDays = historyDays;
    this.now = options.now ?? (() => new Date());
    this.pageSize = options.pageSize;
    this.concurrency = concurrency;
    this.maxBatchAttempts = options.maxBatchAttempts ?? DEFAULT_MAX_BATCH_ATTEMPTS;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  // ---- SnapshotStore ----

  async loadTarget(target: Target): Promise<StoredTarget> {
    return this.guard('loadTarget', async () => {
      const meta = await this.getTargetMeta(target.accountId, target.region);
      const items = await this.storedCertificates(target.accountId, target.region, meta);
      const certificates = items.map((item) => item.data as Certificate);
      const scannedAt = meta?.lastScanAt;
      return typeof scannedAt === 'string' ? { certificates, scannedAt } : { certificates };
    });
  }

  /**
   * `ok`: writes every certificate that differs from the stored one and deletes the stored ones the scan did not
   * list. `partial` / `error`: upserts what was seen and deletes nothing. Safe to repeat for the same run.
   */
  async saveTargetScan(scan: TargetScan): Promise<void> {
    await this.saveTargetScanWithStats(scan);
  }

  /** saveTargetScan, telling what it wrote, skipped and read. */
  async saveTargetScanWithStats(scan: TargetScan): Promise<SaveStats> {
    return this.guard('saveTargetScan', () => this.save(scan));
  }

  /** Every target the store has seen, with its last scan's outcome. */
  async listTargets(): Promise<TargetMeta[]> {
    return this.guard('listTargets', async () => {
      const items = await queryAll(this.client, this.partitionQuery(TARGETS_PK));
      return items.map(toTargetMeta);
    });
  }

  /** Each target's certificate count at its last scan, for scanning the largest first. */
  async certificateCounts(): Promise<ReadonlyMap<string, number>> {
    const targets = await this.listTargets();
    return new Map(targets.map((target) => [targetKey(target), target.certificateCount]));
  }

  /** A certificate's history, oldest first (what expired under TTL is gone). */
  async loadCertificateHistory(arn: string): Promise<CertificateHistoryEntry[]> {
    return this.guard('loadCertificateHistory', async () => {
      const items = await queryAll(this.client, this.partitionQuery(historyPk(arn)));
      items.sort((a, b) => String(a.scannedAt).localeCompare(String(b.scannedAt)));
      return items.map((item) => ({
        arn: item.arn as string,
        runId: item.runId as string,
        scannedAt: item.scannedAt as string,
        reason: item.reason as HistoryReason,
        changes: (item.changes ?? []) as Change[],
        certificate: item.data as Certificate,
        expiresAt: item[TTL] as number,
      }));
    });
  }

  // ---- ZoneStore ----

  /**
   * One item per account, replaced whole by each listing: a zone deleted since the last listing must not stay.
   * Zones beyond what fits in one item (about 5,000 of them) are left out, the first by name kept.
   */
  async saveAccountZones(zones: AccountZones): Promise<void> {
    return this.guard('saveAccountZones', async () => {
      const listedAt = isoTime(zones.listedAt, 'listedAt');
      await this.resent(() =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              [PK]: ZONES_PK,
              [SK]: zones.accountId,
              kind: ITEM_KINDS.zones,
              accountId: zones.accountId,
              ...(zones.accountName ? { accountName: zones.accountName } : {}),
              listedAt,
              zones: boundedZones(zones.zones),
            },
          }),
        ),
      );
    });
  }

  async loadAllZones(): Promise<AccountZones[]> {
    return this.guard('loadAllZones', async () => {
      const items = await queryAll(this.client, this.partitionQuery(ZONES_PK));
      return items.map((item) => ({
        accountId: item.accountId as string,
        ...(typeof item.accountName === 'string' ? { accountName: item.accountName } : {}),
        zones: (item.zones ?? []) as AccountZones['zones'],
        listedAt: item.listedAt as string,
      }));
    });
  }

  // ---- RunStore ----

  /** Marks a run as running. A repeated call, or one after completion, changes nothing. */
  async recordRunStarted(run: Pick<RunRecord, 'runId' | 'startedAt'>): Promise<void> {
    return this.guard('recordRunStarted', async () => {
      const startedAt = isoTime(run.startedAt, 'startedAt');
      await this.putIfAbsent({
        [PK]: runPk(run.runId),
        [SK]: RUN_RECORD_SK,
        kind: ITEM_KINDS.run,
        runId: run.runId,
        status: 'running',
        startedAt,
        [TTL]: expiresAtEpoch(startedAt, this.historyDays),
      });
    });
  }

  /**
   * Records the run as completed and indexes it under its completion time. The first completion wins: a repeated
   * call (a retried FinalizeRun) re-indexes the stored record under the same key, so there is never a second
   * "latest" for one run.
   */
  async recordRunCompleted(run: RunRecord): Promise<void> {
    return this.guard('recordRunCompleted', async () => {
      const startedAt = isoTime(run.startedAt, 'startedAt');
      const completedAt = isoTime(run.completedAt ?? this.now().toISOString(), 'completedAt');
      const failures = boundedFailures(run.failures);
      let record: RunRecord = toPlain({ ...run, startedAt, completedAt, status: 'completed', failures });
      const item: Item = {
        [PK]: runPk(run.runId),
        [SK]: RUN_RECORD_SK,
        kind: ITEM_KINDS.run,
        runId: run.runId,
        status: 'completed',
        startedAt,
        completedAt,
        failuresTotal: run.failures.length,
        data: record,
        [TTL]: expiresAtEpoch(startedAt, this.historyDays),
      };
      // `same`: this completion is stored (a lost answer, or a retry with the same record): nothing to re-read.
      const outcome = await this.putIfAbsent(item, 'completedAt');
      let failuresTotal = run.failures.length;
      if (outcome === 'different') {
        const stored = await this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { [PK]: runPk(run.runId), [SK]: RUN_RECORD_SK },
            ConsistentRead: true,
          }),
        );
        record = stored.Item?.data as RunRecord;
        failuresTotal = (stored.Item?.failuresTotal as number | undefined) ?? record.failures.length;
      }
      // The index entry is a copy, so the latest run is read with one Query. It has no TTL: "when did a run last
      // complete" must survive a monitor that stopped for longer than historyDays.
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: RUNS_PK,
            [SK]: completedRunSk(record.completedAt as string, record.runId),
            kind: ITEM_KINDS.runIndex,
            runId: record.runId,
            completedAt: record.completedAt,
            failuresTotal,
            data: record,
          },
        }),
      );
    });
  }

  async latestCompletedRun(): Promise<RunRecord | undefined> {
    return this.guard('latestCompletedRun', async () => {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: { ':pk': RUNS_PK, ':prefix': COMPLETED_SK_PREFIX },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      return output.Items?.[0]?.data as RunRecord | undefined;
    });
  }

  async loadRunResults(
    runId: string,
  ): Promise<{ targets: TargetResult[]; changes: Change[]; notStored?: Certificate[] }> {
    return this.guard('loadRunResults', async () => {
      const items = await queryAll(this.client, { ...this.partitionQuery(runPk(runId)), ConsistentRead: true });
      const targets: TargetResult[] = [];
      const changes: Change[] = [];
      const notStored: Certificate[] = [];
      for (const item of items) {
        if (item.kind === ITEM_KINDS.targetResult) targets.push(item.data as TargetResult);
        else if (item.kind === ITEM_KINDS.change) changes.push(item.data as Change);
        else if (item.kind === ITEM_KINDS.notStored) notStored.push(...(item.data as Certificate[]));
      }
      return notStored.length > 0 ? { targets, changes, notStored } : { targets, changes };
    });
  }

  /**
   * Lists the targets (one paged Query of `TARGETS`), then reads each target holding certificates (one paged Query
   * per target partition). No table Scan: the table also holds history, runs and events, which outgrow the snapshot
   * many times over, and most account-regions hold no certificate at all.
   */
  async loadAllCertificates(): Promise<Certificate[]> {
    return this.guard('loadAllCertificates', async () => {
      const targets = (await queryAll(this.client, this.partitionQuery(TARGETS_PK))).filter(
        (item) => item.holdsCertificates !== false,
      );
      const limit = pLimit(this.concurrency);
      const perTarget = await Promise.all(
        targets.map((item) =>
          limit(() => this.queryCertificates(item.accountId as string, item.region as string, undefined, false)),
        ),
      );
      return perTarget.flat().map((item) => item.data as Certificate);
    });
  }

  /** Certificates in the sparse attention index, soonest expiry first (those without an expiry before them). */
  async loadAttentionCertificates(): Promise<Certificate[]> {
    return this.guard('loadAttentionCertificates', async () => {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        IndexName: GSI.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI.partitionKey },
        ExpressionAttributeValues: { ':pk': ATTENTION_PK },
        Limit: this.pageSize,
      });
      return items.map((item) => item.data as Certificate);
    });
  }

  // ---- the save ----

  private async save(scan: TargetScan): Promise<SaveStats> {
    const { runId, result } = scan;
    const { accountId, region } = result;
    const scannedAt = isoTime(scan.scannedAt, 'scannedAt');
    const expiresAt = expiresAtEpoch(scannedAt, this.historyDays);
    const complete = result.status === 'ok';
    const stats: SaveStats = {
      certificatesWritten: 0,
      certificatesUnchanged: 0,
      certificatesRemoved: 0,
      changeEventsWritten: 0,
      changeEventsAlreadyStored: 0,
      historyWritten: 0,
      historyAlreadyStored: 0,
      batchWriteCalls: 0,
      batchWriteRetries: 0,
      batchGetCalls: 0,
      queryPages: 0,
    };

    const meta = await this.getTargetMeta(accountId, region);
    const storedItems = await this.storedCertificates(accountId, region, meta, stats);
    const stored = new Map(storedItems.map((item) => [item.arn as string, item]));
    // A certificate listed twice would make BatchWriteItem reject the chunk; the later entry wins.
    const scanned = new Map(scan.certificates.map((cert) => [cert.arn, toPlain(cert)]));
    const changesByArn = groupByArn(scan.changes);

    const writes: WriteRequest[] = [];
    const history: Item[] = [];
    for (const [arn, cert] of scanned) {
      const item = this.certificateItem(accountId, region, cert, runId, scannedAt);
      const before = stored.get(arn);
      if (before !== undefined && sameCertificateItem(before, item)) stats.certificatesUnchanged++;
      else writes.push(putRequest(item));
      const changes = changesByArn.get(arn) ?? [];
      if (before === undefined || changes.length > 0) {
        history.push(
          historyItem(cert, before === undefined ? 'first-seen' : 'changed', changes, runId, scannedAt, expiresAt),
        );
      }
    }
    if (complete) {
      for (const [arn, item] of stored) {
        if (scanned.has(arn)) continue;
        writes.push({ DeleteRequest: { Key: { [PK]: item[PK], [SK]: item[SK] } } });
        history.push(
          historyItem(item.data as Certificate, 'removed', changesByArn.get(arn) ?? [], runId, scannedAt, expiresAt),
        );
        stats.certificatesRemoved++;
      }
    }
    stats.certificatesWritten = writes.length - stats.certificatesRemoved;

    // 1. Events and history first: once the snapshot holds the new state, a retry's diff no longer sees the change.
    const sks = changeSks(accountId, region, scan.changes);
    const events: Item[] = scan.changes.map((change, index) => ({
      [PK]: runPk(runId),
      [SK]: sks[index] as string,
      kind: ITEM_KINDS.change,
      runId,
      accountId,
      region,
      arn: change.arn,
      type: change.type,
      scannedAt,
      data: toPlain(change),
      [TTL]: expiresAt,
    }));
    const written = await this.putAllIfAbsent([...events, ...history], stats);
    stats.changeEventsWritten = written.filter((item) => item.kind === ITEM_KINDS.change).length;
    stats.changeEventsAlreadyStored = events.length - stats.changeEventsWritten;
    stats.historyWritten = written.length - stats.changeEventsWritten;
    stats.historyAlreadyStored = history.length - stats.historyWritten;

    // 2. Before certificates land in a target listed as empty, list it as holding some, so a crash between the
    // snapshot and the meta write cannot hide them from loadAllCertificates.
    const certificateCount = complete ? scanned.size : new Set([...stored.keys(), ...scanned.keys()]).size;
    if (certificateCount > 0 && meta?.holdsCertificates !== true) {
      await this.resent(() =>
        this.updateTargetMeta(
          accountId,
          region,
          { kind: ITEM_KINDS.target, accountId, region, holdsCertificates: true },
          [],
        ),
      );
    }

    // 3. The snapshot.
    addBatchStats(stats, await batchWriteAll(this.client, this.tableName, writes, this.batchOptions('saveTargetScan')));

    // The certificates a failed save could not put in the snapshot, kept for this run's report only (one item).
    const notStored = scan.notStored ?? [];
    if (notStored.length > 0) {
      const kept = boundedCertificates(notStored);
      await this.putRunItem(runId, notStoredSk(accountId, region), expiresAt, {
        kind: ITEM_KINDS.notStored,
        accountId,
        region,
        certificatesTotal: notStored.length,
        data: toPlain(kept),
      });
    }

    // 4. The run's record of this target; a retry replaces it with its own outcome.
    await this.putRunItem(runId, runTargetSk(accountId, region), expiresAt, {
      kind: ITEM_KINDS.targetResult,
      accountId,
      region,
      status: result.status,
      scannedAt,
      data: toPlain(result),
    });

    // 5. The target meta last: it is what says the snapshot is as of this scan.
    const set: Record<string, unknown> = {
      kind: ITEM_KINDS.target,
      accountId,
      region,
      lastRunId: runId,
      lastStatus: result.status,
      lastResultAt: scannedAt,
      certificateCount,
      holdsCertificates: certificateCount > 0,
    };
    if (result.accountName !== undefined) set.accountName = result.accountName;
    if (complete || scanned.size > 0) set.lastScanAt = scannedAt;
    if (complete) set.lastCompleteScanAt = scannedAt;
    const remove: string[] = [];
    if (result.errorCode !== undefined) set.lastErrorCode = result.errorCode;
    else remove.push('lastErrorCode');
    if (result.errorMessage !== undefined) set.lastErrorMessage = result.errorMessage;
    else remove.push('lastErrorMessage');
    await this.resent(() => this.updateTargetMeta(accountId, region, set, remove));
    return stats;
  }

  /** An item of the run's partition (what a save records for this run alone), resent when the call fails whole. */
  private async putRunItem(runId: string, sk: string, expiresAt: number, fields: Item): Promise<void> {
    await this.resent(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [PK]: runPk(runId), [SK]: sk, runId, ...fields, [TTL]: expiresAt },
        }),
      ),
    );
  }

  /**
   * The target's stored certificate items, read only when its meta says it holds some. Certificates never land
   * without the meta saying so first (step 2 of save), so a target without meta, or one whose meta says it holds
   * none, has none: most account-regions are empty, and this spares each of them a Query on every load and save.
   */
  private async storedCertificates(
    accountId: string,
    region: string,
    meta: Item | undefined,
    stats?: SaveStats,
  ): Promise<Item[]> {
    if (meta === undefined || meta.holdsCertificates === false) return [];
    return this.queryCertificates(accountId, region, stats);
  }

  private certificateItem(
    accountId: string,
    region: string,
    cert: Certificate,
    runId: string,
    scannedAt: string,
  ): Item {
    const item: Item = {
      [PK]: targetPk(accountId, region),
      [SK]: certificateSk(cert.arn),
      kind: ITEM_KINDS.certificate,
      accountId,
      region,
      arn: cert.arn,
      data: cert,
      runId,
      updatedAt: scannedAt,
    };
    if (this.needsAttention(cert)) {
      item[GSI.partitionKey] = ATTENTION_PK;
      item[GSI.sortKey] = attentionSk(cert.notAfter, cert.arn);
    }
    return item;
  }

  // ---- reads and writes ----

  private partitionQuery(pk: string) {
    return {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': pk },
      Limit: this.pageSize,
    };
  }

  private async queryCertificates(
    accountId: string,
    region: string,
    stats?: SaveStats,
    consistent = true,
  ): Promise<Item[]> {
    return queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': targetPk(accountId, region), ':prefix': CERTIFICATE_SK_PREFIX },
        ConsistentRead: consistent,
        Limit: this.pageSize,
      },
      () => {
        if (stats) stats.queryPages++;
      },
    );
  }

  private async getTargetMeta(accountId: string, region: string): Promise<Item | undefined> {
    const output = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { [PK]: TARGETS_PK, [SK]: targetMetaSk(accountId, region) },
        ConsistentRead: true,
      }),
    );
    return output.Item;
  }

  private async updateTargetMeta(
    accountId: string,
    region: string,
    set: Record<string, unknown>,
    remove: string[],
  ): Promise<void> {
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
        Key: { [PK]: TARGETS_PK, [SK]: targetMetaSk(accountId, region) },
        UpdateExpression: `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /**
   * Writes the items whose keys are not in the table yet and returns those it wrote; the first write of a key wins.
   * A few (the daily case) go as conditional PutItem calls. Many (a target's first scan: one NEW event and one
   * history entry per certificate) would be thousands of calls, so the existing keys are read 100 per BatchGetItem
   * and the rest written 25 per BatchWriteItem. Between that read and write only a concurrent attempt of the same
   * run and target could write the same keys; keys are deterministic, so even then nothing is duplicated.
   */
  private async putAllIfAbsent(items: Item[], stats: SaveStats): Promise<Item[]> {
    if (items.length <= CONDITIONAL_PUT_MAX) {
      const limit = pLimit(this.concurrency);
      const outcomes = await Promise.all(items.map((item) => limit(() => this.resent(() => this.putIfAbsent(item)))));
      return items.filter((_, index) => outcomes[index] === 'written');
    }
    const keyNames = [PK, SK] as const;
    const options = this.batchOptions('saveTargetScan');
    const keys = items.map((item) => ({ [PK]: item[PK], [SK]: item[SK] }));
    const existing = await existingKeys(this.client, this.tableName, keys, keyNames, options);
    stats.batchGetCalls += existing.stats.calls;
    const missing = items.filter((item) => !existing.found.has(keyString(item, keyNames)));
    addBatchStats(stats, await batchWriteAll(this.client, this.tableName, missing.map(putRequest), options));
    return missing;
  }

  /** Writes of a save are idempotent (puts of whole items, SETs, puts-if-absent that recognise their own item). */
  private resent<T>(send: () => Promise<T>): Promise<T> {
    const maxAttempts = Math.min(SINGLE_WRITE_SENDS, this.maxBatchAttempts);
    return resendOnFailure(send, { ...this.batchOptions('saveTargetScan'), maxAttempts });
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

  /**
   * Puts the item unless one with its key (or, given `attribute`, with that attribute) exists. `written`: this call
   * wrote it. `same`: what is there is what this call writes, so the write is done whoever did it: an earlier
   * attempt of the same run, or this very call, when its answer was lost and the SDK's resend met its own item.
   * `different`: someone else's item holds the key.
   */
  private async putIfAbsent(item: Item, attribute: string = PK): Promise<'written' | 'same' | 'different'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#a)',
          ExpressionAttributeNames: { '#a': attribute },
        }),
      );
      return 'written';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
    const stored = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { [PK]: item[PK], [SK]: item[SK] }, ConsistentRead: true }),
    );
    return stored.Item !== undefined && canonicalJson(stored.Item) === canonicalJson(item) ? 'same' : 'different';
  }

  private async guard<T>(operation: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw StateStoreError.from(operation, this.tableName, error);
    }
  }
}

function historyItem(
  cert: Certificate,
  reason: HistoryReason,
  changes: Change[],
  runId: string,
  scannedAt: string,
  expiresAt: number,
): Item {
  return {
    [PK]: historyPk(cert.arn),
    [SK]: historySk(runId),
    kind: ITEM_KINDS.history,
    arn: cert.arn,
    accountId: cert.accountId,
    region: cert.region,
    runId,
    scannedAt,
    reason,
    changes: toPlain(changes),
    data: cert,
    [TTL]: expiresAt,
  };
}

/** Same certificate data and same place in the attention index: rewriting it would change nothing. */
function sameCertificateItem(stored: Item, next: Item): boolean {
  return (
    stored[GSI.partitionKey] === next[GSI.partitionKey] &&
    stored[GSI.sortKey] === next[GSI.sortKey] &&
    canonicalJson(stored.data) === canonicalJson(next.data)
  );
}

function putRequest(item: Item): WriteRequest {
  return { PutRequest: { Item: item } };
}

function addBatchStats(stats: SaveStats, batch: BatchStats): void {
  stats.batchWriteCalls += batch.calls;
  stats.batchWriteRetries += batch.retries;
}

function groupByArn(changes: readonly Change[]): Map<string, Change[]> {
  const byArn = new Map<string, Change[]>();
  for (const change of changes) {
    const list = byArn.get(change.arn);
    if (list) list.push(change);
    else byArn.set(change.arn, [change]);
  }
  return byArn;
}

/** As many of the certificates as fit in one item (400 KB), the most urgent kept first by the caller's order. */
function boundedCertificates(certificates: readonly Certificate[]): Certificate[] {
  const kept: Certificate[] = [];
  let chars = 0;
  for (const certificate of certificates) {
    chars += JSON.stringify(certificate).length + 1;
    if (chars > MAX_NOT_STORED_CHARS) break;
    kept.push(certificate);
  }
  return kept;
}

/** As many zones as fit in one item, with room to spare. */
function boundedZones(zones: AccountZones['zones']): AccountZones['zones'] {
  const kept: AccountZones['zones'] = [];
  let chars = 0;
  for (const zone of zones) {
    chars += zone.id.length + zone.name.length + 20;
    if (chars > MAX_NOT_STORED_CHARS) break;
    kept.push({ id: zone.id, name: zone.name });
  }
  return kept;
}

function boundedFailures(failures: RunRecord['failures']): RunRecord['failures'] {
  const kept: RunRecord['failures'] = [];
  let chars = 0;
  for (const failure of failures) {
    chars += JSON.stringify(failure).length + 1;
    if (chars > MAX_STORED_FAILURES_CHARS) break;
    kept.push(failure);
  }
  return kept;
}

function isoTime(value: string, field: string): string {
  if (Number.isNaN(Date.parse(value))) throw new RangeError(`${field} is not an ISO-8601 time: ${value}`);
  return isoInstant(value);
}

function toTargetMeta(item: Item): TargetMeta {
  const meta: TargetMeta = {
    accountId: item.accountId as string,
    region: item.region as string,
    lastResultAt: item.lastResultAt as string,
    lastRunId: item.lastRunId as string,
    lastStatus: item.lastStatus as TargetStatus,
    certificateCount: (item.certificateCount as number | undefined) ?? 0,
  };
  for (const key of ['accountName', 'lastScanAt', 'lastCompleteScanAt', 'lastErrorCode', 'lastErrorMessage'] as const) {
    const value = item[key];
    if (typeof value === 'string') meta[key] = value;
  }
  return meta;
}
