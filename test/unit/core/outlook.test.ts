import { describe, expect, it } from 'vitest';
import {
  accountRegions,
  buildTimeline,
  isHotSpot,
  OUTLOOK_WEEKS,
  type OutlookCertificate,
  outlookWeek,
} from '../../../lambdas/core/outlook';

function cert(overrides: Partial<OutlookCertificate> = {}): OutlookCertificate {
  return {
    accountId: '111111111111',
    region: 'eu-west-1',
    type: 'AMAZON_ISSUED',
    inUse: true,
    findings: [],
    ...overrides,
  };
}

describe('outlookWeek', () => {
  it('puts days 0 to 6 in week 0 and day 90 in the last week, and nothing else on the timeline', () => {
    expect(outlookWeek(0)).toBe(0);
    expect(outlookWeek(6)).toBe(0);
    expect(outlookWeek(7)).toBe(1);
    expect(outlookWeek(90)).toBe(OUTLOOK_WEEKS - 1);
    expect(OUTLOOK_WEEKS).toBe(13);
    expect(outlookWeek(91)).toBeUndefined();
    expect(outlookWeek(-1)).toBeUndefined();
    expect(outlookWeek(undefined)).toBeUndefined();
  });
});

describe('buildTimeline', () => {
  it('counts each certificate once, in its week and its stack, and counts problems and the expired apart', () => {
    const timeline = buildTimeline([
      cert({ daysToExpiry: 2, type: 'IMPORTED' }),
      cert({ daysToExpiry: 3, findings: ['RENEWAL_FAILED', 'EXPIRING'] }),
      cert({ daysToExpiry: 9, inUse: false, findings: ['NOT_IN_USE'] }),
      cert({ daysToExpiry: 10, inUse: false, type: 'IMPORTED', findings: ['IMPORTED', 'NOT_IN_USE'] }),
      cert({ daysToExpiry: -4, findings: ['EXPIRED'] }),
      cert({ daysToExpiry: 200 }),
      cert({}),
    ]);

    expect(timeline.total).toBe(4);
    expect(timeline.expired).toBe(1);
    expect(timeline.weeks[0]).toMatchObject({
      fromDay: 0,
      toDay: 6,
      total: 2,
      withProblem: 1,
      byKind: { 'in-use-imported': 1, 'in-use-acm': 1, 'unused-imported': 0, 'unused-acm': 0 },
    });
    expect(timeline.weeks[1]?.byKind).toEqual({
      'in-use-imported': 0,
      'in-use-acm': 0,
      'unused-imported': 1,
      'unused-acm': 1,
    });
    expect(timeline.weeks[1]?.withProblem).toBe(0);
    expect(timeline.weeks.at(-1)).toMatchObject({ fromDay: 84, toDay: 90, total: 0 });
  });
});

describe('accountRegions', () => {
  it('ranks places by their worst finding, then by how many certificates carry it', () => {
    const cells = accountRegions(
      [
        cert({ region: 'us-east-1', findings: ['NOT_IN_USE'], inUse: false }),
        cert({ accountId: '222222222222', findings: ['EXPIRING'] }),
        cert({ accountId: '222222222222', findings: ['EXPIRING'] }),
        cert({ findings: ['REVOKED', 'EXPIRING'] }),
        cert({ findings: [] }),
      ],
      [{ accountId: '333333333333', region: 'eu-west-1', status: 'error' }],
    );

    expect(cells.map((cell) => `${cell.accountId}#${cell.region}`)).toEqual([
      '111111111111#eu-west-1',
      '222222222222#eu-west-1',
      '111111111111#us-east-1',
      '333333333333#eu-west-1',
    ]);
    expect(cells[0]).toMatchObject({ certificates: 2, withFindings: 1, scanIncomplete: false });
    expect(cells[0]?.worst).toMatchObject({ code: 'REVOKED', severity: 'critical', certificates: 1 });
    expect(cells[1]?.worst).toMatchObject({ code: 'EXPIRING', certificates: 2 });
    expect(cells[3]).toMatchObject({ certificates: 0, scanIncomplete: true });
    expect(cells[3]?.worst).toBeUndefined();
    expect(cells.filter(isHotSpot)).toHaveLength(2);
  });

  it('names a renewal or validation problem over an expiry date of the same severity', () => {
    const [cell] = accountRegions([
      cert({ findings: ['EXPIRING'] }),
      cert({ findings: ['EXPIRING', 'RENEWAL_FAILED'] }),
    ]);
    expect(cell?.worst).toEqual({ severity: 'high', code: 'RENEWAL_FAILED', certificates: 2 });
  });
});
