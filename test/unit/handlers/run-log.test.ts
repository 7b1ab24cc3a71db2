/**
 * The log lines the dashboard's Logs Insights widgets read carry every field those widgets query: FinalizeRun's
 * "run completed" line, through the real use case (its stores and the bucket replaced by in-memory ones).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_FIELDS } from '../../../infra/constructs/dashboard';
import type { AlertStore } from '../../../lambdas/core/alerting/store';
import { type Certificate, FINDING_CODES, type Target, type TargetResult } from '../../../lambdas/core/model';
import { RUN_LOG } from '../../../lambdas/core/names';
import type { RunRecord } from '../../../lambdas/core/ports';
import type { DigestMarker } from '../../../lambdas/pipeline/digest-marker';
import { type FinalizeRunDeps, finalizeRun, type PipelineLogger } from '../../../lambdas/pipeline/finalize-run';

const NOW = new Date('2026-12-01T06:05:00.000Z');
const TARGET: Target = { accountId: '333333333333', region: 'eu-west-1' };

function certificate(arn: string, notAfter: string): Certificate {
  return {
    ...TARGET,
    arn,
    domainName: `${arn}.example.com`,
    subjectAlternativeNames: [],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notBefore: '2026-06-01T00:00:00.000Z',
    notAfter,
    renewalEligibility: 'ELIGIBLE',
    inUse: true,
    inUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:333333333333:loadbalancer/app/web/1'],
    tags: {},
  };
}

/** S3 holding the work list; reports are accepted and dropped. */
function bucketWith(workList: Target[]): S3Client {
  const send = async (command: { constructor: { name: string } }) =>
    command.constructor.name === 'GetObjectCommand'
      ? { Body: { transformToString: async () => JSON.stringify(workList) } }
      : {};
  return { send, config: { region: async () => 'eu-west-1' } } as unknown as S3Client;
}

function deps(lines: Array<{ message: string; fields?: Record<string, unknown> }>): FinalizeRunDeps {
  const result: TargetResult = {
    ...TARGET,
    status: 'ok',
    certificateCount: 2,
    apiCalls: {},
    durationMs: 900,
    startedAt: '2026-12-01T06:00:10.000Z',
  };
  const record = (message: string, fields?: Record<string, unknown>) =>
    lines.push({ message, ...(fields ? { fields } : {}) });
  const logger: PipelineLogger = { info: record, warn: record, error: record };
  let completed: RunRecord | undefined;
  return {
    s3: bucketWith([TARGET]),
    runs: {
      recordRunStarted: async () => {},
      recordRunCompleted: async (run) => {
        completed = run;
      },
      latestCompletedRun: async () => completed,
      loadRunResults: async () => ({ targets: [result], changes: [] }),
      loadAllCertificates: async () => [
        certificate('a', '2026-12-05T00:00:00.000Z'),
        certificate('b', '2027-05-01T00:00:00.000Z'),
      ],
      loadAttentionCertificates: async () => [],
      saveTargetScan: async () => {},
      certificateCounts: async () => new Map(),
    },
    // Slack is left unconfigured, so neither the alert store nor the digest marker is touched.
    alerts: {} as AlertStore,
    digestMarker: {} as DigestMarker,
    slack: async () => ({ kind: 'configured', webhooks: {} }),
    poster: () => {
      throw new Error('Slack is not configured');
    },
    clock: () => NOW,
    logger,
  };
}

describe('the "run completed" log line', () => {
  it('carries every field the dashboard queries, with the certificates per finding code', async () => {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];

    await finalizeRun(deps(lines), {
      runId: 'r1',
      startedAt: '2026-12-01T06:00:00.000Z',
      listing: {
        runId: 'r1',
        startedAt: '2026-12-01T06:00:00.000Z',
        bucket: 'work',
        key: 'runs/r1/work.json',
        accountCount: 1,
      },
      expiryDays: 30,
      ownerTagKey: 'owner',
    });

    const completed = lines.filter((line) => line.message === RUN_LOG.runCompleted);
    expect(completed).toHaveLength(1);
    const fields = completed[0]?.fields ?? {};
    expect(Object.keys(fields)).toEqual(expect.arrayContaining([...DASHBOARD_FIELDS.runCompleted]));
    expect(fields).toMatchObject({
      runId: 'r1',
      certificates: 2,
      targets: 1,
      targetsFailed: 0,
      expiringWithin7Days: 1,
      expiringWithin30Days: 1,
      durationSeconds: 300,
    });
    expect(Object.keys(fields.findings as object).sort()).toEqual([...FINDING_CODES].sort());
    expect((fields.findings as Record<string, number>).EXPIRING).toBe(1);
  });
});
