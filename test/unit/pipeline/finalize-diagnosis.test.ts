/**
 * FinalizeRun diagnoses the certificates that need it and writes the diagnosis into the JSON report, through the real
 * use case (stores and bucket in memory); a resolver that breaks costs the run its diagnoses, never the run.
 */
import { describe, expect, it } from 'vitest';
import type { DnsResolver } from '../../../lambdas/core/diagnosis';
import type { Certificate } from '../../../lambdas/core/model';
import { parseReport } from '../../../lambdas/core/report';
import { type FinalizeRunDeps, finalizeRun } from '../../../lambdas/pipeline/finalize-run';
import { fakeResolver } from '../core/diagnosis/fake-resolver';
import { inMemoryFinalizeDeps, TARGET } from './finalize-fixture';

const ACM = '_v.acm-validations.aws';

function certificate(arn: string, overrides: Partial<Certificate> = {}): Certificate {
  return {
    ...TARGET,
    arn,
    domainName: `${arn}.example.com`,
    subjectAlternativeNames: [`${arn}.example.com`],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notAfter: '2027-01-01T00:00:00.000Z',
    renewalEligibility: 'ELIGIBLE',
    inUse: true,
    inUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:333333333333:loadbalancer/app/web/1'],
    tags: {},
    ...overrides,
  };
}

const failing = certificate('failing', {
  renewalStatus: 'FAILED',
  validationMethod: 'DNS',
  validationRecords: [
    { domainName: 'failing.example.com', name: '_f.failing.example.com.', type: 'CNAME', value: `${ACM}.` },
  ],
});
const healthy = certificate('healthy');

async function jsonReport(dns: DnsResolver | undefined, zones?: FinalizeRunDeps['zones']) {
  const objects = new Map<string, string>();
  await finalizeRun(
    inMemoryFinalizeDeps({
      certificates: [failing, healthy],
      objects,
      overrides: { ...(dns ? { dns } : {}), ...(zones ? { zones } : {}) },
    }),
    {
      runId: 'r1',
      startedAt: '2026-12-01T06:00:00.000Z',
      listing: { runId: 'r1', startedAt: '2026-12-01T06:00:00.000Z', bucket: 'work', key: 'w.json', accountCount: 1 },
      expiryDays: 30,
      ownerTagKey: 'owner',
    },
  );
  const json = [...objects.entries()].find(([key]) => key.endsWith('.json'))?.[1];
  return parseReport(json ?? '');
}

describe('FinalizeRun’s DNS diagnosis', () => {
  it('diagnoses the failed renewal, and only it, into certificates[].diagnosis', async () => {
    const report = await jsonReport(fakeResolver({ a: { 'failing.example.com': ['192.0.2.1'] } }));
    const byArn = new Map(report.certificates.map((cert) => [cert.arn, cert]));
    expect(byArn.get('failing')?.diagnosis).toEqual([
      expect.objectContaining({ code: 'VALIDATION_CNAME_MISSING', record: expect.objectContaining({ value: ACM }) }),
    ]);
    expect(byArn.get('healthy')).not.toHaveProperty('diagnosis');
  });

  it('names the zone the scans stored for the record, and still diagnoses when the zones cannot be read', async () => {
    const resolver = fakeResolver({ a: { 'failing.example.com': ['192.0.2.1'] } });
    const stored = {
      loadAllZones: async () => [
        {
          accountId: '111122223333',
          accountName: 'prod-dns',
          zones: [{ id: 'Z123', name: 'example.com' }],
          listedAt: '2026-12-01T06:00:20.000Z',
        },
      ],
    };
    const unreadable = {
      loadAllZones: async () => {
        throw new Error('table throttled');
      },
    };

    const located = (await jsonReport(resolver, stored)).certificates.find((cert) => cert.arn === 'failing');
    const unlocated = (await jsonReport(resolver, unreadable)).certificates.find((cert) => cert.arn === 'failing');

    expect(located?.diagnosis?.[0]?.zone).toEqual({
      accountId: '111122223333',
      hostedZoneId: 'Z123',
      name: 'example.com',
    });
    expect(located?.diagnosis?.[0]?.fix).toContain('to zone example.com (Z123) in account prod-dns (111122223333)');
    expect(unlocated?.diagnosis?.[0]?.code).toBe('VALIDATION_CNAME_MISSING');
    expect(unlocated?.diagnosis?.[0]?.zone).toBeUndefined();
  });

  it('completes the run without diagnoses when the resolver breaks, or when none is configured', async () => {
    const broken: DnsResolver = {
      cname: async () => {
        throw new Error('resolver crashed');
      },
      caa: async () => ({ kind: 'nodata' }),
      addresses: async () => ({ kind: 'nodata' }),
    };
    for (const dns of [broken, undefined]) {
      const report = await jsonReport(dns);
      expect(report.certificates.every((cert) => cert.diagnosis === undefined)).toBe(true);
    }
  });
});
