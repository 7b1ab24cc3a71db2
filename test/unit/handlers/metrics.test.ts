import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../../../lambdas/core/model';
import { METRIC_DIMENSIONS, METRICS } from '../../../lambdas/core/names';
import { addHeartbeatMetrics, addRunMetrics } from '../../../lambdas/handlers/metrics';
import type { FinalizeRunResult } from '../../../lambdas/pipeline/finalize-run';
import type { HeartbeatOutcome } from '../../../lambdas/pipeline/heartbeat';

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
    report: { bucket: 'b', htmlKey: 'h', jsonKey: 'j', location: 'https://b.example/h', s3Uri: 's3://b/h' },
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

/** Every metric name in METRICS (what bench/cost.ts bills), without the namespace and the service name. */
const METRIC_NAMES: string[] = Object.entries(METRICS)
  .filter(([key]) => key !== 'namespace' && key !== 'serviceName')
  .map(([, name]) => name);

function newMetrics(): Metrics {
  return new Metrics({ namespace: METRICS.namespace, serviceName: METRICS.serviceName });
}

/** The EMF documents one call writes, published as the handlers' invocation() does at the end. */
function emitted(add: (metrics: Metrics) => void): Emf[] {
  const metrics = newMetrics();
  return captureEmf(() => {
    add(metrics);
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  });
}

function checked(overrides: { broken?: boolean } = {}): HeartbeatOutcome {
  return { kind: 'checked', result: { sent: [], pending: [], ...overrides } };
}

describe('addRunMetrics', () => {
  beforeEach(() => vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false'));
  afterEach(() => vi.unstubAllEnvs());

  it('emits RunCompleted and SlackWebhookBroken in the namespace the alarms read, with the service dimension only', () => {
    const docs = emitted((metrics) => addRunMetrics(metrics, result()));

    expect(docs).toHaveLength(1);
    const [doc] = docs;
    expect(doc).toMatchObject({
      [METRICS.runCompleted]: 1,
      [METRICS.webhookBroken]: 0,
      [METRIC_DIMENSIONS.service]: METRICS.serviceName,
    });
    const [directive] = doc?._aws.CloudWatchMetrics ?? [];
    expect(directive?.Namespace).toBe(METRICS.namespace);
    expect(directive?.Dimensions).toEqual([[METRIC_DIMENSIONS.service]]);
    expect(directive?.Metrics.map((metric) => metric.Name).sort()).toEqual(
      [METRICS.runCompleted, METRICS.webhookBroken].sort(),
    );
  });

  it('publishes none of the run figures as metrics (the dashboard reads them from the log line)', () => {
    const [doc] = emitted((metrics) => addRunMetrics(metrics, result()));

    const names = doc?._aws.CloudWatchMetrics.flatMap((directive) => directive.Metrics.map((metric) => metric.Name));
    expect(names?.filter((name) => !METRIC_NAMES.includes(name))).toEqual([]);
    expect(Object.keys(doc ?? {})).not.toContain('findings');
    expect(Object.keys(doc ?? {})).not.toContain('certificates');
  });

  it('counts a webhook Slack rejected on the digest or the alerts, not a failed delivery or Slack unconfigured', () => {
    const broken = (overrides: Partial<FinalizeRunResult>) =>
      emitted((metrics) => addRunMetrics(metrics, result(overrides)))[0]?.[METRICS.webhookBroken];

    expect(broken({ digest: 'broken' })).toBe(1);
    expect(broken({ alerts: { outcome: 'broken', queued: 2, sent: 0, pending: 2 } })).toBe(1);
    expect(broken({ alerts: { outcome: 'failed', queued: 2, sent: 0, pending: 2 } })).toBe(0);
    expect(
      broken({ digest: 'not-configured', alerts: { outcome: 'not-configured', queued: 0, sent: 0, pending: 0 } }),
    ).toBe(0);
  });

  it("counts a routed team's broken webhook even when everything reached the default destination", () => {
    const [doc] = emitted((metrics) => addRunMetrics(metrics, result({ brokenDestinations: ['web'] })));

    expect(doc?.[METRICS.webhookBroken]).toBe(1);
  });
});

describe('addHeartbeatMetrics', () => {
  beforeEach(() => vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false'));
  afterEach(() => vi.unstubAllEnvs());

  it('reports whether Slack rejected the webhook when the heartbeat checked', () => {
    const broken = (outcome: HeartbeatOutcome) =>
      emitted((metrics) => addHeartbeatMetrics(metrics, outcome)).map((doc) => doc[METRICS.webhookBroken]);

    expect(broken(checked({ broken: true }))).toEqual([1]);
    expect(broken(checked())).toEqual([0]);
  });

  it('emits nothing when Slack is unconfigured or its secret unreadable', () => {
    for (const outcome of [
      { kind: 'not-configured' },
      { kind: 'secret-unreadable', message: 'AccessDenied' },
    ] satisfies HeartbeatOutcome[]) {
      expect(emitted((metrics) => addHeartbeatMetrics(metrics, outcome))).toEqual([]);
    }
  });
});

describe('the custom metrics together', () => {
  beforeEach(() => vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false'));
  afterEach(() => vi.unstubAllEnvs());

  it('are exactly the METRICS names, each with the same dimensions, so each is one billed metric', () => {
    const docs = [
      ...emitted((metrics) => addRunMetrics(metrics, result({ digest: 'broken' }))),
      ...emitted((metrics) => addHeartbeatMetrics(metrics, checked({ broken: true }))),
    ];

    const metrics = new Set(
      docs.flatMap((doc) =>
        doc._aws.CloudWatchMetrics.flatMap((directive) =>
          directive.Metrics.map((metric) => `${directive.Namespace}/${metric.Name}/${directive.Dimensions.join(';')}`),
        ),
      ),
    );
    expect([...metrics].sort()).toEqual(
      METRIC_NAMES.map((name) => `${METRICS.namespace}/${name}/${METRIC_DIMENSIONS.service}`).sort(),
    );
  });
});
