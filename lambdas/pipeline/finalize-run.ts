/**
 * The last step of the deployed pipeline: gather every target's result (an account of the work list without one, or
 * a region it held before that has none, is a scan that did not complete), load the current snapshot, read the Slack
 * secret, and hand over to the completion every run shares (run/complete-run.ts) with the report written next to the
 * work list. What stays here is what only the pipeline has: the work list, the bucket, the run's figures.
 *
 * Safe to retry as a whole: results are saved under the run's keys, the report objects are overwritten, alerting
 * plans against what on-call was already told, the digest is posted once (DigestMarker) and the first completion
 * of a run wins. Slack trouble never fails the run: it is logged, counted and reported in the result.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { AlertingConfig } from '../alerting';
import type { DigestMarker } from '../aws/store/digest-marker';
import type { AlertStore } from '../core/alerting/store';
import type { EventPathRecord, EventStateStore } from '../core/events/store';
import { SCAN_DID_NOT_COMPLETE } from '../core/failures';
import {
  type AssessedCertificate,
  type FindingCode,
  failedTarget,
  parseTargetKey,
  skippedCleanTarget,
  type TargetResult,
  targetKey,
  WHOLE_ACCOUNT,
} from '../core/model';
import { withNotStored } from '../core/monitor-health';
import { RUN_LOG } from '../core/names';
import { s3ObjectConsoleUrl } from '../core/partition';
import type { RunRecord, RunStore, SnapshotStore, TargetSizes } from '../core/ports';
import { type Report, renderHtml } from '../core/report';
import {
  type AccountRouting,
  type AccountRoutingStore,
  factsToRecord,
  type RoutesConfig,
  readsAccountFacts,
} from '../core/routing';
import {
  type CompleteRunCt,
  type CompleteRunDeps,
  completeRun,
  type RunCompletion,
  type SlackStep,
} from '../run/complete-run';
import { type CompletionRouting, urlsFromSecret } from '../run/routed-slack';
import type { RunListing, WorkItem, WorkListItem } from './contracts';
import { getWorkList, putText, reportKeys } from './work-bucket';

/** The completion's dependencies, each required where the pipeline always has it, plus the work bucket. */
export interface FinalizeRunDeps extends Omit<CompleteRunDeps, 'runs' | 'alerts' | 'digestMarker'> {
  s3: S3Client;
  runs: RunStore & Pick<SnapshotStore, 'saveTargetScan'> & TargetSizes;
  alerts: AlertStore;
  digestMarker: DigestMarker;
  /** The event path's record, when it is on: besides what the completion reads, the dirty marks this run saw. */
  events?: EventPathRecord & Pick<EventStateStore, 'loadDirtyMarks' | 'clearDirtyMark'>;
  /**
   * With owner routing and the event path on: where each account's routing facts this run read are recorded, so the
   * Events Lambda routes its alerts as this run would. Absent: not recorded (nobody reads them).
   */
  accountRouting?: Pick<AccountRoutingStore, 'saveAccountRouting'>;
}

export interface FinalizeRunInput {
  runId: string;
  startedAt: string;
  listing: RunListing;
  expiryDays: number;
  ownerTagKey: string;
  /** Where the bucket's `runs/` objects are served over http(s); absent: the digest links to the S3 console page. */
  reportBaseUrl?: string;
  alerting?: Omit<AlertingConfig, 'ownerTagKey'>;
  /** Owner routing's table, its destinations keys of the Slack secret; absent: one alerts webhook and one digest. */
  routes?: RoutesConfig;
  /** The CT watch, when deployed: one more poll, so the digest and the report list what it found. */
  ct?: CompleteRunCt;
}

export interface FinalizeRunResult {
  run: RunRecord;
  report: {
    bucket: string;
    htmlKey: string;
    jsonKey: string;
    /** What the digest links to: `reportBaseUrl`'s address, else the S3 console's page of the report. */
    location: string;
    /** `s3://bucket/key` of the HTML report, for `aws s3 cp`. */
    s3Uri: string;
  };
  digest: SlackStep;
  /** How alerting went, in figures (why it stopped is in the log). */
  alerts: Omit<RunCompletion['alerts'], 'failure'>;
  figures: RunFigures;
  /** With owner routing: destinations whose webhook is broken (they raise the broken-webhook alarm too). */
  brokenDestinations?: string[];
}

/** The run in figures, as its "run completed" log line carries them for the dashboard. */
export interface RunFigures {
  durationSeconds: number;
  targets: number;
  targetsFailed: number;
  certificates: number;
  expiringWithin7Days: number;
  expiringWithin30Days: number;
  /** Certificates carrying each finding code (every code present). */
  findings: Record<FindingCode, number>;
  changes: number;
}

/** The execution's output: the run in figures, never its certificates. */
export interface FinalizeRunSummary {
  runId: string;
  targets: number;
  targetsFailed: number;
  certificates: number;
  changes: number;
  /** `s3://` location of the HTML report, for the CLI (`aws s3 cp`). */
  report: string;
  /** The page a person opens in a browser: what the digest links to. */
  reportUrl: string;
  digest: SlackStep;
  alerts: FinalizeRunResult['alerts'];
}

export function runSummary(result: FinalizeRunResult): FinalizeRunSummary {
  return {
    runId: result.run.runId,
    targets: result.run.targets,
    targetsFailed: result.run.targetsFailed,
    certificates: result.run.certificates,
    changes: result.run.changes,
    report: result.report.s3Uri,
    reportUrl: result.report.location,
    digest: result.digest,
    alerts: result.alerts,
  };
}

export async function finalizeRun(deps: FinalizeRunDeps, input: FinalizeRunInput): Promise<FinalizeRunResult> {
  const { runId, listing } = input;
  const log = deps.logger;

  const [stored, workList, previousRun, known] = await Promise.all([
    deps.runs.loadRunResults(runId),
    getWorkList(deps.s3, listing.bucket, listing.key),
    deps.runs.latestCompletedRun(),
    deps.runs.certificateCounts(),
  ]);
  const skipped = skippedTargets(workList, stored.targets);
  const missing = unfinishedTargets(workList, [...stored.targets, ...skipped], known, input.startedAt);
  for (const result of missing) {
    log?.warn('target has no result: its scan did not complete', {
      runId,
      accountId: result.accountId,
      region: result.region,
    });
    await deps.runs.saveTargetScan({ runId, scannedAt: result.startedAt, result, certificates: [], changes: [] });
  }
  const targets = [...stored.targets, ...skipped, ...missing].sort(byTarget);
  await clearSeenMarks(deps, runId, stored.targets);

  const now = deps.clock();
  const routing = input.routes ? completionRouting(input.routes, workList) : undefined;
  await recordAccountRouting(deps, runId, input.routes, routing, now);
  // A scan whose save the state table refused left what it read beside the run's results: reported, alerted on.
  const certificates = withNotStored(await deps.runs.loadAllCertificates(), stored.notStored ?? []);

  const keys = reportKeys(runId);
  const s3Uri = `s3://${listing.bucket}/${keys.html}`;
  let location = s3Uri;
  const completion = await completeRun(deps, {
    runId,
    startedAt: input.startedAt,
    now,
    expiryDays: input.expiryDays,
    ownerTagKey: input.ownerTagKey,
    ...(input.alerting ? { alerting: input.alerting } : {}),
    ...(input.ct ? { ct: input.ct } : {}),
    targets,
    certificates,
    changes: stored.changes,
    previousRun,
    ...(routing ? { routing } : {}),
    publishReport: async (report) => {
      await Promise.all([
        putText(deps.s3, listing.bucket, keys.json, `${JSON.stringify(report, null, 2)}\n`, 'application/json'),
        putText(deps.s3, listing.bucket, keys.html, renderHtml(report), 'text/html; charset=utf-8'),
      ]);
      // Slack cannot open an s3:// URI: the digest links to the report's page in the S3 console (the bucket is in
      // the hub's region, the S3 client's), which the team opens with its hub-account login. The URI stays for the CLI.
      location = input.reportBaseUrl
        ? `${input.reportBaseUrl.replace(/\/+$/, '')}/${keys.html}`
        : (s3ObjectConsoleUrl(listing.bucket, keys.html, await deps.s3.config.region()) ?? s3Uri);
      return location;
    },
  });
  const { run, report, digest } = completion;
  const { failure: _failure, ...alerts } = completion.alerts;
  const figures = runFigures(run, report, completion.assessed, new Date(run.completedAt ?? now.toISOString()));
  // The dashboard's Logs Insights widgets read the run's figures from this line (RUN_LOG).
  log?.info(RUN_LOG.runCompleted, { runId, ...figures, report: s3Uri, digest, alerts: alerts.outcome });

  const broken = completion.routing?.brokenDestinations ?? [];
  return {
    run,
    report: { bucket: listing.bucket, htmlKey: keys.html, jsonKey: keys.json, location, s3Uri },
    digest,
    alerts,
    figures,
    ...(broken.length > 0 ? { brokenDestinations: broken } : {}),
  };
}

/** The routing of a run from its work list: ListTargets read each account's tags and OUs into it. */
function completionRouting(config: RoutesConfig, workList: readonly WorkListItem[]): CompletionRouting {
  const accounts = new Map<string, AccountRouting>();
  for (const item of workList) {
    if (item.routing !== undefined) accounts.set(item.accountId, { accountId: item.accountId, ...item.routing });
  }
  return { config, accounts, urls: urlsFromSecret(config) };
}

/**
 * Records what this run read of each account for routing, for the event path until the next run. Before the
 * alerts, so an event batch racing this run routes with this run's facts; a table that refuses costs the event
 * path fresh facts (it keeps the previous run's), never the run.
 */
async function recordAccountRouting(
  deps: FinalizeRunDeps,
  runId: string,
  routes: RoutesConfig | undefined,
  routing: CompletionRouting | undefined,
  now: Date,
): Promise<void> {
  if (deps.accountRouting === undefined || routes === undefined || routing === undefined) return;
  if (!readsAccountFacts(routes) || routing.accounts.size === 0) return;
  try {
    await deps.accountRouting.saveAccountRouting(
      [...routing.accounts.values()].map((account) => factsToRecord(routes, account)),
      now.toISOString(),
    );
  } catch (error) {
    deps.logger?.warn('account routing not recorded; the event path keeps routing with the previous run’s', {
      runId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * The results of the regions the work list left unlisted as clean, `ok` as of their last listing; none for an
 * account this run could not open at all (its whole-account gap stands, and a clean region must not read as reaching
 * it).
 */
export function skippedTargets(workList: readonly WorkItem[], results: readonly TargetResult[]): TargetResult[] {
  const unreachable = new Set(
    results.filter((result) => result.region === WHOLE_ACCOUNT).map((result) => result.accountId),
  );
  return workList.flatMap((item) =>
    unreachable.has(item.accountId)
      ? []
      : (item.skip ?? []).map((skip) => skippedCleanTarget({ ...item, region: skip.region }, skip.lastListedAt)),
  );
}

/**
 * Clears the dirty marks this run's complete scans saw (each started after the mark's latest event); a mark an event
 * reached since stays for the next run. A table that refuses costs only an extra listing tomorrow: logged, not thrown.
 */
async function clearSeenMarks(deps: FinalizeRunDeps, runId: string, results: readonly TargetResult[]): Promise<void> {
  if (deps.events === undefined) return;
  try {
    const marks = await deps.events.loadDirtyMarks();
    const scanned = new Map(results.filter((r) => r.status === 'ok').map((r) => [targetKey(r), r.startedAt]));
    let cleared = 0;
    for (const mark of marks) {
      const startedAt = scanned.get(targetKey(mark));
      if (startedAt !== undefined && (await deps.events.clearDirtyMark(mark, startedAt))) cleared++;
    }
    deps.logger?.info('dirty marks cleared', { runId, cleared, left: marks.length - cleared });
  } catch (error) {
    deps.logger?.warn('dirty marks could not be cleared; those targets are listed again next run', {
      runId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * Error results for what the work list asked for and this run did not record: an account with no result at all
 * (its child failed before it saved anything) as a whole, and, of an account whose child stopped half-way, each
 * region it held at an earlier scan that has no result now.
 */
export function unfinishedTargets(
  workList: readonly WorkItem[],
  results: readonly TargetResult[],
  knownTargets: ReadonlyMap<string, number>,
  startedAt: string,
): TargetResult[] {
  const recorded = new Set(results.map((result) => targetKey(result)));
  const accountsRecorded = new Set(results.map((result) => result.accountId));
  const knownRegions = new Map<string, string[]>();
  for (const key of knownTargets.keys()) {
    const { accountId, region } = parseTargetKey(key);
    if (region !== WHOLE_ACCOUNT) knownRegions.set(accountId, [...(knownRegions.get(accountId) ?? []), region]);
  }
  const unfinished = (item: WorkItem, region: string): TargetResult =>
    failedTarget(
      { ...item, region },
      {
        code: SCAN_DID_NOT_COMPLETE,
        message: `the scan of this ${region === WHOLE_ACCOUNT ? 'account' : 'region'} did not finish (its child execution failed or timed out); its certificates are kept as of the last complete scan`,
      },
      { startedAt },
    );
  return workList.flatMap((item) => {
    if (!accountsRecorded.has(item.accountId)) return [unfinished(item, WHOLE_ACCOUNT)];
    if (recorded.has(targetKey({ accountId: item.accountId, region: WHOLE_ACCOUNT }))) return [];
    return (knownRegions.get(item.accountId) ?? [])
      .filter((region) => !recorded.has(targetKey({ accountId: item.accountId, region })))
      .sort()
      .map((region) => unfinished(item, region));
  });
}

function runFigures(run: RunRecord, report: Report, assessed: AssessedCertificate[], completedAt: Date): RunFigures {
  const expiringWithin = (days: number) =>
    assessed.filter(
      (cert) =>
        cert.status === 'ISSUED' &&
        cert.daysToExpiry !== undefined &&
        cert.daysToExpiry >= 0 &&
        cert.daysToExpiry <= days,
    ).length;
  return {
    durationSeconds: Math.max(0, (completedAt.getTime() - Date.parse(run.startedAt)) / 1000),
    targets: run.targets,
    targetsFailed: run.targetsFailed,
    certificates: run.certificates,
    expiringWithin7Days: expiringWithin(7),
    expiringWithin30Days: expiringWithin(30),
    findings: { ...report.summary.byFinding },
    changes: run.changes,
  };
}

function byTarget(a: TargetResult, b: TargetResult): number {
  return targetKey(a) < targetKey(b) ? -1 : targetKey(a) > targetKey(b) ? 1 : 0;
}
