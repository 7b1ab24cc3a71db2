/** Test data for the state store: certificates, scans and runs with sensible defaults. */
import type { Certificate, Change, TargetResult, TargetStatus } from '../../../../lambdas/core/model';
import type { RunRecord, TargetScan } from '../../../../lambdas/core/ports';

export const ACCOUNT = '111122223333';
export const REGION = 'eu-west-1';

export function arnOf(index: number, accountId = ACCOUNT, region = REGION): string {
  return `arn:aws:acm:${region}:${accountId}:certificate/${index.toString().padStart(8, '0')}-0000-4000-8000-000000000000`;
}

export function certificate(index: number, overrides: Partial<Certificate> = {}): Certificate {
  const accountId = overrides.accountId ?? ACCOUNT;
  const region = overrides.region ?? REGION;
  return {
    accountId,
    accountName: 'payments-prod',
    region,
    arn: arnOf(index, accountId, region),
    domainName: `svc${index}.example.com`,
    subjectAlternativeNames: [`svc${index}.example.com`, `www.svc${index}.example.com`],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    keyPairOrigin: 'AWS_MANAGED',
    managedBy: undefined,
    exported: false,
    issuer: 'Amazon',
    notBefore: '2026-06-01T00:00:00.000Z',
    notAfter: '2027-06-01T00:00:00.000Z',
    renewalEligibility: 'ELIGIBLE',
    renewalStatus: 'SUCCESS',
    inUse: true,
    inUseBy: [`arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/lb${index}/0123456789abcdef`],
    tags: { owner: 'team-payments', env: 'prod' },
    describedAt: '2026-11-20T06:00:00.000Z',
    ...overrides,
  };
}

export function certificates(count: number, from = 0): Certificate[] {
  return Array.from({ length: count }, (_, i) => certificate(from + i));
}

export function newChanges(certs: readonly Certificate[]): Change[] {
  return certs.map((cert) => ({
    type: 'NEW',
    accountId: cert.accountId,
    region: cert.region,
    arn: cert.arn,
    domainName: cert.domainName,
    summary: `new certificate ${cert.domainName}`,
  }));
}

export function result(
  status: TargetStatus,
  certificateCount: number,
  overrides: Partial<TargetResult> = {},
): TargetResult {
  return {
    accountId: ACCOUNT,
    accountName: 'payments-prod',
    region: REGION,
    status,
    certificateCount,
    apiCalls: { 'ACM.ListCertificates': 1, 'ACM.DescribeCertificate': certificateCount },
    durationMs: 1234,
    startedAt: '2026-11-27T06:00:00.000Z',
    ...(status === 'ok' ? {} : { errorCode: 'ThrottlingException', errorMessage: 'Rate exceeded' }),
    ...overrides,
  };
}

export function scan(
  runId: string,
  scannedAt: string,
  status: TargetStatus,
  certs: Certificate[],
  changes: Change[] = [],
  overrides: Partial<TargetResult> = {},
): TargetScan {
  return {
    runId,
    scannedAt,
    result: result(status, certs.length, { startedAt: scannedAt, ...overrides }),
    certificates: certs,
    changes,
  };
}

export function completedRun(
  runId: string,
  startedAt: string,
  completedAt: string,
  overrides: Partial<RunRecord> = {},
): RunRecord {
  return {
    runId,
    startedAt,
    completedAt,
    status: 'completed',
    targets: 10,
    targetsFailed: 1,
    certificates: 42,
    accounts: 5,
    regions: 2,
    changes: 3,
    failures: [
      {
        accountId: '444455556666',
        region: 'ap-south-2',
        errorCode: 'AccessDenied',
        errorMessage: 'role not assumable',
      },
    ],
    ...overrides,
  };
}
