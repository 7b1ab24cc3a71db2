import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../../lambdas/core/alerting/incidents';
import { certificate, day, expiringOn, target } from './fixtures';

const now = day(0);

describe('detectIncidents', () => {
  it('opens RENEWAL_FAILED with the renewal reason, the owner tag and the resources using it', () => {
    const cert = expiringOn(40, 0, {
      renewalStatus: 'FAILED',
      renewalStatusReason: 'CAA_ERROR',
      tags: { owner: 'team-shop' },
    });

    const [incident, ...rest] = detectIncidents([cert], [target()], { now });

    expect(rest).toEqual([]);
    expect(incident).toMatchObject({
      key: `RENEWAL_FAILED#${cert.arn}`,
      kind: 'RENEWAL_FAILED',
      reason: 'CAA_ERROR',
      owner: 'team-shop',
      daysToExpiry: 40,
      inUseBy: cert.inUseBy,
    });
  });

  it('reads the owner from the configured tag key', () => {
    const cert = expiringOn(5, 0, { tags: { owner: 'nobody', Team: 'payments' } });

    const [incident] = detectIncidents([cert], [], { now, ownerTagKey: 'Team' });

    expect(incident?.owner).toBe('payments');
  });

  it('opens PENDING_VALIDATION inside the renewal window with the DNS records to create, not before', () => {
    const records = [{ domainName: 'shop.example.com', name: '_x.shop.example.com.', type: 'CNAME', value: '_y.acm.' }];
    const inside = expiringOn(50, 0, { renewalStatus: 'PENDING_VALIDATION', validationRecords: records });
    const outside = expiringOn(70, 0, {
      arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/0002',
      renewalStatus: 'PENDING_VALIDATION',
    });

    const incidents = detectIncidents([inside, outside], [], { now, renewalWindowDays: 60 });

    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ kind: 'PENDING_VALIDATION', arn: inside.arn, validationRecords: records });
  });

  it('carries how the certificate validates, and the HTTP redirects to serve, so the alert gives that advice', () => {
    const redirect = { domainName: 'shop.example.com', redirectFrom: 'http://a/x', redirectTo: 'https://b/x' };
    const pending = expiringOn(20, 0, {
      renewalStatus: 'PENDING_VALIDATION',
      validationMethod: 'HTTP',
      httpRedirects: [redirect],
    });

    const [incident] = detectIncidents([pending], [target()], { now: day(0) });

    expect(incident).toMatchObject({ kind: 'PENDING_VALIDATION', validationMethod: 'HTTP', httpRedirects: [redirect] });
  });

  it('does not page for a first issuance still awaiting validation', () => {
    const cert = certificate({ status: 'PENDING_VALIDATION', inUse: false, inUseBy: [] });

    expect(detectIncidents([cert], [], { now })).toEqual([]);
  });

  it('opens EXPIRING_IN_USE at 7 days for managed and 14 days for imported certificates, only when in use', () => {
    const managed8 = expiringOn(8, 0, { arn: 'arn:m8' });
    const managed7 = expiringOn(7, 0, { arn: 'arn:m7' });
    const imported14 = expiringOn(14, 0, { arn: 'arn:i14', type: 'IMPORTED' });
    const imported15 = expiringOn(15, 0, { arn: 'arn:i15', type: 'IMPORTED' });
    const unused = expiringOn(2, 0, { arn: 'arn:unused', inUse: false, inUseBy: [] });

    const incidents = detectIncidents([managed8, managed7, imported14, imported15, unused], [], { now });

    expect(incidents.map((i) => i.key)).toEqual(['EXPIRING_IN_USE#arn:i14', 'EXPIRING_IN_USE#arn:m7']);
  });

  it('reports an expired certificate in use as EXPIRED_IN_USE only, and an unused expired one not at all', () => {
    const inUse = expiringOn(-1, 0, { arn: 'arn:a', renewalStatus: 'FAILED' });
    const unused = expiringOn(-1, 0, { arn: 'arn:b', inUse: false, inUseBy: [] });

    const incidents = detectIncidents([inUse, unused], [], { now });

    expect(incidents.map((i) => i.key)).toEqual(['EXPIRED_IN_USE#arn:a']);
  });

  it('keeps a failed renewal open after an unused certificate expires, since the renewal still does not work', () => {
    const cert = expiringOn(-2, 0, { renewalStatus: 'FAILED', inUse: false, inUseBy: [] });

    expect(detectIncidents([cert], [], { now }).map((i) => i.kind)).toEqual(['RENEWAL_FAILED']);
  });

  it('decides expiry by the date even when ACM has not flipped the status yet', () => {
    const cert = certificate({ notAfter: new Date(now.getTime() - 60_000).toISOString(), status: 'ISSUED' });

    expect(detectIncidents([cert], [], { now }).map((i) => i.kind)).toEqual(['EXPIRED_IN_USE']);
  });

  it('gives a certificate one incident at a time: a failed renewal wins over expiring', () => {
    const cert = expiringOn(3, 0, { renewalStatus: 'FAILED' });

    expect(detectIncidents([cert], [], { now }).map((i) => i.kind)).toEqual(['RENEWAL_FAILED']);
  });

  it('opens a COVERAGE_GAP per failed target with its error and likely cause, not for partial or ok ones', () => {
    const targets = [
      target({
        accountId: '222222222222',
        status: 'error',
        errorCode: 'AccessDenied',
        errorMessage: 'role missing',
        likelyCause: 'the StackSet is not deployed there',
      }),
      target({ accountId: '333333333333', status: 'partial' }),
      target(),
    ];

    const incidents = detectIncidents([], targets, { now });

    expect(incidents).toEqual([
      {
        key: 'COVERAGE_GAP#222222222222#eu-west-1',
        kind: 'COVERAGE_GAP',
        accountId: '222222222222',
        region: 'eu-west-1',
        errorCode: 'AccessDenied',
        reason: 'role missing',
        likelyCause: 'the StackSet is not deployed there',
      },
    ]);
  });

  it('computes days to expiry from notAfter when the assessment did not', () => {
    const cert = certificate({ notAfter: new Date(now.getTime() + 5.5 * 86_400_000).toISOString() });

    expect(detectIncidents([cert], [], { now })[0]?.daysToExpiry).toBe(5);
  });
});
