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
import { SCAN_DID_NOT_COMPLETE } from '../core/failures';
import {
  type AssessedCertificate,
  type FindingCode,
  failedTarget,
  parseTargetKey,
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
  type CompleteRunCt,
  type CompleteRunDeps,
  completeRun,
  type RunCompletion,
  type SlackStep,
} from '../run/complete-run';
import type { RunListing, WorkItem } from './contracts';
import { getWorkList, putText, reportKeys } from './work-bucket';

/** The completion's dependencies, each required where the pipeline always has it, plus the work bucket. */
export interface FinalizeRunDeps extends Omit<CompleteRunDeps, 'runs' | 'alerts' | 'digestMarker'> {
  s3: S3Client;
  runs: RunStore & Pick<SnapshotStore, 'saveTargetScan'> & TargetSizes;
  alerts: AlertStore;
  digestMarker: DigestMarker;
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
  const missing = unfinishedTargets(workList, stored.targets, known, input.startedAt);
  for (const result of missing) {
    log?.warn('target has no result: its scan did not complete', {
      runId,
      accountId: result.accountId,
      region: result.region,
    });
    await deps.runs.saveTargetScan({ runId, scannedAt: result.startedAt, result, certificates: [], changes: [] });
  }
  const targets = [...stored.targets, ...missing].sort(byTarget);

  const now = deps.clock();
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

  return {
    run,
    report: { bucket: listing.bucket, htmlKey: keys.html, jsonKey: keys.json, location, s3Uri },
    digest,
    alerts,
    figures,
  };
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
