/**
 * The last step of a run: gather every target's result (an account of the work list without one, or a region it
 * held before that has none, is a scan that did not complete), assess every current certificate, write the report next to the work list, alert on-call, post the
 * digest and record the run as completed, which is the heartbeat's evidence that the monitor works.
 *
 * Safe to retry as a whole: results are saved under the run's keys, the report objects are overwritten, alerting
 * plans against what on-call was already told, the digest is posted once (DigestMarker) and the first completion
 * of a run wins. Slack trouble never fails the run: it is logged, counted and reported in the result.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type AlertingConfig, runAlerting } from '../alerting';
import type { AlertStore } from '../core/alerting/store';
import {
  type DiagnosisEntry,
  type DnsResolver,
  diagnoseCertificates,
  withDiagnoses,
  zonesForDiagnosis,
} from '../core/diagnosis';
import { SCAN_DID_NOT_COMPLETE } from '../core/failures';
import { assess } from '../core/findings';
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
import type { Clock, RunRecord, RunStore, SnapshotStore, TargetSizes, ZoneStore } from '../core/ports';
import { buildReport, type Report, renderHtml } from '../core/report';
import { completedRunRecord } from '../core/run-record';
import { renderDigest } from '../core/slack';
import type { RunListing, WorkItem } from './contracts';
import type { DigestMarker } from './digest-marker';
import { alertSender, type PostOutcome, postOutcome, type SlackPosterFactory, type SlackSetup } from './slack';
import { getWorkList, putText, reportKeys } from './work-bucket';

export interface PipelineLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface FinalizeRunDeps {
  s3: S3Client;
  runs: RunStore & Pick<SnapshotStore, 'saveTargetScan'> & TargetSizes;
  alerts: AlertStore;
  digestMarker: DigestMarker;
  /** Reads the Slack secret (called once per run). */
  slack: () => Promise<SlackSetup>;
  poster: SlackPosterFactory;
  clock: Clock;
  logger?: PipelineLogger;
  /**
   * Where the DNS diagnosis of failed validations and renewals asks its questions; absent: no diagnosis. Public DNS
   * from a Lambda outside any VPC by default: a VPC resolver can answer from private hosted zones and pass a check
   * that ACM's public validation fails.
   */
  dns?: DnsResolver;
  /** The hosted zones the scans stored (the `dns-diagnosis` feature set), to name each fix's zone. */
  zones?: Pick<ZoneStore, 'loadAllZones'>;
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
}

export type SlackStep = PostOutcome | 'already-sent' | 'in-progress' | 'not-configured' | 'secret-unreadable';

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
  alerts: {
    outcome: SlackStep;
    /** Notices this run planned (opened, reminded, resolved). */
    queued: number;
    sent: number;
    pending: number;
  };
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
  const assessedNow = certificates.map((cert) => assess(cert, { now, expiryDays: input.expiryDays }));
  // Diagnosed here, over every current certificate, rather than in each account's scan child: the findings that call
  // for a diagnosis are only known once the whole snapshot is assessed, a failed scan's certificates still need
  // theirs, and one pass shares its lookups (a CAA set at an apex) across accounts.
  const diagnoses = await diagnose(deps, runId, assessedNow);
  const assessed = withDiagnoses(assessedNow, diagnoses);
  const report = buildReport({
    runId,
    generatedAt: now,
    targets,
    certificates,
    expiryDays: input.expiryDays,
    diagnoses,
  });

  const keys = reportKeys(runId);
  await Promise.all([
    putText(deps.s3, listing.bucket, keys.json, `${JSON.stringify(report, null, 2)}\n`, 'application/json'),
    putText(deps.s3, listing.bucket, keys.html, renderHtml(report), 'text/html; charset=utf-8'),
  ]);
  const s3Uri = `s3://${listing.bucket}/${keys.html}`;
  // Slack cannot open an s3:// URI: the digest links to the report's page in the S3 console (the bucket is in the
  // hub's region, the S3 client's), which the team opens with its hub-account login. The URI stays for the CLI.
  const location = input.reportBaseUrl
    ? `${input.reportBaseUrl.replace(/\/+$/, '')}/${keys.html}`
    : (s3ObjectConsoleUrl(listing.bucket, keys.html, await deps.s3.config.region()) ?? s3Uri);

  const slack = await deps.slack();
  if (slack.kind === 'unreadable') {
    log?.error('Slack secret unreadable: no digest and no alerts this run', { runId, error: slack.error.message });
  } else if (!slack.webhooks.alertsWebhookUrl && !slack.webhooks.digestWebhookUrl) {
    log?.info('Slack not configured (the secret holds no webhook URL): no digest and no alerts', { runId });
  }

  // A retried FinalizeRun may find its own run completed already: that is not the previous run.
  const previous = previousRun?.runId === runId ? undefined : previousRun;
  const alerts = await alertOnCall(deps, input, slack, assessed, targets, now, previous?.failures ?? []);
  const digest = await postDigest(deps, input, slack, {
    runId,
    generatedAt: now.toISOString(),
    expiryDays: input.expiryDays,
    targets,
    certificates: assessed,
    changes: stored.changes,
    reportLocation: location,
    firstRun: previousRun === undefined,
  });

  const completedAt = deps.clock();
  const run = completedRunRecord({
    runId,
    startedAt: input.startedAt,
    completedAt,
    targets,
    report,
    changes: stored.changes.length,
  });
  await deps.runs.recordRunCompleted(run);
  const figures = runFigures(run, report, assessed, completedAt);
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

/** A diagnosis that fails as a whole costs the run its diagnoses, never the run: logged and skipped. */
async function diagnose(
  deps: FinalizeRunDeps,
  runId: string,
  assessed: readonly AssessedCertificate[],
): Promise<Map<string, DiagnosisEntry[]>> {
  if (deps.dns === undefined) return new Map();
  try {
    const zones = await zonesForDiagnosis(deps.zones, (error) =>
      deps.logger?.warn('hosted zones cannot be read; fixes name no zone this run', {
        runId,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
    const diagnoses = await diagnoseCertificates(assessed, deps.dns, zones === undefined ? {} : { zones });
    deps.logger?.info('DNS diagnosis done', { runId, certificates: diagnoses.size });
    return diagnoses;
  } catch (error) {
    deps.logger?.error('DNS diagnosis failed; this run reports none', {
      runId,
      error: error instanceof Error ? error.message : String(error),
    });
    return new Map();
  }
}

async function alertOnCall(
  deps: FinalizeRunDeps,
  input: FinalizeRunInput,
  slack: SlackSetup,
  assessed: AssessedCertificate[],
  targets: TargetResult[],
  now: Date,
  previousRunFailures: RunRecord['failures'],
): Promise<FinalizeRunResult['alerts']> {
  const url = slack.kind === 'configured' ? slack.webhooks.alertsWebhookUrl : undefined;
  if (url === undefined) {
    return {
      outcome: slack.kind === 'unreadable' ? 'secret-unreadable' : 'not-configured',
      queued: 0,
      sent: 0,
      pending: 0,
    };
  }
  const result = await runAlerting({
    store: deps.alerts,
    send: alertSender(deps.poster(url, 'alerts'), input.ownerTagKey),
    certificates: assessed,
    targets,
    now,
    config: { ...input.alerting, ownerTagKey: input.ownerTagKey },
    previousRunFailures,
  });
  if (result.failure) {
    deps.logger?.error('alert delivery stopped; the rest stays pending for the next run or heartbeat', {
      runId: input.runId,
      broken: result.broken === true,
      error: result.failure.message,
      pending: result.pending.length,
    });
  }
  return {
    outcome: result.failure ? (result.broken ? 'broken' : 'failed') : 'sent',
    queued: result.queued.length,
    sent: result.sent.length,
    pending: result.pending.length,
  };
}

async function postDigest(
  deps: FinalizeRunDeps,
  input: FinalizeRunInput,
  slack: SlackSetup,
  digest: Parameters<typeof renderDigest>[0],
): Promise<SlackStep> {
  if (slack.kind === 'unreadable') return 'secret-unreadable';
  const url = slack.webhooks.digestWebhookUrl;
  if (url === undefined) return 'not-configured';
  const claim = await deps.digestMarker.claim(input.runId, deps.clock());
  if (claim.outcome === 'sent') {
    deps.logger?.info('digest already posted for this run', { runId: input.runId });
    return 'already-sent';
  }
  if (claim.outcome === 'held') {
    deps.logger?.warn('another attempt is posting this run’s digest', { runId: input.runId });
    return 'in-progress';
  }
  try {
    await deps.poster(url, 'digest').post(renderDigest(digest, { ownerTagKey: input.ownerTagKey }));
  } catch (error) {
    await deps.digestMarker.release(input.runId, claim.claimId);
    deps.logger?.error('digest not delivered', {
      runId: input.runId,
      error: error instanceof Error ? error.message : String(error),
    });
    return postOutcome(error);
  }
  if (!(await deps.digestMarker.markSent(input.runId, claim.claimId, deps.clock()))) {
    deps.logger?.warn('digest posted after this attempt’s claim lapsed; another attempt may post it too', {
      runId: input.runId,
    });
  }
  return 'sent';
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
