import { describe, expect, it } from 'vitest';
import { KEY_ALGORITHMS, RENEWAL_STATUSES } from '../../../lambdas/core/model';
import {
  DEFAULT_REGIONS,
  generateAccount,
  generateScenario,
  OPT_IN_REGIONS,
  parseCertificateArn,
  parseScenario,
  type Scenario,
  type ScenarioCertificate,
} from '../../../local/sim';

const DAY = 86_400_000;

function certificates(scenario: Scenario): ScenarioCertificate[] {
  return scenario.accounts.flatMap((account) => account.certificates);
}

describe('generateScenario', () => {
  const scenario = generateScenario({ seed: 42, accounts: 40 });
  const all = certificates(scenario);
  const startMs = Date.parse(scenario.start as string);

  it('gives the same scenario for the same seed and a different one for another seed', () => {
    expect(generateScenario({ seed: 42, accounts: 40 })).toEqual(scenario);
    expect(generateScenario({ seed: 43, accounts: 40 }).managementAccountId).not.toBe(scenario.managementAccountId);
  });

  it('produces data the schema accepts unchanged, through JSON', () => {
    const reparsed = parseScenario(JSON.parse(JSON.stringify(scenario)));
    expect(certificates(reparsed)).toHaveLength(all.length);
    expect(reparsed.accounts.map((a) => a.id)).toEqual(scenario.accounts.map((a) => a.id));
  });

  it('has 15–40% imported certificates and some private ones', () => {
    const imported = all.filter((c) => c.type === 'IMPORTED').length / all.length;
    expect(imported).toBeGreaterThanOrEqual(0.15);
    expect(imported).toBeLessThanOrEqual(0.4);
    expect(all.some((c) => c.type === 'PRIVATE')).toBe(true);
  });

  it('has every key type, ACME origin and every renewal status', () => {
    expect(new Set(all.map((c) => c.keyAlgorithm))).toEqual(new Set(KEY_ALGORITHMS));
    expect(all.some((c) => c.keyPairOrigin === 'ACME')).toBe(true);
    expect(new Set(all.map((c) => c.renewal?.status).filter(Boolean))).toEqual(new Set(RENEWAL_STATUSES));
    expect(all.every((c) => c.renewal === undefined || c.type === 'AMAZON_ISSUED')).toBe(true);
  });

  it('has expired, revoked, failed, pending-validation, unused and never-tagged certificates', () => {
    expect(all.some((c) => c.status === 'ISSUED' && Date.parse(c.notAfter as string) < startMs)).toBe(true);
    for (const status of ['REVOKED', 'FAILED', 'PENDING_VALIDATION', 'VALIDATION_TIMED_OUT']) {
      expect(all.some((c) => c.status === status)).toBe(true);
    }
    expect(all.some((c) => c.inUseBy.length === 0)).toBe(true);
    expect(all.some((c) => c.tags === undefined)).toBe(true);
    expect(all.filter((c) => c.tags?.owner).length / all.length).toBeGreaterThan(0.6);
  });

  it('uses CloudFront only from us-east-1, and does use it', () => {
    const cloudfront = all.filter((c) => c.inUseBy.some((r) => r.startsWith('arn:aws:cloudfront:')));
    expect(cloudfront.length).toBeGreaterThan(0);
    expect(cloudfront.every((c) => parseCertificateArn(c.arn).region === 'us-east-1')).toBe(true);
  });

  it('gives public ACM certificates about 198 days of validity, with expiries spread out', () => {
    const publicIssued = all.filter((c) => c.type === 'AMAZON_ISSUED' && c.notBefore && c.notAfter);
    for (const c of publicIssued) {
      expect(Date.parse(c.notAfter as string) - Date.parse(c.notBefore as string)).toBe(198 * DAY);
    }
    const months = new Set(publicIssued.map((c) => (c.notAfter as string).slice(0, 7)));
    expect(months.size).toBeGreaterThanOrEqual(5);
  });

  it('enables the 17 default regions everywhere and opt-in regions only in some accounts', () => {
    for (const account of scenario.accounts) {
      const names = account.enabledRegions.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining([...DEFAULT_REGIONS]));
      expect([...names, ...account.disabledRegions].sort()).toEqual([...DEFAULT_REGIONS, ...OPT_IN_REGIONS].sort());
    }
    expect(scenario.accounts.some((a) => a.disabledRegions.length > 0)).toBe(true);
    expect(scenario.accounts.some((a) => a.enabledRegions.some((r) => r.optStatus === 'ENABLED'))).toBe(true);
  });

  it('lists the management account first, with an audit role', () => {
    expect(scenario.accounts[0]?.id).toBe(scenario.managementAccountId);
    expect(scenario.accounts[0]?.roles[0]?.name).toBe('CertAuditReadOnly');
  });

  it('honours largestTarget, legacy-status accounts, the ExternalId and the certificate ranges', () => {
    // Act
    const custom = generateScenario({
      seed: 7,
      accounts: 6,
      largestTarget: 600,
      legacyStatusAccounts: 2,
      externalId: 'xyz-1',
      certificatesPerTarget: { min: 2, max: 2 },
      activeRegionsPerAccount: { min: 2, max: 2 },
      regions: ['us-east-1', 'eu-west-1', 'af-south-1'],
      inactiveAccounts: false,
    });

    // Assess
    const perTarget = new Map<string, number>();
    for (const c of certificates(custom)) {
      const { accountId, region } = parseCertificateArn(c.arn);
      perTarget.set(`${accountId}/${region}`, (perTarget.get(`${accountId}/${region}`) ?? 0) + 1);
    }
    expect([...perTarget.values()].sort((a, b) => b - a)).toEqual([600, ...Array(11).fill(2)]);
    expect(custom.accounts.filter((a) => a.status && !a.state)).toHaveLength(2);
    expect(custom.accounts.every((a) => a.roles.every((r) => r.externalId === 'xyz-1'))).toBe(true);
  });

  it('makes an account for addAccount with its own id in every ARN', () => {
    const account = generateAccount({
      seed: 3,
      id: '123412341234',
      name: 'newcomer',
      start: '2026-12-01T00:00:00.000Z',
      managementAccountId: scenario.managementAccountId,
    });
    expect(account.certificates?.length).toBeGreaterThan(0);
    expect(account.certificates?.every((c) => c.arn.includes(':123412341234:certificate/'))).toBe(true);
  });
});
