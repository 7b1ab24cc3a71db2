import { describe, expect, it } from 'vitest';
import { failedTarget } from '../../../lambdas/core/model';
import { WorkListSchema } from '../../../lambdas/pipeline/contracts';
import { skippedTargets, unfinishedTargets } from '../../../lambdas/pipeline/finalize-run';

const workList = WorkListSchema.parse([
  {
    accountId: '111111111111',
    accountName: 'payments',
    skip: [{ region: 'eu-central-1', lastListedAt: '2026-12-01T06:00:00.000Z' }],
  },
  { accountId: '222222222222', skip: [{ region: 'us-west-2', lastListedAt: '2026-11-30T06:00:00.000Z' }] },
]);

describe('skippedTargets', () => {
  it('reports each region the work list left unlisted as ok, as of its last listing, and never as unfinished', () => {
    const skipped = skippedTargets(workList, []);
    const known = new Map([
      ['111111111111#eu-central-1', 0],
      ['111111111111#us-east-1', 3],
      ['222222222222#us-west-2', 0],
    ]);

    expect(skipped).toEqual([
      {
        accountId: '111111111111',
        accountName: 'payments',
        region: 'eu-central-1',
        status: 'ok',
        certificateCount: 0,
        apiCalls: {},
        durationMs: 0,
        startedAt: '2026-12-01T06:00:00.000Z',
        skippedClean: { lastListedAt: '2026-12-01T06:00:00.000Z' },
      },
      expect.objectContaining({ accountId: '222222222222', region: 'us-west-2', status: 'ok' }),
    ]);
    expect(unfinishedTargets(workList, skipped, known, '2026-12-02T06:00:00.000Z')).toEqual([
      expect.objectContaining({ accountId: '111111111111', region: 'us-east-1', errorCode: 'ScanDidNotComplete' }),
    ]);
  });

  it('drops them for an account the run could not open: its whole-account gap stands', () => {
    const gap = failedTarget(
      { accountId: '111111111111', region: '*' },
      { code: 'AccessDenied', message: 'x' },
      { startedAt: '2026-12-02T06:00:00.000Z' },
    );

    expect(skippedTargets(workList, [gap]).map((t) => t.accountId)).toEqual(['222222222222']);
  });
});
