import type { AssessedCertificate, TargetResult } from '../../../../lambdas/core/model';

export const DAY_MS = 86_400_000;
export const START = new Date('2026-03-01T06:00:00.000Z');

export function day(n: number): Date {
  return new Date(START.getTime() + n * DAY_MS);
}

export function certificate(overrides: Partial<AssessedCertificate> = {}): AssessedCertificate {
  const accountId = overrides.accountId ?? '111111111111';
  const region = overrides.region ?? 'eu-west-1';
  return {
    accountId,
    region,
    arn: `arn:aws:acm:${region}:${accountId}:certificate/0001`,
    domainName: 'shop.example.com',
    subjectAlternativeNames: ['shop.example.com'],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    inUse: true,
    inUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/shop/1'],
    tags: {},
    findings: [],
    ...overrides,
  };
}

/** A certificate expiring `expiresOnDay` days after START, as seen on `today` (daysToExpiry rounded down). */
export function expiringOn(expiresOnDay: number, today: number, overrides: Partial<AssessedCertificate> = {}) {
  const notAfter = day(expiresOnDay).toISOString();
  return certificate({ notAfter, daysToExpiry: Math.floor(expiresOnDay - today), ...overrides });
}

export function target(overrides: Partial<TargetResult> = {}): TargetResult {
  return {
    accountId: '111111111111',
    region: 'eu-west-1',
    status: 'ok',
    certificateCount: 1,
    apiCalls: {},
    durationMs: 10,
    startedAt: START.toISOString(),
    ...overrides,
  };
}
