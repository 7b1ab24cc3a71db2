/**
 * What the use cases need from the outside world, as interfaces. Adapters in lambdas/aws implement them;
 * tests may pass in-memory versions.
 */

/**
 * The one clock type: what time it is now. Code that reads the time takes a Clock (tests pass a fixed or stepped
 * one); a value named `now` is always a moment (`Date`), never a function.
 */
export type Clock = () => Date;

/** The system clock. */
export const systemClock: Clock = () => new Date();

import type { AccountZones } from './diagnosis/zones';
import type { Certificate, Change, Target, TargetResult } from './model';
import type { AccountEndpoints } from './probe/history';

/** One target's scan, as handed to the store. */
export interface TargetScan {
  runId: string;
  /** When the scan started (ISO-8601); also the time findings and history are stamped with. */
  scannedAt: string;
  result: TargetResult;
  /**
   * `result.status === 'ok'`: every certificate of the target (the store replaces the snapshot, deleting what is absent).
   * `partial` / `error`: only what was seen (the store upserts these and deletes nothing).
   */
  certificates: Certificate[];
  changes: Change[];
  /**
   * Certificates the scan read but whose save failed (the monitor's state table): not put in the snapshot, only kept
   * with the run's results so the run's report still lists them. Given with `certificates: []`.
   */
  notStored?: Certificate[];
}

/** What the store remembers of one target. */
export interface StoredTarget {
  /** Current certificates; empty when the target was never scanned. */
  certificates: Certificate[];
  /** When the last scan that stored anything started (ISO-8601); absent when never scanned. */
  scannedAt?: string;
}

export interface SnapshotStore {
  loadTarget(target: Target): Promise<StoredTarget>;
  /** Persist a scan. Idempotent for the same runId and target: a retry writes no duplicates. */
  saveTargetScan(scan: TargetScan): Promise<void>;
}

/** A run of the whole pipeline (or of one CLI audit against a state table). */
export interface RunRecord {
  runId: string;
  startedAt: string;
  completedAt?: string;
  status: 'running' | 'completed';
  targets: number;
  targetsFailed: number;
  certificates: number;
  accounts: number;
  regions: number;
  changes: number;
  /**
   * Targets left unlisted as clean (no certificate at their last listing, no event since), counted in `targets`;
   * absent when none were.
   */
  skippedClean?: number;
  /** Coverage gaps and failed targets: account, region, code, message. */
  failures: Array<{ accountId: string; accountName?: string; region: string; errorCode: string; errorMessage: string }>;
}

export interface RunStore {
  recordRunStarted(run: Pick<RunRecord, 'runId' | 'startedAt'>): Promise<void>;
  recordRunCompleted(run: RunRecord): Promise<void>;
  /** The newest completed run, or undefined when none ever completed. */
  latestCompletedRun(): Promise<RunRecord | undefined>;
  /**
   * Every target result and change event recorded for a run, and the certificates its scans read but could not
   * store (present only when some could not be).
   */
  loadRunResults(runId: string): Promise<{ targets: TargetResult[]; changes: Change[]; notStored?: Certificate[] }>;
  /** Current certificates of every target (paged internally). */
  loadAllCertificates(): Promise<Certificate[]>;
}

/** How many certificates each target held at its last scan, keyed by `targetKey` (work-order.ts). */
export interface TargetSizes {
  certificateCounts(): Promise<ReadonlyMap<string, number>>;
}

/**
 * The Route 53 public hosted zones of each account, as its last successful listing found them: written by the scan
 * of the account (the `dns-diagnosis` feature set), read by the diagnosis to name the zone of a record to fix.
 */
export interface ZoneStore {
  /** Replaces the account's zones with this listing. */
  saveAccountZones(zones: AccountZones): Promise<void>;
  /** Every account's last listing. */
  loadAllZones(): Promise<AccountZones[]>;
}

/**
 * The endpoints of each account as its last probe left them (the `probe` feature set), and the user's own endpoints
 * under FILE_ENDPOINTS_OWNER: written by the per-account scan (and the run's completion for the user's), read by the
 * next probe of the same owner (what was served before, how many runs it was unreachable) and by the completion
 * (incidents, digest, report).
 */
export interface EndpointStore {
  /** The owner's endpoints as last stored; undefined when never probed. */
  loadEndpoints(owner: string): Promise<AccountEndpoints | undefined>;
  /** Replaces the owner's endpoints. */
  saveEndpoints(endpoints: AccountEndpoints): Promise<void>;
  /** Every owner's last probe. */
  loadAllEndpoints(): Promise<AccountEndpoints[]>;
}
