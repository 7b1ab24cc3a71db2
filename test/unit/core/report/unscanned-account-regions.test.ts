import { describe, expect, it } from 'vitest';
import type { TargetResult } from '../../../../lambdas/core/model';
import { buildReport } from '../../../../lambdas/core/report';
import { renderDigest, renderPlainText } from '../../../../lambdas/core/slack';

const target = (accountId: string, region: string, status: TargetResult['status']): TargetResult => ({
  accountId,
  region,
  status,
  ...(status === 'error' ? { errorCode: 'AccessDenied', errorMessage: 'cannot assume the audit role' } : {}),
  certificateCount: 0,
  apiCalls: {},
  durationMs: 1,
  startedAt: '2026-12-01T06:00:00.000Z',
});

describe('an account that could not be scanned at all (region *)', () => {
  const targets = [target('111111111111', 'eu-west-1', 'ok'), target('222222222222', '*', 'error')];

  it('counts as an account but not as a region in the report summary', () => {
    const report = buildReport({
      runId: 'r',
      generatedAt: new Date('2026-12-01T07:00:00Z'),
      targets,
      certificates: [],
    });

    expect(report.summary).toMatchObject({ accounts: 2, regions: 1, targetsFailed: 1 });
  });

  it('counts as an account but not as a region in the digest', () => {
    const digest = renderPlainText(
      renderDigest({
        runId: 'r',
        generatedAt: '2026-12-01T07:00:00.000Z',
        expiryDays: 30,
        targets,
        certificates: [],
        changes: [],
      }),
    );

    expect(digest).toContain('2 accounts · 1 region');
  });
});
