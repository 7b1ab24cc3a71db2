/**
 * The state store on the single DynamoDB table, as the pipeline and the CLI open it: one object serving the
 * snapshot, run and zone ports over one set of table operations. The work lives in ./store: item mappers
 * (items.ts), table operations (table.ts) and one store per concern (snapshot-store.ts, run-store.ts,
 * zone-store.ts); docs/table.md describes every item.
 */
import type { AccountZones } from '../core/diagnosis/zones';
import type { Certificate, Change, Target, TargetResult } from '../core/model';
import {
  type Clock,
  type RunRecord,
  type RunStore,
  type SnapshotStore,
  type StoredTarget,
  systemClock,
  type TargetScan,
  type TargetSizes,
  type ZoneStore,
} from '../core/ports';
import { DEFAULT_HISTORY_DAYS } from '../core/settings';
import type { CertificateHistoryEntry, TargetMeta } from './store/items';
import { DynamoRunStore } from './store/run-store';
import { DynamoSnapshotStore, type SaveStats } from './store/snapshot-store';
import { TableOperations, type TableOptions } from './store/table';
import { DynamoZoneStore } from './store/zone-store';

export { StateStoreError } from './store/errors';
export type { CertificateHistoryEntry, HistoryReason, TargetMeta } from './store/items';
export type { SaveStats } from './store/snapshot-store';

export interface StateStoreOptions extends TableOptions {
  /** How long history, run records, target results and change events are kept (TTL). @default 90 */
  historyDays?: number;
  /** @default the system clock */
  clock?: Clock;
}

export class DynamoStateStore implements SnapshotStore, RunStore, TargetSizes, ZoneStore {
  readonly tableName: string;
  private readonly snapshots: DynamoSnapshotStore;
  private readonly runs: DynamoRunStore;
  private readonly zones: DynamoZoneStore;

  constructor(options: StateStoreOptions) {
    const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
    if (!(historyDays > 0) || !Number.isFinite(historyDays)) {
      throw new RangeError(`historyDays must be a positive number of days, got ${historyDays}`);
    }
    const table = new TableOperations(options);
    this.tableName = table.tableName;
    this.snapshots = new DynamoSnapshotStore(table, { historyDays });
    this.runs = new DynamoRunStore(table, { historyDays, clock: options.clock ?? systemClock });
    this.zones = new DynamoZoneStore(table);
  }

  loadTarget(target: Target): Promise<StoredTarget> {
    return this.snapshots.loadTarget(target);
  }

  saveTargetScan(scan: TargetScan): Promise<void> {
    return this.snapshots.saveTargetScan(scan);
  }

  saveTargetScanWithStats(scan: TargetScan): Promise<SaveStats> {
    return this.snapshots.saveTargetScanWithStats(scan);
  }

  listTargetMetas(): Promise<TargetMeta[]> {
    return this.snapshots.listTargetMetas();
  }

  certificateCounts(): Promise<ReadonlyMap<string, number>> {
    return this.snapshots.certificateCounts();
  }

  loadCertificateHistory(arn: string): Promise<CertificateHistoryEntry[]> {
    return this.snapshots.loadCertificateHistory(arn);
  }

  loadAllCertificates(): Promise<Certificate[]> {
    return this.snapshots.loadAllCertificates();
  }

  saveAccountZones(zones: AccountZones): Promise<void> {
    return this.zones.saveAccountZones(zones);
  }

  loadAllZones(): Promise<AccountZones[]> {
    return this.zones.loadAllZones();
  }

  recordRunStarted(run: Pick<RunRecord, 'runId' | 'startedAt'>): Promise<void> {
    return this.runs.recordRunStarted(run);
  }

  recordRunCompleted(run: RunRecord): Promise<void> {
    return this.runs.recordRunCompleted(run);
  }

  latestCompletedRun(): Promise<RunRecord | undefined> {
    return this.runs.latestCompletedRun();
  }

  loadRunResults(runId: string): Promise<{ targets: TargetResult[]; changes: Change[]; notStored?: Certificate[] }> {
    return this.runs.loadRunResults(runId);
  }
}
