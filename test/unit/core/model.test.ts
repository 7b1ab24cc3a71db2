import { describe, expect, it } from 'vitest';
import { LIKELY_CAUSES } from '../../../lambdas/core/failures';
import {
  countRegions,
  failedTarget,
  isWholeAccount,
  parseTargetKey,
  targetKey,
  WHOLE_ACCOUNT,
} from '../../../lambdas/core/model';

describe('targetKey', () => {
  it('gives a region and the whole account of one account different keys that split back', () => {
    const region = { accountId: '111111111111', region: 'eu-west-1' };
    const whole = { accountId: '111111111111', region: WHOLE_ACCOUNT };

    expect(targetKey(region)).not.toBe(targetKey(whole));
    expect(parseTargetKey(targetKey(region))).toEqual(region);
    expect(parseTargetKey(targetKey(whole))).toEqual(whole);
  });

  it('ignores the other fields of a target, so a result and a certificate of one target share the key', () => {
    expect(targetKey({ accountId: '111111111111', region: 'us-east-1', accountName: 'prod' } as never)).toBe(
      targetKey({ accountId: '111111111111', region: 'us-east-1' }),
    );
  });
});

describe('countRegions', () => {
  it('counts each region once and a whole-account result not at all', () => {
    const targets = [
      { region: 'us-east-1' },
      { region: 'us-east-1' },
      { region: 'eu-west-1' },
      { region: WHOLE_ACCOUNT },
    ];

    expect(countRegions(targets)).toBe(2);
    expect(targets.filter(isWholeAccount)).toHaveLength(1);
  });
});

describe('failedTarget', () => {
  it('records an error with nothing counted and the likely cause of its code when none is given', () => {
    const result = failedTarget(
      { accountId: '111111111111', accountName: 'prod', region: WHOLE_ACCOUNT },
      { code: 'AccessDenied', message: 'refused' },
      { startedAt: '2026-12-01T00:00:00.000Z' },
    );

    expect(result).toEqual({
      accountId: '111111111111',
      accountName: 'prod',
      region: WHOLE_ACCOUNT,
      status: 'error',
      errorCode: 'AccessDenied',
      errorMessage: 'refused',
      likelyCause: LIKELY_CAUSES.accessDenied,
      certificateCount: 0,
      apiCalls: {},
      durationMs: 0,
      startedAt: '2026-12-01T00:00:00.000Z',
    });
  });
});

describe('failedTarget with a cause', () => {
  it('keeps the likely cause the place that caught the error wrote', () => {
    const result = failedTarget(
      { accountId: '111111111111', region: 'eu-west-1' },
      { code: 'AccessDenied', message: 'refused', likelyCause: 'the StackSet is not deployed there' },
      { startedAt: '2026-12-01T00:00:00.000Z' },
    );

    expect(result.likelyCause).toBe('the StackSet is not deployed there');
  });
});
