import { describe, expect, it } from 'vitest';
import { largestFirst, targetKey } from '../../../lambdas/core/work-order';

const t = (accountId: string, region: string) => ({ accountId, region });

describe('largestFirst', () => {
  it('puts the target with the most certificates first and keeps the order of equal ones', () => {
    const targets = [t('111111111111', 'us-east-1'), t('111111111111', 'eu-west-1'), t('222222222222', 'us-east-1')];
    const counts = new Map([
      [targetKey(targets[0]!), 0],
      [targetKey(targets[1]!), 0],
      [targetKey(targets[2]!), 100],
    ]);

    expect(largestFirst(targets, counts)).toEqual([targets[2], targets[0], targets[1]]);
  });

  it('puts targets never scanned before every known one, in their original order', () => {
    const known = t('111111111111', 'us-east-1');
    const newA = t('333333333333', 'us-east-1');
    const newB = t('333333333333', 'eu-west-1');

    expect(largestFirst([known, newA, newB], new Map([[targetKey(known), 2500]]))).toEqual([newA, newB, known]);
  });

  it('leaves the order alone when nothing is known', () => {
    const targets = [t('1', 'a'), t('2', 'b'), t('3', 'c')];

    expect(largestFirst(targets, new Map())).toEqual(targets);
  });
});
