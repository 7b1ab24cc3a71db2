/** Certificates for tests: a healthy, issued, in-use Amazon certificate unless a test says otherwise. */
import type { Certificate } from '../../../lambdas/core/model';

export const NOW = new Date('2026-06-15T12:00:00.000Z');
export const DAY_MS = 86_400_000;

/** ISO-8601 instant `days` days (fractions allowed) after `from`. */
export function daysFrom(from: Date, days: number): string {
  return new Date(from.getTime() + days * DAY_MS).toISOString();
}

export function certificate(overrides: Partial<Certificate> = {}): Certificate {
  const id = overrides.arn ?? 'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000001';
  return {
    accountId: '111111111111',
    region: 'eu-west-1',
    arn: id,
    domainName: overrides.domainName ?? 'www.example.com',
    subjectAlternativeNames: [overrides.domainName ?? 'www.example.com'],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notBefore: daysFrom(NOW, -100),
    notAfter: daysFrom(NOW, 98),
    renewalEligibility: 'ELIGIBLE',
    issuer: 'Amazon',
    inUse: true,
    inUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1'],
    tags: { owner: 'team-web' },
    describedAt: daysFrom(NOW, -1),
    ...overrides,
  };
}

export function arnOf(index: number, accountId = '111111111111', region = 'eu-west-1'): string {
  return `arn:aws:acm:${region}:${accountId}:certificate/${String(index).padStart(8, '0')}-0000-4000-8000-000000000000`;
}
