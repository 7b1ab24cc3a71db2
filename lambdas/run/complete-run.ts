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
import { type EventPathVerdict, judgeEventPath } from '../core/events/health';
import type { EventPathRecord } from '../core/events/store';
import { assess } from '../core/findings';
import type { AssessedCertificate, Certificate, Change, TargetResult } from '../core/model';
import type { DigestInput } from '../core/notices';
import type { Clock, RunRecord, RunStore, ZoneStore } from '../core/ports';
import type { RunEndpoints } from '../core/probe/run';
import { buildReport, compareReports, type Report, withRouting } from '../core/report';
import type { RunRouting } from '../core/routing';
import { completedRunRecord } from '../core/run-record';
import { type DigestOptions, renderDigest } from '../core/slack';
import { type CtWatchDeps, type CtWatchResult, runCtWatch } from '../ct/watch';
import { alertSender, type PostOutcome, postOutcome, type SlackPosterFactory, type SlackSetup } from '../wiring/slack';
import { type CompleteEndpointsDeps, type CompleteEndpointsInput, completeEndpoints } from './complete-endpoints';
import {
  alertRouting,
  type CompletionRouting,
  postTeamDigests,
  routeCompletion,
  routingSummary,
  type TeamDigestsResult,
} from './routed-slack';

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
  /**
   * The probe's store (what the accounts' scans probed) and the probe for the user's endpoints, when probing is on
   * (the `probe` feature set, `--probe`); absent: the run has no endpoints.
   */
  endpoints?: CompleteEndpointsDeps & Pick<CompleteEndpointsInput, 'fileEndpoints' | 'concurrency'>;
  /**
   * The real-time event path's record, when it is on: the changes its rescans found since the previous run join the
   * digest's (the run's own scans no longer see them), and its silence is judged. Absent: no event path.
   */
  events?: EventPathRecord;
  /** Hours without any event before a run that saw event-worthy changes calls the path broken. @default 48 */
  eventSilenceHours?: number;
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
  /**
   * Owner routing (issue F): each certificate's alerts go to its owner's destination, each team gets its digest, the
   * report says who owns what. Absent: one alerts webhook and one digest, as before.
   */
  routing?: CompletionRouting;
  /** The CT watch of this run; absent: no watch. */
  ct?: CompleteRunCt;
}

export interface RunCompletion {
  run: RunRecord;
  report: Report;
  /** The snapshot, assessed at `now` and diagnosed: what alerting judged. */
  assessed: AssessedCertificate[];
  /** Why this run has no DNS diagnosis or names no zone, when that is so. */
  diagnosisFailure?: string;
  /** What this run's probes found, when probing is on. */
  endpoints?: RunEndpoints;
  /** Why this run reports no endpoints although probing is on. */
  endpointsFailure?: string;
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
  /** With owner routing: the destinations whose webhook is broken, and how each team's digest went. */
  routing?: {
    brokenDestinations: string[];
    teamDigests: TeamDigestsResult['outcomes'];
    /** Alerts the default destination received for a broken one. */
    fellBack: number;
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
  const { endpoints, failure: endpointsFailure } = await probed(deps, input);
  const { ct, failure: ctFailure } = await watchCt(deps, input);
  const routed =
    input.routing === undefined
      ? undefined
      : routeCompletion(input.routing, [...input.certificates, ...others], input.targets);
  const built = buildReport({
    runId,
    generatedAt: now,
    targets: input.targets,
    certificates: [...input.certificates],
    expiryDays,
    diagnoses,
    ...(endpoints ? { endpoints: endpoints.endpoints } : {}),
    ...(ct !== undefined ? { ct: ct.report } : {}),
  });
  const report = routed === undefined ? built : withRouting(built, routed);
  const compared = input.earlier
    ? compareReports(input.earlier, report, { ownerTagKey: input.ownerTagKey })
    : undefined;
  const reportLocation = await input.publishReport(report, compared);

  const slack = await deps.slack();
  const urls = input.routing?.urls(slack) ?? {};
  if (slack.kind === 'unreadable') {
    deps.logger?.error('Slack secret unreadable: no digest and no alerts this run', {
      runId,
      error: slack.error.message,
    });
  } else if (
    !slack.webhooks.alertsWebhookUrl &&
    !slack.webhooks.digestWebhookUrl &&
    !Object.values(urls).some((url) => url !== undefined)
  ) {
    deps.logger?.info('Slack not configured (the secret holds no webhook URL): no digest and no alerts', { runId });
  }

  // A retried completion may find its own run completed already: that is not the previous run.
  const previous = input.previousRun?.runId === runId ? undefined : input.previousRun;
  const assessed = withDiagnoses(input.snapshot === undefined ? shown : input.snapshot.map(judge), diagnoses);
  const { fellBack, brokenDestinations, ...alerts } =
    routed === undefined
      ? {
          ...(await alertOnCall(deps, input, slack, assessed, previous?.failures ?? [], endpoints, ct)),
          fellBack: 0,
          brokenDestinations: [],
        }
      : await alertOwners(deps, input, slack, assessed, previous?.failures ?? [], routed, urls, endpoints, ct);
  const firstRun = deps.runs !== undefined && input.previousRun === undefined;
  const events = await eventPathReport(deps, input, previous);
  const changes = previous === undefined && compared !== undefined ? compared : input.changes;
  const digestInput: DigestInput = {
    runId,
    generatedAt: now.toISOString(),
    expiryDays,
    targets: input.targets,
    certificates: withDiagnoses(shown, diagnoses),
    changes: events === undefined ? changes : [...events.changes, ...changes],
    ...(reportLocation !== undefined ? { reportLocation } : {}),
    firstRun,
    ...(endpoints ? { endpoints: endpoints.endpoints, endpointChanges: endpoints.changes } : {}),
    ...(events === undefined
      ? {}
      : { eventPath: { changesFromEvents: events.changes.length, verdict: events.verdict } }),
    ...(ct !== undefined ? { ct: ct.report } : {}),
  };
  let routingResult: RunCompletion['routing'];
  let digest: Awaited<ReturnType<typeof postDigest>>;
  if (routed === undefined || input.routing === undefined || slack.kind === 'unreadable') {
    digest = await postDigest(deps, input, slack, digestInput);
  } else {
    const teams = input.routing.config.teamDigests
      ? await postTeamDigests(deps, { runId, digest: digestInput, run: routed, urls, ownerTagKey: input.ownerTagKey })
      : { outcomes: {}, broken: [], failures: [] };
    const broken = [...new Set([...brokenDestinations, ...teams.broken])].sort();
    // `--slack-webhook-url` (the secret's digest webhook) keeps the organization's digest; else the default's.
    const organizationUrl = slack.webhooks.digestWebhookUrl ?? urls[routed.defaultDestination];
    digest = await postDigest(deps, input, slack, digestInput, {
      url: organizationUrl,
      options: {
        routing: routingSummary(routed, shown, broken),
        summaryOnly: input.routing.config.organizationDigest === 'summary',
      },
    });
    routingResult = { brokenDestinations: broken, teamDigests: teams.outcomes, fellBack };
    for (const failure of teams.failures) deps.logger?.error('team digest not delivered', { runId, error: failure });
  }

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
    ...(endpoints ? { endpoints } : {}),
    ...(endpointsFailure !== undefined ? { endpointsFailure } : {}),
    ...(ct !== undefined ? { ct } : {}),
    ...(ctFailure !== undefined ? { ctFailure } : {}),
    ...digest,
    alerts,
    ...(routingResult !== undefined ? { routing: routingResult } : {}),
  };
}

/**
 * What the event path did since the previous run started (its rescans' changes, each in exactly one digest) and
 * whether it looks alive, judged on the changes this run's own scans found: those are the ones no event announced.
 * A table that cannot be read costs the digest these lines, never the run.
 */
async function eventPathReport(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
  previous: RunRecord | undefined,
): Promise<{ changes: Change[]; verdict: EventPathVerdict } | undefined> {
  if (deps.events === undefined) return undefined;
  try {
    const [health, changes] = await Promise.all([
      deps.events.loadHealth(),
      deps.events.changesBetween(previous?.startedAt, input.startedAt),
    ]);
    const verdict = judgeEventPath(health, input.changes, {
      now: input.now,
      firstRun: previous === undefined,
      ...(deps.eventSilenceHours === undefined ? {} : { silenceHours: deps.eventSilenceHours }),
    });
    if (verdict.status === 'looks-broken')
      deps.logger?.warn('the event path looks broken', { runId: input.runId, ...verdict });
    return { changes, verdict };
  } catch (error) {
    deps.logger?.warn("the event path's record cannot be read; the digest leaves it out", {
      runId: input.runId,
      error: messageOf(error),
    });
    return undefined;
  }
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

/**
 * The user's endpoints probed and this run's endpoints read back. Like the diagnosis, a failure costs the run its
 * endpoints, never the run: the certificates were scanned and are reported.
 */
async function probed(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
): Promise<{ endpoints?: RunEndpoints; failure?: string }> {
  if (deps.endpoints === undefined) return {};
  const { fileEndpoints, concurrency, ...endpointDeps } = deps.endpoints;
  try {
    const endpoints = await completeEndpoints(endpointDeps, {
      runId: input.runId,
      now: input.now,
      expiryDays: input.expiryDays,
      ...(fileEndpoints ? { fileEndpoints } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
    });
    deps.logger?.info('endpoints probed', {
      runId: input.runId,
      endpoints: endpoints.endpoints.length,
      incidents: endpoints.incidents.length,
    });
    return { endpoints };
  } catch (error) {
    deps.logger?.error('endpoints cannot be read back; this run reports none', {
      runId: input.runId,
      error: messageOf(error),
    });
    return { failure: `endpoints cannot be read back; this run reports none (${messageOf(error)})` };
  }
}

async function alertOnCall(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
  slack: SlackSetup,
  assessed: AssessedCertificate[],
  previousRunFailures: RunRecord['failures'],
  endpoints: RunEndpoints | undefined,
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
    ...(endpoints ? { endpoints: { incidents: endpoints.incidents, coverage: endpoints.coverage } } : {}),
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

/** On-call alerts with owner routing: each destination's copies to its own webhook, a broken one's to the default. */
async function alertOwners(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
  slack: SlackSetup,
  assessed: AssessedCertificate[],
  previousRunFailures: RunRecord['failures'],
  routed: RunRouting,
  urls: Record<string, string | undefined>,
  endpoints: RunEndpoints | undefined,
  ct: CtWatchResult | undefined,
): Promise<RunCompletion['alerts'] & { fellBack: number; brokenDestinations: string[] }> {
  if (slack.kind === 'unreadable' || deps.alerts === undefined) {
    const outcome = slack.kind === 'unreadable' ? 'secret-unreadable' : 'not-configured';
    return { outcome, queued: 0, sent: 0, pending: 0, fellBack: 0, brokenDestinations: [] };
  }
  const result = await runAlerting({
    store: deps.alerts,
    // Not used with routing: every copy goes through the routing's sender.
    send: async () => {},
    certificates: assessed,
    targets: input.targets,
    now: input.now,
    config: { ...input.alerting, ownerTagKey: input.ownerTagKey },
    previousRunFailures,
    routing: alertRouting(routed, urls, deps.poster, input.ownerTagKey),
    ...(endpoints ? { endpoints: { incidents: endpoints.incidents, coverage: endpoints.coverage } } : {}),
    ...(ct !== undefined ? { ct: ct.report.issuances } : {}),
  });
  const counts = { queued: result.queued.length, sent: result.sent.length, pending: result.pending.length };
  const routing = { fellBack: result.fellBack?.length ?? 0, brokenDestinations: result.brokenDestinations ?? [] };
  if (routing.brokenDestinations.length > 0) {
    deps.logger?.error('destination webhook broken: its alerts went to the default destination', {
      runId: input.runId,
      destinations: routing.brokenDestinations,
      fellBack: routing.fellBack,
    });
  }
  if (!result.failure) return { outcome: result.broken ? 'broken' : 'sent', ...counts, ...routing };
  deps.logger?.error(
    'alert delivery stopped for a destination; its alerts stay pending for the next run or heartbeat',
    {
      runId: input.runId,
      broken: result.broken === true,
      error: result.failure.message,
      pending: result.pending.length,
    },
  );
  return { outcome: result.broken ? 'broken' : 'failed', ...counts, ...routing, failure: result.failure.message };
}

async function postDigest(
  deps: CompleteRunDeps,
  input: CompleteRunInput,
  slack: SlackSetup,
  digest: DigestInput,
  routed?: { url: string | undefined; options: Omit<DigestOptions, 'ownerTagKey'> },
): Promise<{ digest: SlackStep; digestFailure?: string }> {
  const { runId } = input;
  if (slack.kind === 'unreadable') return { digest: 'secret-unreadable' };
  const url = routed === undefined ? slack.webhooks.digestWebhookUrl : routed.url;
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
    await deps.poster(url, 'digest').post(renderDigest(digest, { ...routed?.options, ownerTagKey: input.ownerTagKey }));
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
