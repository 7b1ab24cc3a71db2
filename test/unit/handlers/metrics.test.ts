import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../../../lambdas/core/model';
import { METRIC_DIMENSIONS, METRICS } from '../../../lambdas/core/names';
import { addRunMetrics } from '../../../lambdas/handlers/metrics';
import type { FinalizeRunResult } from '../../../lambdas/pipeline/finalize-run';

interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> };
  [key: string]: unknown;
}

/** EMF documents Powertools writes to stdout while `act` runs. */
function captureEmf(act: () => void): Emf[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Emf);
}

function result(overrides: Partial<FinalizeRunResult> = {}): FinalizeRunResult {
  const findings = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number>;
  findings.EXPIRING = 4;
  findings.RENEWAL_FAILED = 1;
  return {
    run: {
      runId: 'r1',
      startedAt: '2026-12-01T06:00:00.000Z',
      completedAt: '2026-12-01T06:03:00.000Z',
      status: 'completed',
      targets: 12,
      targetsFailed: 2,
      certificates: 40,
      accounts: 4,
      regions: 3,
      changes: 5,
      failures: [],
    },
    report: { bucket: 'b', htmlKey: 'h', jsonKey: 'j', location: 's3://b/h' },
    digest: 'sent',
    alerts: { outcome: 'sent', queued: 1, sent: 1, pending: 0 },
    figures: {
      durationSeconds: 180,
      targets: 12,
      targetsFailed: 2,
      certificates: 40,
      expiringWithin7Days: 1,
      expiringWithin30Days: 4,
      findings,
      changes: 5,
    },
    ...overrides,
  };
}

describe('addRunMetrics', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('emits the run figures under the names and namespace the alarms read', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.serviceName });

    const docs = captureEmf(() => {
      addRunMetrics(metrics, result());
      metrics.publishStoredMetrics();
    });

    const run = docs.find((doc) => doc[METRICS.runCompleted] !== undefined);
    expect(run).toMatchObject({
      [METRICS.runCompleted]: 1,
      [METRICS.runDurationSeconds]: 180,
      [METRICS.targetsScanned]: 12,
      [METRICS.targetsFailed]: 2,
      [METRICS.certificates]: 40,
      [METRICS.expiringWithin7Days]: 1,
      [METRICS.expiringWithin30Days]: 4,
      [METRICS.slackDeliveryFailed]: 0,
      [METRICS.webhookBroken]: 0,
      service: METRICS.serviceName,
    });
    expect(run?._aws.CloudWatchMetrics[0]?.Namespace).toBe(METRICS.namespace);
  });

  it('emits one Findings metric per finding code, each with its FindingCode dimension', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.serviceName });

    const docs = captureEmf(() => addRunMetrics(metrics, result()));

    const findings = docs.filter((doc) => doc[METRICS.findings] !== undefined);
    expect(findings.map((doc) => doc[METRIC_DIMENSIONS.findingCode])).toEqual([...FINDING_CODES]);
    expect(findings.find((doc) => doc[METRIC_DIMENSIONS.findingCode] === 'EXPIRING')?.[METRICS.findings]).toBe(4);
    expect(findings[0]?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toContain(METRIC_DIMENSIONS.findingCode);
  });

  it('counts a broken webhook and a failed delivery, but not Slack left unconfigured', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const emitted = (overrides: Partial<FinalizeRunResult>) => {
      const metrics = new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.serviceName });
      const docs = captureEmf(() => {
        addRunMetrics(metrics, result(overrides));
        metrics.publishStoredMetrics();
      });
      const run = docs.find((doc) => doc[METRICS.runCompleted] !== undefined);
      return [run?.[METRICS.slackDeliveryFailed], run?.[METRICS.webhookBroken]];
    };

    expect(emitted({ digest: 'broken' })).toEqual([1, 1]);
    expect(emitted({ alerts: { outcome: 'failed', queued: 2, sent: 0, pending: 2 } })).toEqual([1, 0]);
    expect(
      emitted({ digest: 'not-configured', alerts: { outcome: 'not-configured', queued: 0, sent: 0, pending: 0 } }),
    ).toEqual([0, 0]);
  });
});
