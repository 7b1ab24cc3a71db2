/**
 * Each target's current certificates, its meta, and each certificate's history: what a scan saves and what the
 * next scan, the run's end and the CLI read back.
 *
 * No transactions (the local stand-in, dynalite, has none), so every write is safe to repeat instead: keys are
 * deterministic, events and history are written only where absent, and the order of writes (events and history
 * first, the snapshot next, the target meta last) leaves a crashed save in a state its retry completes without
 * duplicates.
 */
import pLimit from 'p-limit';
import { toPlain } from '../../core/canonical';
import type { Certificate, Target } from '../../core/model';
import { targetKey } from '../../core/model';
import type { SnapshotStore, StoredTarget, TargetScan, TargetSizes } from '../../core/ports';
import type { BatchStats, Item, WriteRequest } from './batch';
import {
  type CertificateHistoryEntry,
  certificateItem,
  changeEventItem,
  groupByArn,
  historyItem,
  isoTime,
  notStoredFields,
  runItem,
  sameCertificateItem,
  type TargetMeta,
  targetMetaKey,
  targetMetaUpdate,
  targetResultFields,
  toHistoryEntry,
  toTargetMeta,
} from './items';
import {
  CERTIFICATE_SK_PREFIX,
  changeSks,
  expiresAtEpoch,
  historyPk,
  ITEM_KINDS,
  notStoredSk,
  PK,
  runTargetSk,
  SK,
  TARGETS_PK,
  targetPk,
} from './keys';
import { putRequest, type TableOperations } from './table';

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

export interface SnapshotStoreOptions {
  historyDays: number;
}

export class DynamoSnapshotStore implements SnapshotStore, TargetSizes {
  constructor(
    private readonly table: TableOperations,
    private readonly options: SnapshotStoreOptions,
  ) {}

  async loadTarget(target: Target): Promise<StoredTarget> {
    return this.table.guard('loadTarget', async () => {
      const meta = await this.table.get(targetMetaKey(target.accountId, target.region));
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
    return this.table.guard('saveTargetScan', () => this.save(scan));
  }

  /** Every target the store has seen, with its last scan's outcome. */
  async listTargetMetas(): Promise<TargetMeta[]> {
    return this.table.guard('listTargetMetas', async () =>
      (await this.table.queryPartition(TARGETS_PK)).map(toTargetMeta),
    );
  }

  /** Each target's certificate count at its last scan, for scanning the largest first. */
  async certificateCounts(): Promise<ReadonlyMap<string, number>> {
    const targets = await this.listTargetMetas();
    return new Map(targets.map((target) => [targetKey(target), target.certificateCount]));
  }

  /** A certificate's history, oldest first (what expired under TTL is gone). */
  async loadCertificateHistory(arn: string): Promise<CertificateHistoryEntry[]> {
    return this.table.guard('loadCertificateHistory', async () => {
      const items = await this.table.queryPartition(historyPk(arn));
      items.sort((a, b) => String(a.scannedAt).localeCompare(String(b.scannedAt)));
      return items.map(toHistoryEntry);
    });
  }

  /**
   * Lists the targets (one paged Query of `TARGETS`), then reads each target holding certificates (one paged Query
   * per target partition). No table Scan: the table also holds history, runs and events, which outgrow the snapshot
   * many times over, and most account-regions hold no certificate at all.
   */
  async loadAllCertificates(): Promise<Certificate[]> {
    return this.table.guard('loadAllCertificates', async () => {
      const targets = (await this.table.queryPartition(TARGETS_PK)).filter((item) => item.holdsCertificates !== false);
      const limit = pLimit(this.table.concurrency);
      const perTarget = await Promise.all(
        targets.map((item) =>
          limit(() => this.queryCertificates(item.accountId as string, item.region as string, undefined, false)),
        ),
      );
      return perTarget.flat().map((item) => item.data as Certificate);
    });
  }

  private async save(scan: TargetScan): Promise<SaveStats> {
    const { runId, result } = scan;
    const { accountId, region } = result;
    const scannedAt = isoTime(scan.scannedAt, 'scannedAt');
    const expiresAt = expiresAtEpoch(scannedAt, this.options.historyDays);
    const run = { runId, accountId, region, scannedAt, expiresAt };
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

    const meta = await this.table.get(targetMetaKey(accountId, region));
    const storedItems = await this.storedCertificates(accountId, region, meta, stats);
    const stored = new Map(storedItems.map((item) => [item.arn as string, item]));
    // A certificate listed twice would make BatchWriteItem reject the chunk; the later entry wins.
    const scanned = new Map(scan.certificates.map((cert) => [cert.arn, toPlain(cert)]));
    const changesByArn = groupByArn(scan.changes);

    const writes: WriteRequest[] = [];
    const history: Item[] = [];
    for (const [arn, cert] of scanned) {
      const item = certificateItem(cert, run);
      const before = stored.get(arn);
      if (before !== undefined && sameCertificateItem(before, item)) stats.certificatesUnchanged++;
      else writes.push(putRequest(item));
      const changes = changesByArn.get(arn) ?? [];
      if (before === undefined || changes.length > 0) {
        history.push(historyItem(cert, before === undefined ? 'first-seen' : 'changed', changes, run));
      }
    }
    if (complete) {
      for (const [arn, item] of stored) {
        if (scanned.has(arn)) continue;
        writes.push({ DeleteRequest: { Key: { [PK]: item[PK], [SK]: item[SK] } } });
        history.push(historyItem(item.data as Certificate, 'removed', changesByArn.get(arn) ?? [], run));
        stats.certificatesRemoved++;
      }
    }
    stats.certificatesWritten = writes.length - stats.certificatesRemoved;

    // 1. Events and history first: once the snapshot holds the new state, a retry's diff no longer sees the change.
    const sks = changeSks(accountId, region, scan.changes);
    const events = scan.changes.map((change, index) => changeEventItem(change, sks[index] as string, run));
    const outcome = await this.table.putAllIfAbsent([...events, ...history], 'saveTargetScan');
    stats.batchGetCalls += outcome.batchGetCalls;
    addBatchStats(stats, outcome.batchWrite);
    const written = outcome.written;
    stats.changeEventsWritten = written.filter((item) => item.kind === ITEM_KINDS.change).length;
    stats.changeEventsAlreadyStored = events.length - stats.changeEventsWritten;
    stats.historyWritten = written.length - stats.changeEventsWritten;
    stats.historyAlreadyStored = history.length - stats.historyWritten;

    // 2. Before certificates land in a target listed as empty, list it as holding some, so a crash between the
    // snapshot and the meta write cannot hide them from loadAllCertificates.
    const certificateCount = complete ? scanned.size : new Set([...stored.keys(), ...scanned.keys()]).size;
    if (certificateCount > 0 && meta?.holdsCertificates !== true) {
      await this.table.resent('saveTargetScan', () =>
        this.table.update(targetMetaKey(accountId, region), {
          kind: ITEM_KINDS.target,
          accountId,
          region,
          holdsCertificates: true,
        }),
      );
    }

    // 3. The snapshot.
    addBatchStats(stats, await this.table.batchWrite(writes, 'saveTargetScan'));

    // The certificates a failed save could not put in the snapshot, kept for this run's report only (one item).
    const notStored = scan.notStored ?? [];
    if (notStored.length > 0) {
      await this.putRunItem(
        runItem(runId, notStoredSk(accountId, region), expiresAt, notStoredFields(accountId, region, notStored)),
      );
    }

    // 4. The run's record of this target; a retry replaces it with its own outcome.
    await this.putRunItem(
      runItem(runId, runTargetSk(accountId, region), expiresAt, targetResultFields(result, scannedAt)),
    );

    // 5. The target meta last: it is what says the snapshot is as of this scan.
    const { set, remove } = targetMetaUpdate(runId, result, scannedAt, certificateCount, scanned.size > 0);
    await this.table.resent('saveTargetScan', () => this.table.update(targetMetaKey(accountId, region), set, remove));
    return stats;
  }

  private async putRunItem(item: Item): Promise<void> {
    await this.table.resent('saveTargetScan', () => this.table.put(item));
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

  private async queryCertificates(
    accountId: string,
    region: string,
    stats?: SaveStats,
    consistent = true,
  ): Promise<Item[]> {
    return this.table.query(
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': targetPk(accountId, region), ':prefix': CERTIFICATE_SK_PREFIX },
        ConsistentRead: consistent,
      },
      () => {
        if (stats) stats.queryPages++;
      },
    );
  }
}

function addBatchStats(stats: SaveStats, batch: BatchStats): void {
  stats.batchWriteCalls += batch.calls;
  stats.batchWriteRetries += batch.retries;
}
