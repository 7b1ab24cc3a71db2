/**
 * The alert planner: given what on-call was told so far (alert states) and the incidents present now, decide which
 * messages to queue. Pure and deterministic, so a retried run plans nothing new.
 *
 * - An incident alerts once when it appears ("opened").
 * - It reminds once per days-to-expiry threshold it crosses (7, 3, 1 by default). Thresholds already crossed when it
 *   opens count as told. Incidents without an expiry (coverage gaps) never remind: the gap is stable, the digest
 *   repeats it daily, and a daily page would be the flood on-call must never get. Incidents with an expiry (renewal
 *   failed, validation pending, expiring) remind as the expiry comes closer; an expired one has crossed them all.
 * - It sends one "resolved" when it is no longer present, but only if its target was scanned completely in this run
 *   (`ok`; for a coverage gap, reached at all: `ok` or `partial`; for a whole-account gap, region `*`, the account
 *   reached in any region; for the monitor's state table, any run without it). An incident of a target that failed,
 *   was partly scanned or was not scanned this run stays open: its absence proves nothing.
 * - A CT issuance (CT_UNKNOWN_ISSUANCE) alerts once and never reminds (it has no days to expiry); it closes silently
 *   once a run that watched CT no longer finds it unknown (allow-listed or expired).
 * - When a certificate's incident changes kind (expiring → expired, renewal failed → expired, ...) the earlier one is
 *   closed silently (`supersededBy`) and the new one opens: the new "opened" message is the escalation.
 * - A resolved incident that comes back opens a new episode (notice ids gain `#<episode>` from the second one on).
 *
 * Notices are queued on their state (`pending`, the outbox) and leave it only once delivered. A newer reminder of
 * the same episode replaces an undelivered older one (the older one says less); nothing else is ever dropped.
 */

import { sameJson } from '../canonical';
import { type AssessedCertificate, isWholeAccount, type TargetResult, targetKey } from '../model';
import type { AlertNotice, Incident, IncidentKind, NoticeStage } from '../notices';
import { FILE_ENDPOINTS_OWNER } from '../probe/history';
import { canResolveEndpointIncident, type EndpointCoverage } from '../probe/incidents';

/** Days-to-expiry thresholds that trigger a reminder. */
export const DEFAULT_REMINDER_THRESHOLDS: readonly number[] = [7, 3, 1];

/** A notice waiting in the outbox; `queuedAt` orders delivery (oldest first). */
export interface QueuedNotice extends AlertNotice {
  queuedAt: string;
}

export interface AlertState {
  incidentKey: string;
  kind: IncidentKind;
  status: 'open' | 'resolved';
  /** When the current episode opened. */
  openedAt: string;
  lastStage: NoticeStage;
  /** Thresholds already reminded of (or already crossed when the episode opened). */
  remindersSent: number[];
  /** The incident as last seen: what the "resolved" message shows. */
  incident: Incident;
  /** Queued, not yet delivered, oldest first. */
  pending: QueuedNotice[];
  /** Optimistic-concurrency version of the stored item; 0 for a state never stored. */
  version: number;
  /** 1 the first time the incident opens, one more each time it reopens after being resolved. */
  episode: number;
  resolvedAt?: string;
  /** Closed without a "resolved" message because this incident key replaced it (same certificate). */
  supersededBy?: string;
}

export interface PlanOptions {
  now: Date;
  /** This run's target results: only targets scanned `ok` can resolve their certificates' incidents. */
  targets: readonly TargetResult[];
  /** @default DEFAULT_REMINDER_THRESHOLDS */
  reminderThresholds?: readonly number[];
  /**
   * This run's certificates: a "resolved" message shows the certificate as it is now (a renewal that succeeded
   * has a new expiry), not the details of the problem that went away.
   */
  certificates?: readonly AssessedCertificate[];
  /**
   * Whether the CT watch ran in this run: only then does a CT incident's absence mean its issuance was allow-listed
   * or expired. A run without the watch (a CLI audit without --ct) leaves CT incidents as they are.
   */
  ctWatched?: boolean;
  /**
   * The hourly CT watch plans its own incidents only: every other incident keeps its state, since the watch knows
   * nothing of the certificates' scans or the state table's health.
   */
  ctOnly?: boolean;
  /** What this run's probes reached: only an endpoint probed again (or gone from a probed owner) resolves. */
  endpoints?: EndpointCoverage;
}

export interface AlertPlan {
  /** Notices queued by this plan (also present in the `pending` of the returned states). */
  notices: QueuedNotice[];
  /** Only the states that changed, carrying the version they were loaded with (the store checks and bumps it). */
  states: AlertState[];
}

export function noticeId(incidentKey: string, episode: number, stage: NoticeStage, threshold?: number): string {
  const base = episode > 1 ? `${incidentKey}#${episode}` : incidentKey;
  return `${base}#${stage === 'reminder' ? `reminder-${threshold}` : stage}`;
}

/** An open state is active; so is a resolved one whose messages are not all delivered yet. */
export function isActive(state: Pick<AlertState, 'status' | 'pending'>): boolean {
  return state.status === 'open' || state.pending.length > 0;
}

/** Where this run's scans got: each target's status, and the accounts reached in at least one region. */
interface Coverage {
  statusByTarget: ReadonlyMap<string, TargetResult['status']>;
  reachedAccounts: ReadonlySet<string>;
}

function coverageOf(targets: readonly TargetResult[]): Coverage {
  return {
    statusByTarget: new Map(targets.map((t) => [targetKey(t), t.status])),
    reachedAccounts: new Set(targets.filter((t) => t.status !== 'error').map((t) => t.accountId)),
  };
}

function canResolve(
  state: AlertState,
  coverage: Coverage,
  ctWatched: boolean,
  endpoints: EndpointCoverage | undefined,
): boolean {
  // The monitor's own trouble is judged over the whole run: a run without it is the evidence it is over.
  if (state.kind === 'MONITOR_STATE_TABLE') return true;
  if (state.kind === 'CT_UNKNOWN_ISSUANCE') return ctWatched;
  if (state.incident.endpoint !== undefined) {
    const owner = state.incident.accountId || FILE_ENDPOINTS_OWNER;
    return endpoints !== undefined && canResolveEndpointIncident(state.incident, endpoints, owner);
  }
  const { accountId, region } = state.incident;
  if (state.kind === 'COVERAGE_GAP') {
    // A whole-account gap (region '*': the role could not be assumed) has no target of its own once the account is
    // healthy: its regions come back one by one. Reaching the account in any region closes it.
    if (isWholeAccount({ region })) return coverage.reachedAccounts.has(accountId);
    const status = coverage.statusByTarget.get(targetKey({ accountId, region }));
    return status === 'ok' || status === 'partial';
  }
  return coverage.statusByTarget.get(targetKey({ accountId, region })) === 'ok';
}

function crossedThresholds(thresholds: readonly number[], days: number | undefined): number[] {
  if (days === undefined) return [];
  return thresholds.filter((t) => days <= t);
}

/** The incident as the resolved message shows it: current expiry and attachments, no stale failure details. */
function resolvedView(incident: Incident, current: AssessedCertificate | undefined): Incident {
  const {
    reason: _reason,
    errorCode: _errorCode,
    validationRecords: _records,
    httpRedirects: _redirects,
    diagnosis: _diagnosis,
    diagnosisOmitted: _diagnosisOmitted,
    ...rest
  } = incident;
  if (incident.kind === 'COVERAGE_GAP' || incident.kind === 'MONITOR_STATE_TABLE') return incident;
  if (current === undefined) return rest;
  const view: Incident = { ...rest, inUseBy: current.inUseBy };
  if (current.notAfter === undefined) delete view.notAfter;
  else view.notAfter = current.notAfter;
  if (current.daysToExpiry === undefined) delete view.daysToExpiry;
  else view.daysToExpiry = current.daysToExpiry;
  return view;
}

function withoutResolution(state: AlertState): AlertState {
  const { resolvedAt: _resolvedAt, supersededBy: _supersededBy, ...rest } = state;
  return rest;
}

function open(prev: AlertState | undefined, incident: Incident, thresholds: readonly number[], now: string) {
  const episode = prev === undefined ? 1 : prev.episode + 1;
  const notice: QueuedNotice = {
    id: noticeId(incident.key, episode, 'opened'),
    stage: 'opened',
    incident,
    openedAt: now,
    queuedAt: now,
  };
  const state: AlertState = {
    incidentKey: incident.key,
    kind: incident.kind,
    status: 'open',
    openedAt: now,
    lastStage: 'opened',
    remindersSent: crossedThresholds(thresholds, incident.daysToExpiry),
    incident,
    pending: [...(prev?.pending ?? []), notice],
    version: prev?.version ?? 0,
    episode,
  };
  return { state, notice };
}

function remind(prev: AlertState, incident: Incident, thresholds: readonly number[], now: string) {
  const state: AlertState = { ...prev, incident };
  const due = crossedThresholds(thresholds, incident.daysToExpiry).filter((t) => !prev.remindersSent.includes(t));
  if (due.length === 0) return { state, notice: undefined };
  // Several thresholds crossed at once (a missed day): one reminder, for the closest one.
  const threshold = Math.min(...due);
  const notice: QueuedNotice = {
    id: noticeId(incident.key, prev.episode, 'reminder', threshold),
    stage: 'reminder',
    incident,
    threshold,
    openedAt: prev.openedAt,
    queuedAt: now,
  };
  state.remindersSent = [...prev.remindersSent, ...due].sort((a, b) => b - a);
  state.lastStage = 'reminder';
  state.pending = [...prev.pending.filter((n) => !(n.stage === 'reminder' && n.openedAt === prev.openedAt)), notice];
  return { state, notice };
}

export function planAlerts(
  states: readonly AlertState[],
  incidents: readonly Incident[],
  opts: PlanOptions,
): AlertPlan {
  const now = opts.now.toISOString();
  const thresholds = [...new Set(opts.reminderThresholds ?? DEFAULT_REMINDER_THRESHOLDS)].sort((a, b) => b - a);
  const stateByKey = new Map(states.map((s) => [s.incidentKey, s]));
  const incidentByKey = new Map(incidents.map((i) => [i.key, i]));
  // What an incident is about: a certificate (its ARN) or an endpoint (its identity). A new incident about the same
  // subject supersedes the open one.
  const subjectOf = (incident: Incident) => incident.subject ?? incident.arn;
  const incidentKeyBySubject = new Map<string, string>();
  for (const incident of incidents) {
    const subject = subjectOf(incident);
    if (subject !== undefined) incidentKeyBySubject.set(subject, incident.key);
  }
  const coverage = coverageOf(opts.targets);
  const certificateByArn = new Map((opts.certificates ?? []).map((c) => [c.arn, c]));

  const notices: QueuedNotice[] = [];
  const changed: AlertState[] = [];
  const keep = (prev: AlertState | undefined, next: AlertState, notice: QueuedNotice | undefined) => {
    if (notice !== undefined) notices.push(notice);
    if (prev === undefined || !sameJson(prev, next)) changed.push(next);
  };

  for (const incident of incidentByKey.values()) {
    const prev = stateByKey.get(incident.key);
    if (prev === undefined || prev.status === 'resolved') {
      const { state, notice } = open(prev, incident, thresholds, now);
      keep(prev, state, notice);
    } else {
      const { state, notice } = remind(withoutResolution(prev), incident, thresholds, now);
      keep(prev, state, notice);
    }
  }

  for (const prev of stateByKey.values()) {
    if (prev.status !== 'open' || incidentByKey.has(prev.incidentKey)) continue;
    if (opts.ctOnly === true && prev.kind !== 'CT_UNKNOWN_ISSUANCE') continue;
    const prevSubject = subjectOf(prev.incident);
    const replacement = prevSubject === undefined ? undefined : incidentKeyBySubject.get(prevSubject);
    const ctWatched = opts.ctWatched === true;
    if (replacement !== undefined) {
      keep(prev, { ...prev, status: 'resolved', resolvedAt: now, supersededBy: replacement }, undefined);
    } else if (prev.kind === 'CT_UNKNOWN_ISSUANCE' && canResolve(prev, coverage, ctWatched, opts.endpoints)) {
      // Allow-listed (someone acknowledged it, and knows) or expired: closed without a message, so an issuance pages
      // on-call exactly once.
      keep(prev, { ...prev, status: 'resolved', resolvedAt: now }, undefined);
    } else if (canResolve(prev, coverage, ctWatched, opts.endpoints)) {
      const notice: QueuedNotice = {
        id: noticeId(prev.incidentKey, prev.episode, 'resolved'),
        stage: 'resolved',
        incident: resolvedView(prev.incident, prev.incident.arn ? certificateByArn.get(prev.incident.arn) : undefined),
        openedAt: prev.openedAt,
        queuedAt: now,
      };
      const state: AlertState = {
        ...prev,
        status: 'resolved',
        resolvedAt: now,
        lastStage: 'resolved',
        pending: [...prev.pending, notice],
      };
      keep(prev, state, notice);
    }
  }
  return { notices, states: changed };
}

/** One undelivered notice and the state that holds it. */
export interface PendingDelivery {
  incidentKey: string;
  notice: QueuedNotice;
}

/** Every undelivered notice, oldest first; notices of one incident keep their queue order. */
export function pendingInOrder(states: readonly AlertState[]): PendingDelivery[] {
  const all = [...states]
    .sort((a, b) => (a.incidentKey < b.incidentKey ? -1 : a.incidentKey > b.incidentKey ? 1 : 0))
    .flatMap((s) => s.pending.map((notice) => ({ incidentKey: s.incidentKey, notice })));
  // Array.prototype.sort is stable: equal queuedAt keeps the per-incident order.
  return all.sort((a, b) =>
    a.notice.queuedAt < b.notice.queuedAt ? -1 : a.notice.queuedAt > b.notice.queuedAt ? 1 : 0,
  );
}
