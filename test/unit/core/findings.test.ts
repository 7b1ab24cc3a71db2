import { describe, expect, it } from 'vitest';
import {
  assess,
  compareUrgency,
  daysToExpiry,
  FINDING_RULES,
  findingFix,
  findingRule,
  findingSeverity,
  worstSeverity,
} from '../../../lambdas/core/findings';
import { type AssessedCertificate, FINDING_CODES } from '../../../lambdas/core/model';
import { arnOf, certificate, daysFrom, NOW } from './certificate-fixture';

const ctx = { now: NOW, expiryDays: 30 };

describe('daysToExpiry', () => {
  it('counts whole days, rounding down', () => {
    expect(daysToExpiry({ notAfter: daysFrom(NOW, 10.9) }, NOW)).toBe(10);
    expect(daysToExpiry({ notAfter: daysFrom(NOW, 10) }, NOW)).toBe(10);
    expect(daysToExpiry({ notAfter: daysFrom(NOW, 0.5) }, NOW)).toBe(0);
  });

  it('is negative once expired', () => {
    expect(daysToExpiry({ notAfter: daysFrom(NOW, -0.1) }, NOW)).toBe(-1);
    expect(daysToExpiry({ notAfter: daysFrom(NOW, -3) }, NOW)).toBe(-3);
  });

  it('is undefined without a notAfter or with one that is not a date', () => {
    expect(daysToExpiry({}, NOW)).toBeUndefined();
    expect(daysToExpiry({ notAfter: 'soon' }, NOW)).toBeUndefined();
  });
});

describe('FINDING_RULES', () => {
  it('has exactly one rule per finding code, with a meaning and a fix', () => {
    expect(FINDING_RULES.map((rule) => rule.code).sort()).toEqual([...FINDING_CODES].sort());
    for (const rule of FINDING_RULES) {
      expect(rule.meaning.length).toBeGreaterThan(10);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(findingRule(rule.code)).toBe(rule);
    }
  });

  it('rates an expired certificate critical in use and lower when unused', () => {
    expect(findingSeverity('EXPIRED', { inUse: true })).toBe('critical');
    expect(findingSeverity('EXPIRED', { inUse: false })).toBe('medium');
    expect(findingSeverity('RENEWAL_FAILED', { inUse: true })).toBe('high');
    expect(findingSeverity('IMPORTED', { inUse: true })).toBe('info');
  });
});

describe('assess', () => {
  it('finds nothing on a healthy, in-use Amazon certificate', () => {
    const result = assess(certificate(), ctx);
    expect(result.findings).toEqual([]);
    expect(result.daysToExpiry).toBe(98);
  });

  it('reports EXPIRED when the status says so', () => {
    expect(assess(certificate({ status: 'EXPIRED', notAfter: daysFrom(NOW, -2) }), ctx).findings).toContain('EXPIRED');
  });

  it('reports EXPIRED when notAfter has passed but the status still says ISSUED', () => {
    const result = assess(certificate({ status: 'ISSUED', notAfter: daysFrom(NOW, -0.01) }), ctx);
    expect(result.findings).toContain('EXPIRED');
    expect(result.findings).not.toContain('EXPIRING');
    expect(result.daysToExpiry).toBe(-1);
  });

  it('treats the notAfter instant itself as still valid', () => {
    const result = assess(certificate({ notAfter: NOW.toISOString() }), ctx);
    expect(result.findings).toEqual(['EXPIRING']);
    expect(result.daysToExpiry).toBe(0);
  });

  it('reports EXPIRING exactly at the threshold and not one day above it', () => {
    expect(assess(certificate({ notAfter: daysFrom(NOW, 30) }), ctx).findings).toContain('EXPIRING');
    expect(assess(certificate({ notAfter: daysFrom(NOW, 30.99) }), ctx).findings).toContain('EXPIRING');
    expect(assess(certificate({ notAfter: daysFrom(NOW, 31) }), ctx).findings).not.toContain('EXPIRING');
  });

  it('uses the default 30-day threshold when none is given', () => {
    expect(assess(certificate({ notAfter: daysFrom(NOW, 30) }), { now: NOW }).findings).toContain('EXPIRING');
    expect(assess(certificate({ notAfter: daysFrom(NOW, 45) }), { now: NOW, expiryDays: 45 }).findings).toContain(
      'EXPIRING',
    );
  });

  it('reports no expiry finding and no daysToExpiry without notAfter', () => {
    const result = assess(certificate({ status: 'PENDING_VALIDATION', notAfter: undefined, inUse: false }), ctx);
    expect(result.findings).toEqual(['PENDING_VALIDATION', 'NOT_IN_USE']);
    expect('daysToExpiry' in result).toBe(false);
  });

  it('reports IMPORTED for imported certificates only', () => {
    expect(assess(certificate({ type: 'IMPORTED', renewalEligibility: 'INELIGIBLE' }), ctx).findings).toEqual([
      'IMPORTED',
    ]);
    expect(assess(certificate({ type: 'PRIVATE', renewalEligibility: 'ELIGIBLE' }), ctx).findings).toEqual([]);
  });

  it('reports RENEWAL_FAILED from the renewal status', () => {
    const result = assess(certificate({ notAfter: daysFrom(NOW, 20), renewalStatus: 'FAILED' }), ctx);
    expect(result.findings).toEqual(['EXPIRING', 'RENEWAL_FAILED']);
  });

  it('reports PENDING_VALIDATION for a new certificate and for a renewal waiting on DNS', () => {
    expect(assess(certificate({ status: 'PENDING_VALIDATION' }), ctx).findings).toEqual(['PENDING_VALIDATION']);
    expect(assess(certificate({ renewalStatus: 'PENDING_VALIDATION' }), ctx).findings).toEqual(['PENDING_VALIDATION']);
    expect(assess(certificate({ renewalStatus: 'PENDING_AUTO_RENEWAL' }), ctx).findings).toEqual([]);
  });

  it('reports ISSUANCE_FAILED for failed and timed-out requests', () => {
    const failed = { notAfter: undefined, notBefore: undefined, inUse: false, inUseBy: [] };
    expect(assess(certificate({ ...failed, status: 'FAILED' }), ctx).findings).toEqual([
      'ISSUANCE_FAILED',
      'NOT_IN_USE',
    ]);
    expect(assess(certificate({ ...failed, status: 'VALIDATION_TIMED_OUT' }), ctx).findings).toContain(
      'ISSUANCE_FAILED',
    );
  });

  it('reports REVOKED but not EXPIRING for a revoked certificate close to expiry', () => {
    const result = assess(certificate({ status: 'REVOKED', notAfter: daysFrom(NOW, 5) }), ctx);
    expect(result.findings).toEqual(['REVOKED']);
  });

  it('reports INELIGIBLE_FOR_RENEWAL only for issued, in-use certificates ACM renews (Amazon-issued and private)', () => {
    expect(assess(certificate({ renewalEligibility: 'INELIGIBLE' }), ctx).findings).toEqual(['INELIGIBLE_FOR_RENEWAL']);
    expect(assess(certificate({ type: 'PRIVATE', renewalEligibility: 'INELIGIBLE' }), ctx).findings).toEqual([
      'INELIGIBLE_FOR_RENEWAL',
    ]);
    expect(assess(certificate({ type: 'IMPORTED', renewalEligibility: 'INELIGIBLE' }), ctx).findings).toEqual([
      'IMPORTED',
    ]);
    const unused = { inUse: false, inUseBy: [], renewalEligibility: 'INELIGIBLE' as const };
    expect(assess(certificate(unused), ctx).findings).toEqual(['NOT_IN_USE']);
    expect(assess(certificate({ ...unused, type: 'PRIVATE' }), ctx).findings).toEqual(['NOT_IN_USE']);
    const expired = assess(
      certificate({ status: 'EXPIRED', notAfter: daysFrom(NOW, -1), renewalEligibility: 'INELIGIBLE' }),
      ctx,
    );
    expect(expired.findings).toEqual(['EXPIRED']);
  });

  it('reports NOT_IN_USE when nothing uses the certificate', () => {
    expect(assess(certificate({ inUse: false, inUseBy: [] }), ctx).findings).toEqual(['NOT_IN_USE']);
  });

  it('lists findings in the order of the finding codes and keeps the certificate fields', () => {
    const cert = certificate({ type: 'IMPORTED', status: 'EXPIRED', notAfter: daysFrom(NOW, -5), inUse: false });
    const result = assess(cert, ctx);
    expect(result.findings).toEqual(['EXPIRED', 'IMPORTED', 'NOT_IN_USE']);
    expect(result.arn).toBe(cert.arn);
    expect(result.tags).toEqual(cert.tags);
  });
});

describe('compareUrgency', () => {
  function assessed(index: number, overrides: Parameters<typeof certificate>[0]): AssessedCertificate {
    return assess(certificate({ arn: arnOf(index), ...overrides }), ctx);
  }

  it('puts the worst severity first, then in-use, then soonest expiry, then ARN', () => {
    const healthy = assessed(1, {});
    const expiredInUse = assessed(2, { status: 'EXPIRED', notAfter: daysFrom(NOW, -3) });
    const renewalFailed = assessed(3, { renewalStatus: 'FAILED', notAfter: daysFrom(NOW, 50) });
    const expiredUnused = assessed(4, { status: 'EXPIRED', notAfter: daysFrom(NOW, -3), inUse: false });
    const expiringSoon = assessed(5, { notAfter: daysFrom(NOW, 3) });
    const expiringLater = assessed(6, { notAfter: daysFrom(NOW, 20) });
    const imported = assessed(7, { type: 'IMPORTED' });
    const importedUnused = assessed(8, { type: 'IMPORTED', inUse: false });
    const importedSameExpiry = assessed(0, { type: 'IMPORTED' });

    const sorted = [
      healthy,
      imported,
      expiringLater,
      importedUnused,
      expiredUnused,
      renewalFailed,
      importedSameExpiry,
      expiringSoon,
      expiredInUse,
    ].sort(compareUrgency);

    expect(sorted.map((cert) => cert.arn)).toEqual(
      [
        expiredInUse,
        expiringSoon,
        expiringLater,
        renewalFailed,
        expiredUnused,
        importedSameExpiry,
        imported,
        importedUnused,
        healthy,
      ].map((cert) => cert.arn),
    );
  });

  it('puts certificates without notAfter after those with one', () => {
    const pending = assessed(1, { status: 'PENDING_VALIDATION', notAfter: undefined });
    const waiting = assessed(2, { renewalStatus: 'PENDING_VALIDATION', notAfter: daysFrom(NOW, 80) });
    expect([pending, waiting].sort(compareUrgency).map((c) => c.arn)).toEqual([waiting.arn, pending.arn]);
  });

  it('gives the same order whatever the input order', () => {
    const certs = Array.from({ length: 30 }, (_, i) =>
      assessed(i, { notAfter: daysFrom(NOW, (i * 7) % 40), inUse: i % 3 !== 0 }),
    );
    const forward = [...certs].sort(compareUrgency).map((c) => c.arn);
    const backward = [...certs]
      .reverse()
      .sort(compareUrgency)
      .map((c) => c.arn);
    expect(backward).toEqual(forward);
  });

  it('uses worstSeverity of all findings', () => {
    const cert = assessed(1, { type: 'IMPORTED', notAfter: daysFrom(NOW, 5) });
    expect(cert.findings).toEqual(['EXPIRING', 'IMPORTED']);
    expect(worstSeverity(cert)).toBe('high');
    expect(worstSeverity({ findings: [], inUse: true })).toBeUndefined();
  });
});

describe('findingFix', () => {
  it('gives each validation method its own fix, never DNS advice to email or HTTP validation', () => {
    const dns = findingFix('PENDING_VALIDATION', { validationMethod: 'DNS' });
    const email = findingFix('PENDING_VALIDATION', { validationMethod: 'EMAIL' });
    const http = findingFix('PENDING_VALIDATION', { validationMethod: 'HTTP' });

    expect(dns).toContain('CNAME');
    expect(email).toContain('validation email');
    expect(http).toContain('RedirectFrom');
    for (const fix of [email, http]) expect(fix).not.toMatch(/CNAME|DNS record/);
    expect(findingFix('RENEWAL_FAILED', { validationMethod: 'EMAIL' })).not.toMatch(/CNAME/);
    expect(findingFix('EXPIRING', { type: 'AMAZON_ISSUED', validationMethod: 'HTTP' })).not.toMatch(/CNAME/);
    expect(findingFix('NOT_IN_USE', { validationMethod: 'EMAIL' })).toBe(findingRule('NOT_IN_USE').fix);
  });
});
