/**
 * The CloudWatch metrics (EMF through Powertools) the handlers emit, named from METRICS so the alarms and the
 * dashboard in infra/ read exactly these. RunCompleted is the one the "no completed run" alarm watches.
 */
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { FINDING_CODES } from '../core/model';
import { METRIC_DIMENSIONS, METRICS } from '../core/names';
import type { FinalizeRunResult, SlackStep } from '../pipeline/finalize-run';
import type { HeartbeatOutcome } from '../pipeline/heartbeat';
import type { ScanSummary } from '../pipeline/scan-one-target';

export function addRunMetrics(metrics: Metrics, result: FinalizeRunResult): void {
  const { figures } = result;
  metrics.addMetric(METRICS.runCompleted, MetricUnit.Count, 1);
  metrics.addMetric(METRICS.runDurationSeconds, MetricUnit.Seconds, figures.durationSeconds);
  metrics.addMetric(METRICS.targetsScanned, MetricUnit.Count, figures.targets);
  metrics.addMetric(METRICS.targetsFailed, MetricUnit.Count, figures.targetsFailed);
  metrics.addMetric(METRICS.certificates, MetricUnit.Count, figures.certificates);
  metrics.addMetric(METRICS.expiringWithin7Days, MetricUnit.Count, figures.expiringWithin7Days);
  metrics.addMetric(METRICS.expiringWithin30Days, MetricUnit.Count, figures.expiringWithin30Days);
  addSlackMetrics(metrics, [result.digest, result.alerts.outcome]);
  // One EMF document per finding code: each carries its own FindingCode dimension.
  for (const code of FINDING_CODES) {
    const single = metrics.singleMetric();
    single.addDimension(METRIC_DIMENSIONS.findingCode, code);
    single.addMetric(METRICS.findings, MetricUnit.Count, figures.findings[code]);
  }
}

export function addScanMetrics(metrics: Metrics, summary: ScanSummary): void {
  metrics.addMetric(METRICS.throttles, MetricUnit.Count, summary.throttles);
}

export function addHeartbeatMetrics(metrics: Metrics, outcome: HeartbeatOutcome): void {
  if (outcome.kind === 'secret-unreadable') {
    metrics.addMetric(METRICS.slackDeliveryFailed, MetricUnit.Count, 1);
    return;
  }
  if (outcome.kind !== 'checked') return;
  const { result } = outcome;
  const failed = result.failure !== undefined || result.alerts?.failure !== undefined;
  metrics.addMetric(METRICS.slackDeliveryFailed, MetricUnit.Count, failed ? 1 : 0);
  metrics.addMetric(METRICS.webhookBroken, MetricUnit.Count, result.broken ? 1 : 0);
}

/** A failed or broken delivery, or a secret that cannot be read, counts; Slack left unconfigured does not. */
function addSlackMetrics(metrics: Metrics, steps: SlackStep[]): void {
  const failed = steps.some((step) => step === 'failed' || step === 'broken' || step === 'secret-unreadable');
  metrics.addMetric(METRICS.slackDeliveryFailed, MetricUnit.Count, failed ? 1 : 0);
  metrics.addMetric(METRICS.webhookBroken, MetricUnit.Count, steps.includes('broken') ? 1 : 0);
}
