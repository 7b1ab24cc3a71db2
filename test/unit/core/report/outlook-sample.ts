/**
 * A report whose certificates spread over the next 120 days, three accounts and two regions, of every kind: enough
 * for every bar, stack and grid cell to hold something. Deterministic, so counts can be asserted; shared by the
 * page tests, the browser check (test/browser) and the filtering benchmark (bench p8).
 */
import type { Certificate } from '../../../../lambdas/core/model';
import { buildReport, type Report } from '../../../../lambdas/core/report';
import { arnOf, certificate, daysFrom, NOW } from '../certificate-fixture';
import { target } from './sample';

const ACCOUNTS = [
  { accountId: '111111111111', accountName: 'prod' },
  { accountId: '222222222222', accountName: 'staging' },
  { accountId: '333333333333', accountName: 'shared-services' },
];
const REGIONS = ['eu-west-1', 'us-east-1'];

export function spreadCertificates(count: number): Certificate[] {
  return Array.from({ length: count }, (_, i) => {
    const { accountId, accountName } = ACCOUNTS[i % ACCOUNTS.length] ?? { accountId: '111111111111' };
    const region = REGIONS[i % REGIONS.length] ?? 'eu-west-1';
    const inUse = i % 4 !== 0;
    return certificate({
      arn: arnOf(i, accountId, region),
      accountId,
      accountName,
      region,
      domainName: `c${i}.example.com`,
      subjectAlternativeNames: [`c${i}.example.com`],
      type: i % 5 === 0 ? 'IMPORTED' : 'AMAZON_ISSUED',
      notAfter: daysFrom(NOW, ((i * 37) % 125) - 5 + 0.5),
      inUse,
      inUseBy: inUse ? ['arn:aws:cloudfront::111111111111:distribution/EXAMPLE'] : [],
      tags: { team: `team-${i % 7}` },
      ...(i % 11 === 0 ? { renewalStatus: 'FAILED' as const, renewalStatusReason: 'CAA_ERROR' } : {}),
    });
  });
}

export function spreadReport(count = 60): Report {
  const certificates = spreadCertificates(count);
  const targets = ACCOUNTS.flatMap((account) =>
    REGIONS.map((region) => target({ ...account, region, certificateCount: 0 })),
  );
  return buildReport({ runId: 'run-outlook', generatedAt: NOW, targets, certificates });
}

export { NOW };
