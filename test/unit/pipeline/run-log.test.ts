/**
 * The log lines the dashboard's Logs Insights widgets read carry every field those widgets query: FinalizeRun's
 * "run completed" line, through the real use case (its stores and the bucket replaced by in-memory ones).
 */
import { describe, expect, it } from 'vitest';
import { DASHBOARD_FIELDS } from '../../../infra/constructs/dashboard';
import { type Certificate, FINDING_CODES } from '../../../lambdas/core/model';
import { RUN_LOG } from '../../../lambdas/core/names';
import { type FinalizeRunDeps, finalizeRun } from '../../../lambdas/pipeline/finalize-run';
import type { RunLogger } from '../../../lambdas/run/complete-run';
import { inMemoryFinalizeDeps, TARGET } from './finalize-fixture';

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

function deps(lines: Array<{ message: string; fields?: Record<string, unknown> }>): FinalizeRunDeps {
  const record = (message: string, fields?: Record<string, unknown>) =>
    lines.push({ message, ...(fields ? { fields } : {}) });
  const logger: RunLogger = { info: record, warn: record, error: record };
  return inMemoryFinalizeDeps({
    certificates: [certificate('a', '2026-12-05T00:00:00.000Z'), certificate('b', '2027-05-01T00:00:00.000Z')],
    overrides: { logger },
  });
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
