/**
 * Key formats of the state store's items in the single table (docs/table.md describes each item).
 * Alert state lives in the same table under `ALERT#…`, `ALERTS` and `HEARTBEAT`; nothing here starts with those.
 */
import type { Change } from '../../core/model';
import { TABLE_SCHEMA } from '../../core/names';

/** The table's attribute names, as every item and request spells them. */
export const PK = TABLE_SCHEMA.partitionKey;
export const SK = TABLE_SCHEMA.sortKey;
export const TTL = TABLE_SCHEMA.ttlAttribute;
export const GSI = TABLE_SCHEMA.attentionIndex;

/** Item kinds, stored in every item's `kind` attribute so a console reader can tell them apart. */
export const ITEM_KINDS = {
  certificate: 'certificate',
  target: 'target',
  run: 'run',
  runIndex: 'run-index',
  targetResult: 'target-result',
  change: 'change',
  history: 'history',
  notStored: 'not-stored',
  zones: 'zones',
  endpoints: 'endpoints',
} as const;

/** The partition of one target's current certificates. */
export function targetPk(accountId: string, region: string): string {
  return `TARGET#${accountId}#${region}`;
}

export const CERTIFICATE_SK_PREFIX = 'CERT#';

export function certificateSk(arn: string): string {
  return `${CERTIFICATE_SK_PREFIX}${arn}`;
}

/** Every target ever scanned has one meta item in this partition, so all targets are listed by one paged Query. */
export const TARGETS_PK = 'TARGETS';

export function targetMetaSk(accountId: string, region: string): string {
  return `${accountId}#${region}`;
}

/** One item per account with its Route 53 public hosted zones, so the diagnosis reads them all with one Query. */
export const ZONES_PK = 'ZONES';

/** One item per account (and one for the user's endpoints) with its probed endpoints: all read with one Query. */
export const ENDPOINTS_PK = 'ENDPOINTS';

/** The partition of one run: its record, its per-target results and its change events. */
export function runPk(runId: string): string {
  return `RUN#${runId}`;
}

export const RUN_RECORD_SK = 'RUN';
const RUN_TARGET_SK_PREFIX = 'TARGET#';
const CHANGE_SK_PREFIX = 'CHANGE#';

export function runTargetSk(accountId: string, region: string): string {
  return `${RUN_TARGET_SK_PREFIX}${accountId}#${region}`;
}

const NOT_STORED_SK_PREFIX = 'NOTSTORED#';

/** The certificates one target's scan read in a run but could not store in the snapshot. */
export function notStoredSk(accountId: string, region: string): string {
  return `${NOT_STORED_SK_PREFIX}${accountId}#${region}`;
}

/**
 * Deterministic sort keys of one target's change events in one run. The same list of changes always gives the same
 * keys, so a retried save finds its earlier writes; a change repeated in one list gets an ordinal suffix.
 */
export function changeSks(accountId: string, region: string, changes: readonly Change[]): string[] {
  const seen = new Map<string, number>();
  return changes.map((change) => {
    const threshold = change.threshold === undefined ? '' : `#${change.threshold}`;
    const base = `${CHANGE_SK_PREFIX}${accountId}#${region}#${change.arn}#${change.type}${threshold}`;
    const ordinal = (seen.get(base) ?? 0) + 1;
    seen.set(base, ordinal);
    return ordinal === 1 ? base : `${base}#${ordinal}`;
  });
}

/** Completed runs, newest last by sort key, so the latest is one Query with Limit 1 read backwards. */
export const RUNS_PK = 'RUNS';
export const COMPLETED_SK_PREFIX = 'COMPLETED#';

export function completedRunSk(completedAt: string, runId: string): string {
  return `${COMPLETED_SK_PREFIX}${completedAt}#${runId}`;
}

/**
 * One certificate's history. The sort key names the run alone: a retried scan of the same run starts at another
 * time, and must still find the entry its first attempt wrote. Readers order entries by their `scannedAt`.
 */
export function historyPk(arn: string): string {
  return `HISTORY#${arn}`;
}

export function historySk(runId: string): string {
  return `RUN#${runId}`;
}

/** ISO-8601 in one fixed form (`toISOString`), so keys built from differently written times still sort by time. */
export function isoInstant(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

/** Epoch seconds `days` after an ISO-8601 time: the value of the TTL attribute. */
export function expiresAtEpoch(from: string, days: number): number {
  const time = Date.parse(from);
  if (Number.isNaN(time)) throw new RangeError(`not an ISO-8601 time: ${from}`);
  return Math.floor(time / 1000) + Math.round(days * 86_400);
}
