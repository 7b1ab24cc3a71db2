import { describe, expect, it } from 'vitest';
import {
  assessEndpoint,
  PROBE_FINDING_RULES,
  probeFindingRule,
  skippedResult,
} from '../../../../lambdas/core/probe/findings';
import { PROBE_FINDING_CODES } from '../../../../lambdas/core/probe/model';
import { endpoint, inDays, NOW, served } from './fixtures';

const ctx = { now: NOW, expiryDays: 30 };

describe('probe finding rules', () => {
  it('gives every code a rule with a severity, a meaning and a fix, in the order of the codes', () => {
    expect(PROBE_FINDING_RULES.map((rule) => rule.code)).toEqual([...PROBE_FINDING_CODES]);
    for (const code of PROBE_FINDING_CODES) {
      expect(probeFindingRule(code).meaning.length).toBeGreaterThan(20);
      expect(probeFindingRule(code).fix.length).toBeGreaterThan(20);
    }
  });

  it('finds nothing on an endpoint serving its ACM certificate, valid, complete and matching', () => {
    const result = assessEndpoint(endpoint(), { kind: 'served', served: served() }, ctx);

    expect(result.status).toBe('ok');
    expect(result.findings).toEqual([]);
    expect(result.served?.serial).toBe('0A:0B:0C');
  });

  it.each([
    ['another serial than ACM', served({ serial: '0D:0E' }), ['SERVED_MISMATCH']],
    ['the same serial in ACM lower case', served({ serial: '0a:0b:0c' }), []],
    ['a certificate expired yesterday', served({ notAfter: inDays(-1) }), ['SERVED_EXPIRED']],
    ['a certificate 30 days from expiry', served({ notAfter: inDays(30.5) }), ['SERVED_EXPIRING']],
    ['a certificate 31 days from expiry', served({ notAfter: inDays(31.5) }), []],
    ['a certificate for another name', served({ hostnameMatches: false }), ['HOSTNAME_MISMATCH']],
    ['a leaf without its intermediate', served({ chainComplete: false }), ['CHAIN_INCOMPLETE']],
  ])('on an endpoint serving %s finds %j', (_name, cert, findings) => {
    const result = assessEndpoint(endpoint(), { kind: 'served', served: cert }, ctx);

    expect(result.findings).toEqual(findings);
    expect(result.status).toBe(findings.length > 0 ? 'finding' : 'ok');
  });

  it('does not compare serials where there is nothing to compare with (a user endpoint outside ACM)', () => {
    const result = assessEndpoint(
      endpoint({ source: 'file', expectedSerials: [] }),
      { kind: 'served', served: served({ serial: 'FF' }) },
      ctx,
    );

    expect(result.findings).toEqual([]);
  });

  it('keeps an unreachable endpoint apart: ENDPOINT_UNREACHABLE alone, with why', () => {
    const result = assessEndpoint(
      endpoint({ source: 'elbv2' }),
      { kind: 'unreachable', reason: 'timeout', message: 'no handshake' },
      ctx,
    );

    expect(result).toMatchObject({
      status: 'unreachable',
      findings: ['ENDPOINT_UNREACHABLE'],
      error: { reason: 'timeout', message: 'no handshake' },
    });
    expect(result.served).toBeUndefined();
  });

  it('skips a certificate name that has no address in public DNS (an internal name), but not a load balancer', () => {
    const outcome = { kind: 'unreachable', reason: 'no-address', message: 'NXDOMAIN' } as const;

    expect(assessEndpoint(endpoint(), outcome, ctx)).toMatchObject({
      status: 'skipped',
      skippedReason: 'the name does not resolve in public DNS',
      findings: [],
    });
    expect(assessEndpoint(endpoint({ source: 'elbv2' }), outcome, ctx).status).toBe('unreachable');
  });

  it('reports a skipped endpoint with its reason and no findings', () => {
    expect(skippedResult(endpoint({ skippedReason: 'internal load balancer' }))).toMatchObject({
      status: 'skipped',
      skippedReason: 'internal load balancer',
      findings: [],
    });
  });
});
