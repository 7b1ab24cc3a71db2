/**
 * The alerting use case shared by the pipeline's FinalizeRun and the CLI: detect incidents, plan messages against
 * what on-call was already told, persist the plan with its queued messages (the outbox) before sending anything,
 * then deliver everything pending, oldest first. Running it twice with the same input plans nothing new and finds
 * nothing left to send, so a retried FinalizeRun never pages twice.
 */
import { type DetectOptions, detectIncidents } from '../core/alerting/incidents';
import { type AlertState, planAlerts, type QueuedNotice } from '../core/alerting/planner';
import { AlertStateConflictError, type AlertStore } from '../core/alerting/store';
import type { CtIssuanceEntry } from '../core/ct';
import type { AssessedCertificate, TargetResult } from '../core/model';
import type { AlertNotice, Incident } from '../core/notices';
import type { EndpointCoverage } from '../core/probe/incidents';
import { type DeliveryResult, flushPending, type SendAlert } from './deliver';
import { type AlertRouting, flushRouted, routePlan, withRoutes } from './routed';

export interface AlertingConfig extends Omit<DetectOptions, 'now' | 'previousRunFailures'> {
  /** Days-to-expiry thresholds that trigger a reminder. @default [7, 3, 1] */
  reminderThresholds?: readonly number[];
}

export interface RunAlertingInput {
  store: AlertStore;
  send: SendAlert;
  /** Every current certificate of every target (the snapshot), assessed at `now`. */
  certificates: readonly AssessedCertificate[];
  /** This run's target results: failed ones are coverage gaps, only `ok` ones can resolve incidents. */
  targets: readonly TargetResult[];
  now: Date;
  config?: AlertingConfig;
  /** The previous completed run's failures: the monitor's own trouble alerts when it repeats. */
  previousRunFailures?: ReadonlyArray<{ errorCode: string }>;
  /** The CT watch's verdicts when it ran this time; absent: CT incidents are left as they are. */
  ct?: readonly CtIssuanceEntry[];
  /** The hourly CT watch: plan CT incidents only, leave every other incident as it is. */
  ctOnly?: boolean;
  /**
   * What the probe found this run (core/probe/run.ts): its incidents, planned with the certificates', and what it
   * covered, so an endpoint's incident resolves only when this run probed it again. Absent: probing is off.
   */
  endpoints?: { incidents: readonly Incident[]; coverage: EndpointCoverage };
  /** Owner routing: each incident's notices go to its owners' destinations (then `send` is not used). */
  routing?: AlertRouting;
}

export interface RunAlertingResult extends DeliveryResult {
  /** Incidents present in this run. */
  incidents: Incident[];
  /** Notices this run queued (delivered now or left pending); with routing, one per destination. */
  queued: QueuedNotice[];
  /** With routing: destinations whose webhook is broken (their messages went to the default one). */
  brokenDestinations?: string[];
  /** With routing: messages the default destination received for a broken one. */
  fellBack?: AlertNotice[];
}

/** Plans made against states someone changed meanwhile are redone from a fresh read this many times. */
const MAX_PLAN_ATTEMPTS = 5;

export async function runAlerting(input: RunAlertingInput): Promise<RunAlertingResult> {
  const { store, send, now, config = {} } = input;
  const { reminderThresholds, ...detectOptions } = config;
  const detected = [
    ...detectIncidents(input.certificates, input.targets, {
      ...detectOptions,
      now,
      ...(input.previousRunFailures === undefined ? {} : { previousRunFailures: input.previousRunFailures }),
      ...(input.ct === undefined ? {} : { ct: input.ct }),
    }),
    ...(input.endpoints?.incidents ?? []),
  ];
  const { routing } = input;
  const incidents = routing === undefined ? detected : withRoutes(detected, routing);

  let queued: QueuedNotice[] = [];
  for (let attempt = 1; ; attempt++) {
    const states = await loadRelevantStates(store, incidents);
    const planned = planAlerts(states, incidents, {
      now,
      targets: input.targets,
      certificates: input.certificates,
      ctWatched: input.ct !== undefined,
      ...(input.ctOnly === true ? { ctOnly: true } : {}),
      ...(reminderThresholds === undefined ? {} : { reminderThresholds }),
      ...(input.endpoints ? { endpoints: input.endpoints.coverage } : {}),
    });
    const plan = routing === undefined ? planned : routePlan(planned, routing.defaultDestination);
    try {
      await store.saveStates(plan.states, now);
      queued = plan.notices;
      break;
    } catch (error) {
      if (!(error instanceof AlertStateConflictError) || attempt >= MAX_PLAN_ATTEMPTS) throw error;
    }
  }

  if (routing !== undefined) return { ...(await flushRouted({ store, now, routing })), incidents, queued };
  const delivery = await flushPending({ store, send, now });
  return { ...delivery, incidents, queued };
}

/** Active states (to resolve what went away) plus any stored state of a present incident (to continue its episode). */
async function loadRelevantStates(store: AlertStore, incidents: readonly Incident[]): Promise<AlertState[]> {
  const active = await store.loadActiveStates();
  const known = new Set(active.map((s) => s.incidentKey));
  const others = await store.loadStates(incidents.map((i) => i.key).filter((key) => !known.has(key)));
  return [...active, ...others];
}
