import { describe, expect, it } from 'vitest';
import { targetKey } from '../../../lambdas/core/model';
import { largestAccountsFirst } from '../../../lambdas/core/work-order';

const count = (accountId: string, region: string, n: number): [string, number] => [targetKey({ accountId, region }), n];

describe('largestAccountsFirst', () => {
  it('puts the account whose largest region held the most first, whatever its total', () => {
    const accounts = [{ id: '111111111111' }, { id: '222222222222' }, { id: '333333333333' }];
    const counts = new Map([
      // 111: three regions of 40 (its scan lasts as long as one of them); 222: one region of 100.
      count('111111111111', 'us-east-1', 40),
      count('111111111111', 'eu-west-1', 40),
      count('111111111111', 'us-west-2', 40),
      count('222222222222', 'us-east-1', 100),
      count('333333333333', 'us-east-1', 0),
    ]);

    expect(largestAccountsFirst(accounts, counts).map((a) => a.id)).toEqual([
      '222222222222',
      '111111111111',
      '333333333333',
    ]);
  });

  it('puts accounts never scanned before every known one, in their original order', () => {
    const known = { id: '111111111111' };
    const newA = { id: '333333333333' };
    const newB = { id: '444444444444' };

    expect(largestAccountsFirst([known, newA, newB], new Map([count('111111111111', 'us-east-1', 2500)]))).toEqual([
      newA,
      newB,
      known,
    ]);
  });

  it('leaves the order alone when nothing is known', () => {
    const accounts = [{ id: '1' }, { id: '2' }, { id: '3' }];

    expect(largestAccountsFirst(accounts, new Map())).toEqual(accounts);
  });
});
