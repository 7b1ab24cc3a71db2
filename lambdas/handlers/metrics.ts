/**
 * The CloudWatch custom metrics (EMF through Powertools) the handlers emit: only the two the alarms in infra/ watch,
 * because each custom metric is billed every month. RunCompleted feeds the "no completed run" alarm, SlackWebhookBroken
 * the broken-webhook alarm. The run's other figures go to the log lines the dashboard queries (RUN_LOG), not here.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS } from '../core/names';
import type { FinalizeRunResult } from '../pipeline/finalize-run';
import type { HeartbeatOutcome } from '../pipeline/heartbeat';

export function addRunMetrics(metrics: Metrics, result: FinalizeRunResult): void {
  metrics.addMetric(METRICS.runCompleted, MetricUnit.Count, 1);
  // A routed destination's broken webhook counts too: its alerts reached the default, but its team hears nothing.
  addWebhookBroken(
    metrics,
    [result.digest, result.alerts.outcome].includes('broken') || (result.brokenDestinations?.length ?? 0) > 0,
  );
}

export function addHeartbeatMetrics(metrics: Metrics, outcome: HeartbeatOutcome): void {
  // An unreadable secret or Slack left unconfigured says nothing about the webhook; the error is in the log.
  if (outcome.kind !== 'checked') return;
  addWebhookBroken(metrics, outcome.result.broken === true);
}

/** 0 as well as 1, so the alarm sees data (and returns to OK) whenever a delivery was attempted and worked. */
function addWebhookBroken(metrics: Metrics, broken: boolean): void {
  metrics.addMetric(METRICS.webhookBroken, MetricUnit.Count, broken ? 1 : 0);
}
