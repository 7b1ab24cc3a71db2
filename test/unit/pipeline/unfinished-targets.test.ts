import { describe, expect, it } from 'vitest';
import { SCAN_DID_NOT_COMPLETE } from '../../../lambdas/core/failures';
import type { TargetResult } from '../../../lambdas/core/model';
import { targetKey } from '../../../lambdas/core/model';
import { unfinishedTargets } from '../../../lambdas/pipeline/finalize-run';

const STARTED = '2026-12-01T06:00:00.000Z';
const ok = (accountId: string, region: string): TargetResult => ({
  accountId,
  region,
  status: 'ok',
  certificateCount: 1,
  apiCalls: {},
  durationMs: 10,
  startedAt: STARTED,
});
const known = (...targets: Array<[string, string, number]>) =>
  new Map(targets.map(([accountId, region, n]) => [targetKey({ accountId, region }), n]));

describe('unfinishedTargets', () => {
  it('reports an account of the work list with no result at all as one whole-account scan that did not complete', () => {
    const missing = unfinishedTargets(
      [{ accountId: '111111111111', accountName: 'prod' }, { accountId: '222222222222' }],
      [ok('222222222222', 'us-east-1')],
      known(['111111111111', 'us-east-1', 3], ['111111111111', 'eu-west-1', 0]),
      STARTED,
    );

    expect(missing).toEqual([
      expect.objectContaining({
        accountId: '111111111111',
        accountName: 'prod',
        region: '*',
        status: 'error',
        errorCode: SCAN_DID_NOT_COMPLETE,
        startedAt: STARTED,
      }),
    ]);
  });

  it('reports each region an account held before and has no result for, when its child stopped half-way', () => {
    const missing = unfinishedTargets(
      [{ accountId: '111111111111' }],
      [ok('111111111111', 'us-east-1')],
      known(['111111111111', 'us-east-1', 3], ['111111111111', 'eu-west-1', 0], ['111111111111', 'ap-south-1', 9]),
      STARTED,
    );

    expect(missing.map((result) => [result.region, result.errorCode])).toEqual([
      ['ap-south-1', SCAN_DID_NOT_COMPLETE],
      ['eu-west-1', SCAN_DID_NOT_COMPLETE],
    ]);
  });

  it('reports nothing more for an account that recorded itself as a whole-account failure', () => {
    const gap: TargetResult = { ...ok('111111111111', '*'), status: 'error', errorCode: 'AccessDenied' };

    const missing = unfinishedTargets(
      [{ accountId: '111111111111' }],
      [gap],
      known(['111111111111', 'us-east-1', 3]),
      STARTED,
    );

    expect(missing).toEqual([]);
  });
});
