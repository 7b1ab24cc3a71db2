/**
 * The DynamoDB actions each Lambda's calls need on the state table, read from the store methods its use case calls,
 * so the hub stack grants each function these and nothing else (no Scan, no stream actions: the table has no
 * stream; DeleteItem only where an item is deleted by key). Deletes inside BatchWriteItem (certificates a complete
 * scan no longer finds) are authorised by dynamodb:BatchWriteItem alone.
 *
 * When a use case starts calling another store method, add that method's actions here in the same change: the
 * local table (dynalite) does not enforce IAM; test/integration/pipeline/table-access.test.ts meters the requests
 * each function sends over a run, a churned day and a heartbeat and fails on one its grant lacks.
 */

/** DynamoDB actions of the store methods the pipeline's Lambdas call. */
const STORE_METHOD_ACTIONS = {
  /** State store: the stored target (meta item, certificate items). */
  loadTarget: ['dynamodb:GetItem', 'dynamodb:Query'],
  /**
   * State store: meta read and update, stored certificates queried, new events and history put if absent
   * (PutItem, or BatchGetItem then BatchWriteItem for many), certificates written and removed in batches.
   */
  saveTargetScan: [
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:UpdateItem',
  ],
  /** State store: the sizes of the stored targets (one partition query). */
  certificateCounts: ['dynamodb:Query'],
  recordRunStarted: ['dynamodb:PutItem'],
  recordRunCompleted: ['dynamodb:PutItem', 'dynamodb:GetItem'],
  latestCompletedRun: ['dynamodb:Query'],
  loadRunResults: ['dynamodb:Query'],
  loadAllCertificates: ['dynamodb:Query'],
  /** Alert store: open incidents' keys through the attention index, then their items read consistently in batches. */
  loadActiveStates: ['dynamodb:Query', 'dynamodb:BatchGetItem'],
  loadStates: ['dynamodb:BatchGetItem'],
  /** Alert store: versioned updates of incident state and queued notices (claim, delivered, release). */
  saveStates: ['dynamodb:UpdateItem'],
  deliverNotices: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  /** Alert store: the heartbeat item, read, replaced under a version check, marked delivered. */
  heartbeat: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  /** State store: one account's hosted zones replaced (ScanTarget), every account's read back (FinalizeRun). */
  saveAccountZones: ['dynamodb:PutItem'],
  loadAllZones: ['dynamodb:Query'],
  /** FinalizeRun's digest marker: claimed with a conditional put, marked sent, deleted when a post fails. */
  digestMarker: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /**
   * Event store: dirty marks added (UpdateItem), read (Query), cleared under a condition (DeleteItem); the event
   * path's pulse updated and read; a target's last complete scan read from its meta item (GetItem); the changes a
   * batch's rescans found put (PutItem).
   */
  eventMarks: ['dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
  /**
   * Event store, read by FinalizeRun: the event path's pulse (GetItem), the changes its rescans found and the dirty
   * marks (Query), the marks this run's scans saw cleared under a condition (DeleteItem).
   */
  eventRecord: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteItem'],
  /** FinalizeRun, with owner routing and the event path on: each account's routing facts put, 25 per batch. */
  saveAccountRouting: ['dynamodb:BatchWriteItem'],
  /** The Events Lambda, with owner routing: its batch's accounts' routing facts read by key, 100 per batch. */
  loadAccountRouting: ['dynamodb:BatchGetItem'],
  /** ListTargets, with the event path on: every target's meta and the dirty marks (one Query each). */
  cleanTargets: ['dynamodb:Query'],
  /**
   * CT store: a domain's cursor read and put, issuances and serials put if absent (PutItem, or BatchGetItem then
   * BatchWriteItem for many) and read back by partition.
   */
  ctStore: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
  ],
} as const;

type StoreMethod = keyof typeof STORE_METHOD_ACTIONS;

export interface TableAccess {
  /** Actions on the table itself. */
  readonly actions: readonly string[];
  /** Whether the function queries the attention index (then Query on the table's index ARNs as well). */
  readonly queriesIndex: boolean;
}

function access(methods: readonly StoreMethod[], queriesIndex: boolean): TableAccess {
  return { actions: [...new Set(methods.flatMap((method) => STORE_METHOD_ACTIONS[method]))].sort(), queriesIndex };
}

/** Per Lambda of the hub, what it does on the state table. */
export const TABLE_ACCESS = {
  /** startRun: the stored sizes (largest account first) and the run record. */
  listTargets: access(['certificateCounts', 'recordRunStarted', 'cleanTargets'], false),
  /** scanChild: each region's stored target loaded and its scan saved (a whole-account failure saved too). */
  scanTarget: access(['loadTarget', 'saveTargetScan', 'saveAccountZones'], false),
  /** finalizeRun: results, unfinished regions saved, the inventory, alerts, the digest marker, the run record. */
  finalizeRun: access(
    [
      'certificateCounts',
      'saveTargetScan',
      'recordRunCompleted',
      'latestCompletedRun',
      'loadRunResults',
      'loadAllCertificates',
      'loadAllZones',
      'loadActiveStates',
      'loadStates',
      'saveStates',
      'deliverNotices',
      'digestMarker',
      'eventRecord',
      'saveAccountRouting',
      // With the CT watch deployed, one more poll so the digest lists CT.
      'ctStore',
    ],
    true,
  ),
  /** runHeartbeat: the last completed run, the heartbeat item, pending alert notices. */
  heartbeat: access(['latestCompletedRun', 'heartbeat', 'loadActiveStates', 'deliverNotices'], true),
  /**
   * events: its targets marked dirty and their last complete scan read, each rescanned target loaded and saved,
   * the hosted zones for the diagnosis, the accounts' recorded routing facts, and the alerting of those targets.
   */
  events: access(
    [
      'eventMarks',
      'loadTarget',
      'saveTargetScan',
      'loadAllZones',
      'loadActiveStates',
      'loadStates',
      'saveStates',
      'deliverNotices',
      'loadAccountRouting',
    ],
    true,
  ),
  /** The hourly CT watch: the snapshot's serials, its own items, CT incidents planned and delivered. */
  ctWatch: access(
    ['loadAllCertificates', 'ctStore', 'loadActiveStates', 'loadStates', 'saveStates', 'deliverNotices'],
    true,
  ),
} as const satisfies Record<string, TableAccess>;
