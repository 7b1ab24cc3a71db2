/**
 * The end of a run, written once for the pipeline's FinalizeRun and the CLI's audit: assess the certificates,
 * diagnose what failed, write the report, alert on-call, post the digest (the baseline on a first run) and record
 * the run as completed. Each feature that plugs into the end of a run plugs in here, so it reaches the Lambdas, the
 * CLI and `npm run demo` at once. The callers only gather what the run read and say where its report goes.
 *
 * Slack trouble never fails the run: it is logged and returned, the caller reports it (a metric, a CLI warning).
 */
import { type AlertingConfig, runAlerting } from '../alerting';
import type { DigestMarker } from '../aws/store/digest-marker';
import type { AlertStore } from '../core/alerting/store';
import { type CtAllowRule, watchedDomains } from '../core/ct';
import {
  type DiagnosisEntry,
  type DnsResolver,
  diagnoseCertificates,
  withDiagnoses,
  zonesForDiagnosis,
} from '../core/diagnosis';
import { assess } from '../core/findings';
import type { AssessedCertificate, Certificate, Change, TargetResult } from '../core/model';
import type { DigestInput } from '../core/notices';
import type { Clock, RunRecord, RunStore, ZoneStore } from '../core/ports';
import { buildReport, compareReports, type Report } from '../core/report';
import { completedRunRecord } from '../core/run-record';
import { renderDigest } from '../core/slack';
import { type CtWatchDeps, type CtWatchResult, runCtWatch } from '../ct/watch';
import { alertSender, type PostOutcome, postOutcome, type SlackPosterFactory, type SlackSetup } from '../wiring/slack';

/** Structured log lines of a run's use cases (the Lambdas' Powertools logger, or the CLI's --debug). */
export interface RunLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export type SlackStep = PostOutcome | 'already-sent' | 'in-progress' | 'not-configured' | 'secret-unreadable';

export interface CompleteRunDeps {
  /**
   * Where the run is recorded as completed; absent (a CLI audit without a state table): the run is not recorded,
   * has no previous run, and so no first-run baseline either.
   */
  runs?: Pick<RunStore, 'recordRunCompleted'>;
  /** What on-call was already told; absent: no alerts (alerting needs the state of earlier runs). */
  alerts?: AlertStore;
  /** Keeps a retried completion from posting the digest twice; absent (a one-shot audit): posted without a claim. */
  digestMarker?: Pick<DigestMarker, 'claim' | 'release' | 'markSent'>;
  /** Which webhooks are configured, or why none could be read; asked once, after the report is written. */
  slack: () => Promise<SlackSetup>;
  /** One poster factory for the digest and the alerts alike. */
  poster: SlackPosterFactory;
  clock: Clock;
  logger?: RunLogger;
  /**
   * Where the DNS diagnosis of failed validations and renewals asks its questions; absent: no diagnosis. Public DNS
   * by default (a Lambda outside any VPC): a VPC resolver can answer from private hosted zones and pass a check that
   * ACM's public validation fails.
   */
  dns?: DnsResolver;
  /** The hosted zones the scans listed, to name each fix's zone; absent: fixes name no zone. */
  zones?: Pick<ZoneStore, 'loadAllZones'>;
  /** The CT API and the CT store; needed when `input.ct` is given. */
  ct?: CtWatchDeps;
}

/** The CT watch of this run (`--ct`); absent: no watch. */
export interface CompleteRunCt {
  /** The domains to watch; absent: the registrable domains of the organization's certificates' names. */
  domains?: readonly string[];
  allow: readonly CtAllowRule[];
}

export interface CompleteRunInput {
  runId: string;
  startedAt: string;
  /** When the certificates are judged: the report's time and the alerts' (the CLI's --as-of). */
  now: Date;
  expiryDays: number;
  ownerTagKey: string;
  alerting?: Omit<AlertingConfig, 'ownerTagKey'>;
  /** Every target result of the run, in the order the report lists them. */
  targets: TargetResult[];
  /** What the report and the digest show. */
  certificates: readonly Certificate[];
  /**
   * What on-call is alerted about: every current certificate, of targets this run did not scan too.
   * @default certificates
   */
  snapshot?: readonly Certificate[];
  /** What the run's scans found changed since the stored snapshot. */
  changes: Change[];
  /** The run that completed last before this one, as the run store says. */
  previousRun: RunRecord | undefined;
  /** An earlier report: without a previous run, the digest's changes are measured against it. */
  earlier?: Report;
  /**
   * Writes the report where its readers find it, before Slack is tried, so it exists whatever Slack does; returns
   * where the digest points to it. `compared` holds the changes since `earlier`, when one was given.
   */
  publishReport(report: Report, compared: Change[] | undefined): Promise<string | undefined>;
  ct?: CompleteRunCt;
}

export interface RunCompletion {
  run: RunRecord;
  report: Report;
  /** The snapshot, assessed at `now` and diagnosed: what alerting judged. */
  assessed: AssessedCertificate[];
  /** Why this run has no DNS diagnosis or names no zone, when that is so. */
  diagnosisFailure?: string;
  /** The CT watch, when it ran (its domains' poll failures included). */
  ct?: CtWatchResult;
  /** Why the CT watch did not run although asked, when that is so. */
  ctFailure?: string;
  digest: SlackStep;
  /** Why the digest was not delivered, when it was not. */
  digestFailure?: string;
  alerts: {
    outcome: SlackStep;
    /** Notices this run planned (opened, reminded, resolved). */
    queued: number;
    sent: number;
    pending: number;
    /** Why delivery stopped, when it did; the rest stays pending for the next run or heartbeat. */
    failure?: string;
  };
}

export async function completeRun(deps: CompleteRunDeps, input: CompleteRunInput): Promise<RunCompletion> {
  const { runId, now, expiryDays } = input;
  const judge = (cert: Certificate) => assess(cert, { now, expiryDays });
  const shown = input.certificates.map(judge);
  const shownArns = new Set(shown.map((cert) => cert.arn));
  const others = (input.snapshot ?? []).filter((cert) => !shownArns.has(cert.arn)).map(judge);
  // Diagnosed here, over everything the run reports or alerts on, rather than in each account's scan: the findings
  // that call for a diagnosis are only known once the certificates are assessed, a failed scan's certificates still
  // need theirs, and one pass shares its lookups (a CAA set at an apex) across accounts.
  const { diagnoses, failure: diagnosisFailure } = await diagnose(deps, runId, [...shown, ...others]);
  const { ct, failure: ctFailure } = await watchCt(deps, input);
  const report = buildReport({
    runId,
    generatedAt: now,
    targets: input.targets,
    certificates: [...input.certificates],
    expiryDays,
    diagnoses,
    ...(ct !== undefined ? { ct: ct.report } : {}),
  });
  const compared = input.earlier
    ? compareReports(input.earlier, report, { ownerTagKey: input.ownerTagKey })
    : undefined;
  const reportLocation = await input.publishReport(report, compared);

  const slack = await deps.slack();
  if (slack.kind === 'unreadable') {
    deps.logger?.error('Slack secret unreadable: no digest and no alerts this run', {
      runId,
      error: slack.error.message,
    });
  } else if (!slack.webhooks.alertsWebhookUrl && !slack.webhooks.digestWebhookUrl) {
    deps.logger?.info('Slack not configured (the secret holds no webhook URL): no digest and no alerts', { runId });
  }

  // A retried completion may find its own run completed already: that is not the previous run.
  const previous = input.previousRun?.runId === runId ? undefined : input.previousRun;
  const assessed = withDiagnoses(input.snapshot === undefined ? shown : input.snapshot.map(judge), diagnoses);
  const alerts = await alertOnCall(deps, input, slack, assessed, previous?.failures ?? [], ct);
  const firstRun = deps.runs !== undefined && input.previousRun === undefined;
  const digest = await postDigest(deps, input, slack, {
    runId,
    generatedAt: now.toISOString(),
    expiryDays,
    targets: input.targets,
    certificates: withDiagnoses(shown, diagnoses),
    changes: previous === undefined && compared !== undefined ? compared : input.changes,
    ...(reportLocation !== undefined ? { reportLocation } : {}),
    firstRun,
    ...(ct !== undefined ? { ct: ct.report } : {}),
  });

  const run = completedRunRecord({
    runId,
    startedAt: input.startedAt,
    completedAt: deps.clock(),
    targets: input.targets,
    report,
    changes: input.changes.length,
  });
  await deps.runs?.recordRunCompleted(run);
  return {
    run,
    report,
    assessed,
    ...(diagnosisFailure !== undefined ? { diagnosisFailure } : {}),
    ...(ct !== undefined ? { ct } : {}),
    ...(ctFailure !== undefined ? { ctFailure } : {}),
    ...digest,
    alerts,
  };
}

/** A diagnosis that fails as a whole costs the run its diagnoses, never the run: logged, returned and skipped. */
async function diagnose(
  deps: CompleteRunDeps,
  runId: string,
  assessed: readonly AssessedCertificate[],
): Promise<{ diagnoses: Map<string, DiagnosisEntry[]>; failure?: string }> {
  if (deps.dns === undefined) return { diagnoses: new Map() };
  let failure: string | undefined;
  try {
    const zones = await zonesForDiagnosis(deps.zones, (error) => {
      failure = `hosted zones cannot be read; fixes name no zone this run (${messageOf(error)})`;
      deps.logger?.warn('hosted zones cannot be read; fixes name no zone this run', {
        runId,
        error: messageOf(error),
      });
    });
    const diagnoses = await diagnoseCertificates(assessed, deps.dns, zones === undefined ? {} : { zones });
    deps.logger?.info('DNS diagnosis done', { runId, certificates: diagnoses.size });
    return { diagnoses, ...(failure !== undefined ? { failure } : {}) };
  } catch (error) {
    deps.logger?.error('DNS diagnosis failed; this run reports none', { runId, error: messageOf(error) });
    return { diagnoses: new Map(), failure: `DNS diagnosis failed; this run reports none (${messageOf(error)})` };
  }
}

/**
 * The CT watch over everything the organization holds now (the snapshot's serials join the history first). Like the
 * diagnosis, a watch that fails as a whole (the CT store unreadable) costs the run its CT part, never the run; one
 * domain's failed poll is in the result and the report still lists what was found before.
 */
async function watchCt(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
): Promise<{ ct?: CtWatchResult; failure?: string }> {
  if (input.ct === undefined) return {};
  if (deps.ct === undefined) return { failure: 'the CT watch was asked for without a CT API and store' };
  const certificates = input.snapshot ?? input.certificates;
  const domains =
    input.ct.domains ??
    watchedDomains(certificates.flatMap((cert) => [cert.domainName, ...cert.subjectAlternativeNames]));
  try {
    const ct = await runCtWatch(deps.ct, { domains, certificates, allow: input.ct.allow, now: input.now });
    for (const failure of ct.failures) {
      deps.logger?.warn('CT poll failed for a domain; the next run resumes from its cursor', {
        runId: input.runId,
        domain: failure.domain,
        error: failure.message,
      });
    }
    return { ct };
  } catch (error) {
    deps.logger?.error('CT watch failed; this run reports none', { runId: input.runId, error: messageOf(error) });
    return { failure: `CT watch failed; this run reports none (${messageOf(error)})` };
  }
}

async function alertOnCall(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
  slack: SlackSetup,
  assessed: AssessedCertificate[],
  previousRunFailures: RunRecord['failures'],
  ct: CtWatchResult | undefined,
): Promise<RunCompletion['alerts']> {
  const url = slack.kind === 'configured' ? slack.webhooks.alertsWebhookUrl : undefined;
  if (url === undefined || deps.alerts === undefined) {
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
    targets: input.targets,
    now: input.now,
    config: { ...input.alerting, ownerTagKey: input.ownerTagKey },
    previousRunFailures,
    ...(ct !== undefined ? { ct: ct.report.issuances } : {}),
  });
  const counts = { queued: result.queued.length, sent: result.sent.length, pending: result.pending.length };
  if (!result.failure) return { outcome: 'sent', ...counts };
  deps.logger?.error('alert delivery stopped; the rest stays pending for the next run or heartbeat', {
    runId: input.runId,
    broken: result.broken === true,
    error: result.failure.message,
    pending: result.pending.length,
  });
  return { outcome: result.broken ? 'broken' : 'failed', ...counts, failure: result.failure.message };
}

async function postDigest(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
  slack: SlackSetup,
  digest: DigestInput,
): Promise<{ digest: SlackStep; digestFailure?: string }> {
  const { runId } = input;
  if (slack.kind === 'unreadable') return { digest: 'secret-unreadable' };
  const url = slack.webhooks.digestWebhookUrl;
  if (url === undefined) return { digest: 'not-configured' };
  const claim = deps.digestMarker ? await deps.digestMarker.claim(runId, deps.clock()) : undefined;
  if (claim?.outcome === 'sent') {
    deps.logger?.info('digest already posted for this run', { runId });
    return { digest: 'already-sent' };
  }
  if (claim?.outcome === 'held') {
    deps.logger?.warn('another attempt is posting this run’s digest', { runId });
    return { digest: 'in-progress' };
  }
  try {
    await deps.poster(url, 'digest').post(renderDigest(digest, { ownerTagKey: input.ownerTagKey }));
  } catch (error) {
    if (claim) await deps.digestMarker?.release(runId, claim.claimId);
    deps.logger?.error('digest not delivered', { runId, error: messageOf(error) });
    return { digest: postOutcome(error), digestFailure: messageOf(error) };
  }
  if (claim && !(await deps.digestMarker?.markSent(runId, claim.claimId, deps.clock()))) {
    deps.logger?.warn('digest posted after this attempt’s claim lapsed; another attempt may post it too', { runId });
  }
  return { digest: 'sent' };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
