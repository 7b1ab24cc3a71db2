/**
 * How the state store's records become table items and back: certificates, history entries, change events, run
 * records, target meta and zone listings. Pure functions over plain data, so the stores only decide what to write
 * and in which order; docs/table.md describes every item.
 */

import { canonicalJson, toPlain } from '../../core/canonical';
import type { AccountZones } from '../../core/diagnosis/zones';
import type { Certificate, Change, TargetResult, TargetStatus } from '../../core/model';
import type { RunRecord } from '../../core/ports';
import type { Item } from './batch';
import {
  certificateSk,
  completedRunSk,
  GSI,
  historyPk,
  historySk,
  ITEM_KINDS,
  isoInstant,
  PK,
  RUN_RECORD_SK,
  RUNS_PK,
  runPk,
  SK,
  TARGETS_PK,
  TTL,
  targetMetaSk,
  targetPk,
  ZONES_PK,
} from './keys';

/**
 * A run record's failure list is kept to this many characters of JSON: an item holds at most 400 KB and a run over
 * thousands of failing targets would exceed it. Every failure is still in the run's target results.
 */
export const MAX_STORED_FAILURES_CHARS = 100_000;

/**
 * The certificates a failed save keeps for its run's report fit one item: about 350 KB of JSON (some 450 certificates
 * of a full target's 2,500); the rest are counted in the item's `certificatesTotal`.
 */
const MAX_NOT_STORED_CHARS = 350_000;

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

/** A time as stored in items and keys; a malformed one is refused before anything is written. */
export function isoTime(value: string, field: string): string {
  if (Number.isNaN(Date.parse(value))) throw new RangeError(`${field} is not an ISO-8601 time: ${value}`);
  return isoInstant(value);
}

export function targetMetaKey(accountId: string, region: string): Item {
  return { [PK]: TARGETS_PK, [SK]: targetMetaSk(accountId, region) };
}

/** A current certificate of a target. */
export function certificateItem(
  cert: Certificate,
  place: { accountId: string; region: string; runId: string; scannedAt: string },
): Item {
  return {
    [PK]: targetPk(place.accountId, place.region),
    [SK]: certificateSk(cert.arn),
    kind: ITEM_KINDS.certificate,
    accountId: place.accountId,
    region: place.region,
    arn: cert.arn,
    data: cert,
    runId: place.runId,
    updatedAt: place.scannedAt,
  };
}

/**
 * Same certificate data and no attention index keys: rewriting it would change nothing. Certificates were once
 * indexed there too (nothing read them); a stored one still carrying the keys is rewritten once without them.
 */
export function sameCertificateItem(stored: Item, next: Item): boolean {
  return (
    stored[GSI.partitionKey] === next[GSI.partitionKey] &&
    stored[GSI.sortKey] === next[GSI.sortKey] &&
    canonicalJson(stored.data) === canonicalJson(next.data)
  );
}

export function historyItem(
  cert: Certificate,
  reason: HistoryReason,
  changes: Change[],
  run: { runId: string; scannedAt: string; expiresAt: number },
): Item {
  return {
    [PK]: historyPk(cert.arn),
    [SK]: historySk(run.runId),
    kind: ITEM_KINDS.history,
    arn: cert.arn,
    accountId: cert.accountId,
    region: cert.region,
    runId: run.runId,
    scannedAt: run.scannedAt,
    reason,
    changes: toPlain(changes),
    data: cert,
    [TTL]: run.expiresAt,
  };
}

export function toHistoryEntry(item: Item): CertificateHistoryEntry {
  return {
    arn: item.arn as string,
    runId: item.runId as string,
    scannedAt: item.scannedAt as string,
    reason: item.reason as HistoryReason,
    changes: (item.changes ?? []) as Change[],
    certificate: item.data as Certificate,
    expiresAt: item[TTL] as number,
  };
}

export function changeEventItem(
  change: Change,
  sk: string,
  run: { runId: string; accountId: string; region: string; scannedAt: string; expiresAt: number },
): Item {
  return {
    [PK]: runPk(run.runId),
    [SK]: sk,
    kind: ITEM_KINDS.change,
    runId: run.runId,
    accountId: run.accountId,
    region: run.region,
    arn: change.arn,
    type: change.type,
    scannedAt: run.scannedAt,
    data: toPlain(change),
    [TTL]: run.expiresAt,
  };
}

/** An item of a run's partition: what a save records for this run alone. */
export function runItem(runId: string, sk: string, expiresAt: number, fields: Item): Item {
  return { [PK]: runPk(runId), [SK]: sk, runId, ...fields, [TTL]: expiresAt };
}

/** The target's record of one run: a retry replaces it with its own outcome. */
export function targetResultFields(result: TargetResult, scannedAt: string): Item {
  return {
    kind: ITEM_KINDS.targetResult,
    accountId: result.accountId,
    region: result.region,
    status: result.status,
    scannedAt,
    data: toPlain(result),
  };
}

/** The certificates a failed save could not put in the snapshot, kept for the run's report only (one item). */
export function notStoredFields(accountId: string, region: string, notStored: readonly Certificate[]): Item {
  return {
    kind: ITEM_KINDS.notStored,
    accountId,
    region,
    certificatesTotal: notStored.length,
    data: toPlain(boundedByJson(notStored, MAX_NOT_STORED_CHARS)),
  };
}

/** The target meta as a scan leaves it: what to SET and what to REMOVE. */
export function targetMetaUpdate(
  runId: string,
  result: TargetResult,
  scannedAt: string,
  certificateCount: number,
  storedCertificates: boolean,
): { set: Record<string, unknown>; remove: string[] } {
  const complete = result.status === 'ok';
  const set: Record<string, unknown> = {
    kind: ITEM_KINDS.target,
    accountId: result.accountId,
    region: result.region,
    lastRunId: runId,
    lastStatus: result.status,
    lastResultAt: scannedAt,
    certificateCount,
    holdsCertificates: certificateCount > 0,
  };
  if (result.accountName !== undefined) set.accountName = result.accountName;
  if (complete || storedCertificates) set.lastScanAt = scannedAt;
  if (complete) set.lastCompleteScanAt = scannedAt;
  const remove: string[] = [];
  if (result.errorCode !== undefined) set.lastErrorCode = result.errorCode;
  else remove.push('lastErrorCode');
  if (result.errorMessage !== undefined) set.lastErrorMessage = result.errorMessage;
  else remove.push('lastErrorMessage');
  return { set, remove };
}

export function toTargetMeta(item: Item): TargetMeta {
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

export function runRecordKey(runId: string): Item {
  return { [PK]: runPk(runId), [SK]: RUN_RECORD_SK };
}

export function runStartedItem(runId: string, startedAt: string, expiresAt: number): Item {
  return { ...runRecordKey(runId), kind: ITEM_KINDS.run, runId, status: 'running', startedAt, [TTL]: expiresAt };
}

/** The completed run's record, its failure list cut to what one item holds (`failuresTotal` counts them all). */
export function runCompletedItem(run: RunRecord, expiresAt: number): { item: Item; record: RunRecord } {
  const failures = boundedByJson(run.failures, MAX_STORED_FAILURES_CHARS);
  const record: RunRecord = toPlain({ ...run, status: 'completed', failures });
  const item: Item = {
    ...runRecordKey(run.runId),
    kind: ITEM_KINDS.run,
    runId: run.runId,
    status: 'completed',
    startedAt: run.startedAt,
    completedAt: run.completedAt,
    failuresTotal: run.failures.length,
    data: record,
    [TTL]: expiresAt,
  };
  return { item, record };
}

/**
 * The index entry of a completed run, a copy so the latest run is read with one Query. It has no TTL: "when did a
 * run last complete" must survive a monitor that stopped for longer than historyDays.
 */
export function runIndexItem(record: RunRecord, failuresTotal: number): Item {
  return {
    [PK]: RUNS_PK,
    [SK]: completedRunSk(record.completedAt as string, record.runId),
    kind: ITEM_KINDS.runIndex,
    runId: record.runId,
    completedAt: record.completedAt,
    failuresTotal,
    data: record,
  };
}

/** A run's partition read back: its target results, change events and certificates not stored. */
export function toRunResults(items: readonly Item[]): {
  targets: TargetResult[];
  changes: Change[];
  notStored?: Certificate[];
} {
  const targets: TargetResult[] = [];
  const changes: Change[] = [];
  const notStored: Certificate[] = [];
  for (const item of items) {
    if (item.kind === ITEM_KINDS.targetResult) targets.push(item.data as TargetResult);
    else if (item.kind === ITEM_KINDS.change) changes.push(item.data as Change);
    else if (item.kind === ITEM_KINDS.notStored) notStored.push(...(item.data as Certificate[]));
  }
  return notStored.length > 0 ? { targets, changes, notStored } : { targets, changes };
}

/** One item per account, replaced whole by each listing; zones beyond what fits in one item are left out. */
export function zonesItem(zones: AccountZones, listedAt: string): Item {
  return {
    [PK]: ZONES_PK,
    [SK]: zones.accountId,
    kind: ITEM_KINDS.zones,
    accountId: zones.accountId,
    ...(zones.accountName ? { accountName: zones.accountName } : {}),
    listedAt,
    zones: boundedZones(zones.zones),
  };
}

export function toAccountZones(item: Item): AccountZones {
  return {
    accountId: item.accountId as string,
    ...(typeof item.accountName === 'string' ? { accountName: item.accountName } : {}),
    zones: (item.zones ?? []) as AccountZones['zones'],
    listedAt: item.listedAt as string,
  };
}

export function groupByArn(changes: readonly Change[]): Map<string, Change[]> {
  const byArn = new Map<string, Change[]>();
  for (const change of changes) {
    const list = byArn.get(change.arn);
    if (list) list.push(change);
    else byArn.set(change.arn, [change]);
  }
  return byArn;
}

/** As many of the values as fit in `maxChars` of JSON, in the caller's order (the most urgent first). */
function boundedByJson<T>(values: readonly T[], maxChars: number): T[] {
  const kept: T[] = [];
  let chars = 0;
  for (const value of values) {
    chars += JSON.stringify(value).length + 1;
    if (chars > maxChars) break;
    kept.push(value);
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
