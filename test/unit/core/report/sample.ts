/** A small organization's report: two accounts, three targets (one failed), certificates in every state. */
import type { Certificate, TargetResult } from '../../../../lambdas/core/model';
import { buildReport } from '../../../../lambdas/core/report';
import { arnOf, certificate, daysFrom, NOW } from '../certificate-fixture';

export function target(overrides: Partial<TargetResult> = {}): TargetResult {
  return {
    accountId: '111111111111',
    accountName: 'prod',
    region: 'eu-west-1',
    status: 'ok',
    certificateCount: 0,
    apiCalls: { 'ACM.ListCertificates': 1 },
    durationMs: 1200,
    startedAt: NOW.toISOString(),
    ...overrides,
  };
}

export function sampleCertificates(): Certificate[] {
  return [
    certificate({ arn: arnOf(1), domainName: 'www.example.com', accountName: 'prod' }),
    certificate({
      arn: arnOf(2),
      domainName: 'api.example.com',
      accountName: 'prod',
      notAfter: daysFrom(NOW, 5),
      renewalStatus: 'FAILED',
      renewalStatusReason: 'CAA_ERROR',
    }),
    certificate({
      arn: arnOf(3),
      domainName: 'legacy.example.com',
      accountName: 'prod',
      type: 'IMPORTED',
      status: 'EXPIRED',
      notAfter: daysFrom(NOW, -3),
      inUse: false,
      inUseBy: [],
      tags: {},
    }),
    certificate({
      arn: arnOf(4, '222222222222', 'us-east-1'),
      accountId: '222222222222',
      region: 'us-east-1',
      domainName: 'cdn.example.org',
      type: 'PRIVATE',
      notAfter: daysFrom(NOW, 300),
      tags: { owner: 'team-cdn', cost: '42' },
    }),
  ];
}

export function sampleTargets(): TargetResult[] {
  return [
    target({ certificateCount: 3 }),
    target({ accountId: '222222222222', accountName: undefined, region: 'us-east-1', certificateCount: 1 }),
    target({
      accountId: '222222222222',
      accountName: undefined,
      region: 'ap-southeast-2',
      status: 'error',
      errorCode: 'AccessDenied',
      errorMessage: 'not authorized to perform sts:AssumeRole',
    }),
  ];
}

export function sampleReport(certificates = sampleCertificates(), targets = sampleTargets()) {
  return buildReport({ runId: 'run-2026-06-15', generatedAt: NOW, targets, certificates, expiryDays: 30 });
}
