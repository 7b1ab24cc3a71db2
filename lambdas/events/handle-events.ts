/**
 * The event path's use case: one batch of events forwarded from the organization (an SQS batch in AWS, the local
 * bus's drain in the demo) turned into the same incidents and messages the daily run produces, within a minute.
 *
 * 1. Each event is classified (core/events/classify.ts), duplicates dropped, and the batch grouped by target.
 * 2. Every target touched is marked dirty for the daily run, and the event path's pulse recorded.
 * 3. Each target an event asks a rescan for is scanned again with the daily run's own scan (scanAccount, through the
 *    audit role, one session per account), describing the certificates the events name whatever the describe
 *    policy says, and stored like any scan. An event is never trusted alone: only what the rescan finds counts.
 *    A target whose last complete scan started after its latest event (a replay, a redelivery, a burst an earlier
 *    batch already rescanned for, events the daily run overtook) is not rescanned: its stored snapshot already
 *    holds what the events announce, and it is planned from that.
 * 4. The alert planner runs over those targets' certificates against what on-call was already told, through the
 *    daily run's alerting use case and outbox, limited to those targets' certificate incidents
 *    (scoped-alerts.ts). A retried or replayed batch plans nothing new and finds nothing left to send. With owner
 *    routing, each alert goes to its owner through the daily run's own routing, with the account tags and OUs the
 *    last daily run recorded (the event path does not read Organizations).
 *
 * A rescan that fails (role refused, region unreachable) is logged and left to the daily run, whose coverage
 * report says so; the dirty mark stays. Only the monitor's own table failing makes the batch throw, so SQS delivers
 * it again (and, after its retries, parks it in the dead-letter queue, which has an alarm).
 */
import { createHash } from 'node:crypto';
import type { STSClient } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import { type AlertingConfig, runAlerting } from '../alerting';
import type { ClientConfig } from '../aws/clients';
import type { AlertStore } from '../core/alerting/store';
import { type DnsResolver, diagnoseCertificates, withDiagnoses, zonesForDiagnosis } from '../core/diagnosis';
import { classifyEvent, type EventTarget, type OrganizationEvent } from '../core/events/classify';
import { alreadySeen, type BatchPlan, planBatch, rescansByAccount, type TargetPlan } from '../core/events/plan';
import type { EventStateStore } from '../core/events/store';
import { assess } from '../core/findings';
import {
  type AssessedCertificate,
  type Certificate,
  type Change,
  type TargetResult,
  targetKey,
  WHOLE_ACCOUNT,
} from '../core/model';
import { isStateTableFailure } from '../core/monitor-health';
import type { AlertNotice } from '../core/notices';
import type { SnapshotStore, ZoneStore } from '../core/ports';
import { type AccountRoutingStore, type RoutesConfig, readsAccountFacts, withUnrecorded } from '../core/routing';
import type { RunLogger } from '../run/complete-run';
import { alertRouting, type CompletionRouting, routeCompletion, urlsFromSecret } from '../run/routed-slack';
import { scanAccount } from '../scan/scan-account';
import { scanRoleCredentials } from '../scan/scan-role';
import type { ScanOptions } from '../scan/scan-target';
import { alertSender, type SlackPosterFactory, type SlackSetup } from '../wiring/slack';
import { scopedAlertStore } from './scoped-alerts';

/** Accounts rescanned at once by one batch (each with its own role session and per-region quotas). */
export const EVENT_RESCAN_ACCOUNT_CONCURRENCY = 4;

export interface EventPathDeps {
  /** STS with the hub's credentials: the audit role is assumed per account. */
  sts: STSClient;
  /** The hub region and retries; each region's clients take that region. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  snapshots: SnapshotStore;
  alerts: AlertStore;
  events: EventStateStore;
  /** Reads the Slack secret (once per batch that has something to plan). */
  slack: () => Promise<SlackSetup>;
  poster: SlackPosterFactory;
  clock: () => Date;
  logger?: RunLogger;
  /** Where the DNS diagnosis asks; absent: alerts from events carry no diagnosis (the next daily run adds it). */
  dns?: DnsResolver;
  zones?: Pick<ZoneStore, 'loadAllZones'>;
  /** With owner routing's account or OU rules: the accounts' facts as the last daily run recorded them. */
  accountRouting?: Pick<AccountRoutingStore, 'loadAccountRouting'>;
}

export interface EventPathInput {
  events: readonly OrganizationEvent[];
  roleName: string;
  externalId?: string;
  features?: readonly string[];
  /** The daily run's scan settings (refresh days, thresholds, owner tag, deadline). */
  options?: Partial<ScanOptions>;
  expiryDays: number;
  ownerTagKey: string;
  alerting?: Omit<AlertingConfig, 'ownerTagKey'>;
  /**
   * Owner routing's table (destinations naming keys of the Slack secret): each alert goes to its certificate's owner
   * exactly as the daily run routes it (run/routed-slack.ts), certificate tags from the rescan, account tags and OUs
   * as the last daily run recorded them (`deps.accountRouting`). An account no run has recorded yet is routed by
   * certificate tags only, and its default route says so. Absent: every alert to the alerts webhook.
   */
  routes?: RoutesConfig;
}

/** One alert delivered because of this batch, and how long after its target's first event it went out. */
export interface EventDelivery {
  noticeId: string;
  stage: AlertNotice['stage'];
  accountId: string;
  region: string;
  /** From the earliest event of its target in this batch that asked for a rescan, to the delivery. */
  latencyMs: number;
}

export type EventAlertOutcome =
  | 'sent'
  | 'failed'
  | 'broken'
  | 'not-configured'
  | 'secret-unreadable'
  | 'nothing-to-plan';

export interface EventBatchResult {
  runId: string;
  received: number;
  duplicates: number;
  ignored: number;
  /** Targets marked dirty (every target an event touched). */
  markedDirty: number;
  /** Targets scanned again, with their results. */
  rescanned: TargetResult[];
  /** Targets whose events a scan had already seen: planned from the stored snapshot, not rescanned. */
  alreadySeen: EventTarget[];
  alerts: { outcome: EventAlertOutcome; queued: number; sent: number; pending: number };
  deliveries: EventDelivery[];
}

/**
 * The run id of a batch: its scans are stored under it like a run's (their target results and change events), and
 * the audit role's session is named after it, so CloudTrail in the member account says why the monitor called.
 */
export function eventRunId(now: Date, eventIds: readonly string[]): string {
  const hash = createHash('sha256')
    .update([...eventIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 8);
  return `events-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${hash}`;
}

export async function handleEvents(deps: EventPathDeps, input: EventPathInput): Promise<EventBatchResult> {
  const now = deps.clock();
  const plan = planBatch(input.events.map(classifyEvent));
  const runId = eventRunId(
    now,
    plan.targets.flatMap((target) => target.eventIds),
  );
  const log = deps.logger;
  const received = input.events.length;
  const latest = input.events.reduce<string | undefined>(
    (max, event) => (max === undefined || Date.parse(event.time) > Date.parse(max) ? event.time : max),
    undefined,
  );
  if (latest !== undefined) await deps.events.recordArrivals(received, latest, now.toISOString());
  await deps.events.markDirty(
    plan.targets.map((target) => ({
      ...target.target,
      since: target.earliestEventAt,
      lastEventAt: target.latestEventAt,
      events: target.eventIds.length,
    })),
  );
  for (const event of plan.ignored) log?.info('event ignored', { runId, eventId: event.eventId, what: event.what });

  const { toRescan, seen, accountNames } = await splitSeen(deps, plan);
  const rescanned = await rescan(deps, input, runId, now, toRescan, accountNames);
  if (rescanned.changes.length > 0) await deps.events.recordChanges(runId, now.toISOString(), rescanned.changes);
  const settled = await fromSnapshot(deps, seen);
  const base: Omit<EventBatchResult, 'alerts' | 'deliveries'> = {
    runId,
    received,
    duplicates: plan.duplicates,
    ignored: plan.ignored.length,
    markedDirty: plan.targets.length,
    rescanned: rescanned.results,
    alreadySeen: seen.map((target) => target.target),
  };

  // Only targets read in full, or at least listed, by a scan the monitor could store: a failed rescan is the daily
  // run's to report, and proves nothing about its certificates.
  const alertable = [...rescanned.results, ...settled.results].filter(
    (result) => result.status !== 'error' && result.region !== WHOLE_ACCOUNT && !isStateTableFailure(result),
  );
  if (alertable.length === 0) {
    log?.info('event batch: nothing to plan', { runId, received, duplicates: plan.duplicates });
    return { ...base, alerts: { outcome: 'nothing-to-plan', queued: 0, sent: 0, pending: 0 }, deliveries: [] };
  }
  const keys = new Set(alertable.map(targetKey));
  const certificates = [...rescanned.certificates, ...settled.certificates].filter((certificate) =>
    keys.has(targetKey(certificate)),
  );
  const assessed = await diagnosed(
    deps,
    runId,
    certificates.map((certificate) => assess(certificate, { now, expiryDays: input.expiryDays })),
  );

  const slack = await deps.slack();
  const result = await alertEvents(deps, input, { runId, now, slack, assessed, alertable });
  if (result === undefined) {
    const outcome = slack.kind === 'unreadable' ? 'secret-unreadable' : 'not-configured';
    log?.warn('event batch: Slack alerts webhook unavailable, nothing planned', { runId, outcome });
    return { ...base, alerts: { outcome, queued: 0, sent: 0, pending: 0 }, deliveries: [] };
  }
  const deliveredAt = deps.clock().getTime();
  const firstEvent = new Map(
    plan.targets.map((target) => [targetKey(target.target), target.earliestRescanEventAt ?? target.earliestEventAt]),
  );
  const deliveries = result.sent.map((notice): EventDelivery => {
    const { accountId, region } = notice.incident;
    const since = firstEvent.get(targetKey({ accountId, region }));
    return {
      noticeId: notice.id,
      stage: notice.stage,
      accountId,
      region,
      latencyMs: since === undefined ? 0 : Math.max(0, deliveredAt - Date.parse(since)),
    };
  });
  if (result.brokenDestinations !== undefined && result.brokenDestinations.length > 0) {
    log?.error('destination webhook broken: its alerts went to the default destination', {
      runId,
      destinations: result.brokenDestinations,
      fellBack: result.fellBack?.length ?? 0,
    });
  }
  if (result.failure) {
    log?.error('event batch: alert delivery stopped; the rest stays pending for the next run or heartbeat', {
      runId,
      broken: result.broken === true,
      error: result.failure.message,
    });
  }
  for (const delivery of deliveries) log?.info('event → alert', { runId, ...delivery });
  return {
    ...base,
    alerts: {
      outcome: result.broken ? 'broken' : result.failure ? 'failed' : 'sent',
      queued: result.queued.length,
      sent: result.sent.length,
      pending: result.pending.length,
    },
    deliveries,
  };
}

/**
 * The daily run's alerting use case over the batch's targets: to the alerts webhook, or with owner routing through
 * the daily run's own routing (routeCompletion, alertRouting) with the account facts the last run recorded.
 * Undefined when Slack gives nowhere to send.
 */
async function alertEvents(
  deps: EventPathDeps,
  input: EventPathInput,
  batch: { runId: string; now: Date; slack: SlackSetup; assessed: AssessedCertificate[]; alertable: TargetResult[] },
): Promise<Awaited<ReturnType<typeof runAlerting>> | undefined> {
  const { runId, now, slack, assessed, alertable } = batch;
  if (slack.kind !== 'configured') return undefined;
  const common = {
    store: scopedAlertStore(deps.alerts, alertable),
    certificates: assessed,
    targets: alertable,
    now,
    config: { ...input.alerting, ownerTagKey: input.ownerTagKey },
  };
  if (input.routes === undefined) {
    const url = slack.webhooks.alertsWebhookUrl;
    if (url === undefined) return undefined;
    return runAlerting({ ...common, send: alertSender(deps.poster(url, 'alerts'), input.ownerTagKey) });
  }
  const routes = input.routes;
  const accountIds = new Set(alertable.map((target) => target.accountId));
  const recorded =
    readsAccountFacts(routes) && deps.accountRouting !== undefined
      ? await deps.accountRouting.loadAccountRouting([...accountIds])
      : new Map();
  const routing: CompletionRouting = {
    config: routes,
    accounts: readsAccountFacts(routes) ? withUnrecorded(accountIds, recorded) : new Map(),
    urls: urlsFromSecret(routes),
  };
  const routed = routeCompletion(routing, assessed, alertable);
  for (const problem of routed.problems) deps.logger?.warn('event batch: routing problem', { runId, ...problem });
  const urls = routing.urls(slack);
  return runAlerting({
    ...common,
    // Not used with routing: every copy goes through the routing's sender.
    send: async () => {},
    routing: alertRouting(routed, urls, deps.poster, input.ownerTagKey),
  });
}

/** Targets whose events a complete scan started since has already seen, the others, and the accounts' names. */
async function splitSeen(
  deps: EventPathDeps,
  plan: BatchPlan,
): Promise<{
  toRescan: TargetPlan[];
  seen: Array<TargetPlan & { scannedAt: string }>;
  accountNames: Map<string, string>;
}> {
  const toRescan: TargetPlan[] = [];
  const seen: Array<TargetPlan & { scannedAt: string }> = [];
  const accountNames = new Map<string, string>();
  for (const target of plan.targets) {
    if (target.action !== 'rescan') continue;
    const meta = await deps.events.targetMeta(target.target);
    if (meta.accountName !== undefined) accountNames.set(target.target.accountId, meta.accountName);
    const scannedAt = meta.lastCompleteScanAt;
    if (scannedAt !== undefined && alreadySeen(target, scannedAt)) seen.push({ ...target, scannedAt });
    else toRescan.push(target);
  }
  return { toRescan, seen, accountNames };
}

async function rescan(
  deps: EventPathDeps,
  input: EventPathInput,
  runId: string,
  now: Date,
  targets: readonly TargetPlan[],
  accountNames: ReadonlyMap<string, string>,
): Promise<{ results: TargetResult[]; certificates: Certificate[]; changes: Change[] }> {
  if (targets.length === 0) return { results: [], certificates: [], changes: [] };
  const roles = scanRoleCredentials(deps, {
    roleName: input.roleName,
    runId,
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(input.features ? { features: input.features } : {}),
  });
  const limit = pLimit(EVENT_RESCAN_ACCOUNT_CONCURRENCY);
  const scans = await Promise.all(
    [...rescansByAccount(targets)].map(([accountId, plans]) =>
      limit(() =>
        scanAccount(
          {
            roles,
            clientConfig: deps.clientConfig,
            store: deps.snapshots,
            ...(deps.logger ? { logger: deps.logger } : {}),
          },
          {
            runId,
            account: { id: accountId, ...(accountNames.has(accountId) ? { name: accountNames.get(accountId) } : {}) },
            regions: plans.map((plan) => plan.target.region),
            now,
            options: { ...input.options, alsoDescribe: plans.flatMap((plan) => plan.arns) },
          },
        ),
      ),
    ),
  );
  const results = scans.flatMap((scan) => scan.results);
  for (const result of results) {
    deps.logger?.[result.status === 'ok' ? 'info' : 'warn']('event rescan', {
      runId,
      accountId: result.accountId,
      region: result.region,
      status: result.status,
      ...(result.errorCode ? { errorCode: result.errorCode } : {}),
      certificateCount: result.certificateCount,
    });
  }
  return {
    results,
    certificates: scans.flatMap((scan) => scan.certificates),
    changes: scans.flatMap((scan) => scan.changes),
  };
}

/**
 * Targets already scanned since their events, as their last complete scan left them: planning them again finds what
 * was told already (nothing is sent twice), and finishes the job of a batch that stored its rescan but stopped
 * before its alerts were planned.
 */
async function fromSnapshot(
  deps: EventPathDeps,
  seen: ReadonlyArray<TargetPlan & { scannedAt: string }>,
): Promise<{ results: TargetResult[]; certificates: Certificate[] }> {
  const results: TargetResult[] = [];
  const certificates: Certificate[] = [];
  for (const plan of seen) {
    const stored = await deps.snapshots.loadTarget({ ...plan.target });
    results.push({
      ...plan.target,
      status: 'ok',
      certificateCount: stored.certificates.length,
      apiCalls: {},
      durationMs: 0,
      startedAt: plan.scannedAt,
    });
    certificates.push(...stored.certificates);
  }
  return { results, certificates };
}

/** Like FinalizeRun's: a diagnosis that fails costs the alert its diagnosis, never the alert. */
async function diagnosed(
  deps: EventPathDeps,
  runId: string,
  assessed: AssessedCertificate[],
): Promise<AssessedCertificate[]> {
  if (deps.dns === undefined) return assessed;
  try {
    const zones = await zonesForDiagnosis(deps.zones, () => undefined);
    const diagnoses = await diagnoseCertificates(assessed, deps.dns, zones === undefined ? {} : { zones });
    return withDiagnoses(assessed, diagnoses);
  } catch (error) {
    deps.logger?.warn('DNS diagnosis failed; the alerts of this batch carry none', {
      runId,
      error: error instanceof Error ? error.message : String(error),
    });
    return assessed;
  }
}
