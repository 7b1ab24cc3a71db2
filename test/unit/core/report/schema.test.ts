import { describe, expect, it } from 'vitest';
import { buildReport, parseReport, ReportFormatError, ReportSchema } from '../../../../lambdas/core/report';
import { arnOf, certificate, NOW } from '../certificate-fixture';
import { sampleCertificates, sampleReport, sampleTargets, target } from './sample';

describe('buildReport', () => {
  it('lists each certificate once, most urgent first, with findings and days to expiry', () => {
    const report = sampleReport();
    expect(report.certificates.map((c) => [c.domainName, c.findings, c.daysToExpiry])).toEqual([
      ['api.example.com', ['EXPIRING', 'RENEWAL_FAILED'], 5],
      ['legacy.example.com', ['EXPIRED', 'IMPORTED', 'NOT_IN_USE'], -3],
      ['www.example.com', [], 98],
      ['cdn.example.org', [], 300],
    ]);
  });

  it('summarises certificates, accounts, regions, failed targets and findings', () => {
    const { summary } = sampleReport();
    expect(summary).toEqual({
      certificates: 4,
      accounts: 2,
      regions: 3,
      targetsFailed: 1,
      byFinding: {
        EXPIRED: 1,
        EXPIRING: 1,
        RENEWAL_FAILED: 1,
        PENDING_VALIDATION: 0,
        ISSUANCE_FAILED: 0,
        REVOKED: 0,
        INELIGIBLE_FOR_RENEWAL: 0,
        IMPORTED: 1,
        NOT_IN_USE: 1,
      },
    });
  });

  it('keeps one entry per ARN, the last one given', () => {
    const first = certificate({ arn: arnOf(9), domainName: 'old.example.com' });
    const second = certificate({ arn: arnOf(9), domainName: 'new.example.com' });
    const report = sampleReport([first, second], [target()]);
    expect(report.certificates.map((c) => c.domainName)).toEqual(['new.example.com']);
  });

  it('writes only the fields of the contract, with ISO-8601 dates', () => {
    const report = sampleReport([certificate({ notAfter: '2026-12-01T00:00:00Z', describedAt: 'x' })], []);
    const [cert] = report.certificates;
    expect(cert?.notAfter).toBe('2026-12-01T00:00:00.000Z');
    expect(cert).not.toHaveProperty('describedAt');
    expect(report.generatedAt).toBe(NOW.toISOString());
    expect(report.targets).toEqual([]);
  });

  it('sorts targets by account and region and drops per-call detail', () => {
    const report = sampleReport();
    expect(report.targets.map((t) => `${t.accountId}/${t.region}`)).toEqual([
      '111111111111/eu-west-1',
      '222222222222/ap-southeast-2',
      '222222222222/us-east-1',
    ]);
    expect(report.targets[0]).not.toHaveProperty('apiCalls');
  });
});

describe('parseReport', () => {
  it('reads back exactly what buildReport wrote, through JSON', () => {
    const report = sampleReport();
    const text = JSON.stringify(report, null, 2);
    expect(parseReport(text)).toEqual(report);
    expect(parseReport(JSON.parse(text))).toEqual(report);
    expect(ReportSchema.parse(report)).toEqual(report);
  });

  it("reads an earlier report holding ACM's hyphenated key algorithm in the one spelling reports use", () => {
    const report = JSON.parse(JSON.stringify(sampleReport()));
    report.certificates[0].keyAlgorithm = 'EC-prime256v1';

    expect(parseReport(report).certificates[0]?.keyAlgorithm).toBe('EC_prime256v1');
  });

  it('names the bad path and asks whether the file is a report', () => {
    const report = JSON.parse(JSON.stringify(sampleReport()));
    report.certificates[2].notAfter = 'next tuesday';
    expect(() => parseReport(report)).toThrow(ReportFormatError);
    expect(() => parseReport(report)).toThrow(/certificates\[2\]\.notAfter/);
    expect(() => parseReport(report)).toThrow('Is this a report written by `npm run audit -- --format json`?');
  });

  it('rejects JSON that is not a report at all', () => {
    expect(() => parseReport('{"hello": "world"}')).toThrow(/schemaVersion/);
    expect(() => parseReport('not json')).toThrow(/Not valid JSON.*npm run audit/);
    expect(() => parseReport([])).toThrow(ReportFormatError);
  });

  it('rejects a report of another schema version with a clear message', () => {
    expect(() => parseReport({ ...sampleReport(), schemaVersion: 2 })).toThrow(/schemaVersion 2/);
  });

  it('rejects a report that lists a certificate twice', () => {
    const report = sampleReport();
    const doubled = { ...report, certificates: [...report.certificates, report.certificates[0]] };
    try {
      parseReport(doubled);
      expect.unreachable('parseReport accepted a duplicate certificate');
    } catch (error) {
      expect(error).toBeInstanceOf(ReportFormatError);
      expect((error as ReportFormatError).paths).toEqual(['certificates[4].arn']);
    }
  });

  it('rejects unknown finding codes and statuses', () => {
    const report = JSON.parse(JSON.stringify(sampleReport()));
    report.certificates[0].findings.push('ON_FIRE');
    report.targets[0].status = 'fine';
    expect(() => parseReport(report)).toThrow(/targets\[0\]\.status: Invalid option/);
    expect(() => parseReport(report)).toThrow(/certificates\[0\]\.findings\[2\]: Invalid option/);
  });

  it('accepts a report without optional fields', () => {
    const minimal = buildReport({
      runId: 'r',
      generatedAt: NOW,
      targets: sampleTargets().slice(0, 1),
      certificates: sampleCertificates().map((c) => ({
        ...c,
        accountName: undefined,
        issuer: undefined,
        notBefore: undefined,
        notAfter: undefined,
        renewalEligibility: undefined,
      })),
    });
    expect(parseReport(JSON.stringify(minimal))).toEqual(minimal);
  });
});
