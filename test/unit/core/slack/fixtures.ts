/** Builders of digest and alert inputs for the Slack rendering tests. */
import type { AssessedCertificate, Change, TargetResult } from '../../../../lambdas/core/model';
import type { AlertNotice, DigestInput, Incident } from '../../../../lambdas/core/notices';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'];

export function certificateId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function cert(n: number, overrides: Partial<AssessedCertificate> = {}): AssessedCertificate {
  const accountId = String(100000000000 + (n % 50));
  const region = REGIONS[n % REGIONS.length] ?? 'us-east-1';
  return {
    accountId,
    accountName: `account-${n % 50}`,
    region,
    arn: `arn:aws:acm:${region}:${accountId}:certificate/${certificateId(n)}`,
    domainName: `svc${n}.example.com`,
    subjectAlternativeNames: [`svc${n}.example.com`],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notAfter: '2026-03-01T00:00:00.000Z',
    inUse: true,
    inUseBy: [`arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/lb${n}/abc`],
    tags: { team: `team-${n % 7}` },
    daysToExpiry: 60,
    findings: [],
    ...overrides,
  };
}

export function target(n: number, overrides: Partial<TargetResult> = {}): TargetResult {
  return {
    accountId: String(100000000000 + (n % 50)),
    accountName: `account-${n % 50}`,
    region: REGIONS[n % REGIONS.length] ?? 'us-east-1',
    status: 'ok',
    certificateCount: 10,
    apiCalls: {},
    durationMs: 100,
    startedAt: '2026-01-05T06:00:00.000Z',
    ...overrides,
  };
}

export function change(n: number, type: Change['type']): Change {
  const c = cert(n);
  return {
    type,
    accountId: c.accountId,
    region: c.region,
    arn: c.arn,
    domainName: c.domainName,
    summary: `${type.toLowerCase()} svc${n}`,
  };
}

/** 2,000+ findings of every kind, 200 targets with 40 failed, 600 changes. */
export function bigDigest(hostile = false): DigestInput {
  const certificates: AssessedCertificate[] = [];
  const mix: Array<Partial<AssessedCertificate>> = [
    { findings: ['RENEWAL_FAILED'], renewalStatus: 'FAILED', renewalStatusReason: 'CAA_ERROR', daysToExpiry: 20 },
    { findings: ['PENDING_VALIDATION'], renewalStatus: 'PENDING_VALIDATION', daysToExpiry: 25 },
    { findings: ['EXPIRING'], daysToExpiry: 5 },
    { findings: ['EXPIRED'], status: 'EXPIRED', daysToExpiry: -3 },
    { findings: ['IMPORTED'], type: 'IMPORTED', daysToExpiry: 70 },
    { findings: ['NOT_IN_USE'], inUse: false, inUseBy: [], daysToExpiry: 100 },
    { findings: ['INELIGIBLE_FOR_RENEWAL', 'NOT_IN_USE'], inUse: false, inUseBy: [], renewalEligibility: 'INELIGIBLE' },
  ];
  for (let n = 0; n < 2_100; n++) {
    const base = mix[n % mix.length] ?? {};
    const evil = hostile
      ? {
          domainName: `<!channel> ${'&'.repeat(300)}.${'x'.repeat(400)}.example.com`,
          accountName: `<@U123> ${'&<>'.repeat(200)}`,
          tags: { team: `<!here> ${'*'.repeat(50)}${'&'.repeat(500)}` },
          renewalStatusReason: `<!channel>${'>'.repeat(600)}`,
        }
      : {};
    certificates.push(cert(n, { ...base, ...evil }));
  }
  const targets = Array.from({ length: 200 }, (_, n) =>
    target(
      n,
      n % 5 === 0
        ? {
            status: 'error',
            errorCode: 'AccessDenied',
            errorMessage: hostile ? `<!channel> ${'&'.repeat(900)}` : 'not authorized to perform sts:AssumeRole',
          }
        : {},
    ),
  );
  const changes = Array.from({ length: 600 }, (_, n) =>
    change(n, (['NEW', 'REMOVED', 'RENEWED', 'TAGS_CHANGED'] as const)[n % 4] ?? 'NEW'),
  );
  return {
    runId: 'run-2026-01-05',
    generatedAt: '2026-01-05T06:30:00.000Z',
    expiryDays: 30,
    targets,
    certificates,
    changes,
    reportLocation: 'https://s3.console.aws.amazon.com/s3/object/cert-monitor-work?prefix=reports/run-2026-01-05.html',
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  const c = cert(1);
  return {
    key: 'RENEWAL_FAILED#arn',
    kind: 'RENEWAL_FAILED',
    accountId: c.accountId,
    accountName: 'Prod',
    region: c.region,
    arn: c.arn,
    domainName: 'api.example.com',
    type: 'AMAZON_ISSUED',
    notAfter: '2026-01-20T00:00:00.000Z',
    daysToExpiry: 15,
    reason: 'CAA_ERROR',
    inUseBy: c.inUseBy,
    owner: 'payments',
    ...overrides,
  };
}

export function notice(incidentOverrides: Partial<Incident> = {}, overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 'notice-1',
    stage: 'opened',
    incident: incident(incidentOverrides),
    openedAt: '2026-01-05T06:30:00.000Z',
    ...overrides,
  };
}
