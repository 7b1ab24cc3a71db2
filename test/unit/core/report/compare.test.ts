import { describe, expect, it } from 'vitest';
import type { Certificate, TargetResult } from '../../../../lambdas/core/model';
import { buildReport, compareReports, parseReport, renderChanges } from '../../../../lambdas/core/report';
import { arnOf, certificate, DAY_MS, daysFrom, NOW } from '../certificate-fixture';
import { sampleCertificates, sampleTargets, target } from './sample';

const LATER = new Date(NOW.getTime() + 2 * DAY_MS);

function report(at: Date, certificates: Certificate[], targets: TargetResult[] = sampleTargets()) {
  // Through JSON, as compare reads reports from files.
  return parseReport(JSON.stringify(buildReport({ runId: at.toISOString(), generatedAt: at, targets, certificates })));
}

describe('compareReports', () => {
  it('finds no change between a report and itself', () => {
    const earlier = report(NOW, sampleCertificates());
    expect(compareReports(earlier, earlier)).toEqual([]);
  });

  it('reports what changed, target by target, in ARN order', () => {
    const [www, api, legacy, cdn] = sampleCertificates() as [Certificate, Certificate, Certificate, Certificate];
    const earlier = report(NOW, [www, api, legacy, cdn]);
    const later = report(LATER, [
      { ...www, tags: { owner: 'team-platform' } },
      { ...api, notAfter: daysFrom(NOW, 400), renewalStatus: 'SUCCESS' },
      { ...cdn, inUseBy: [...cdn.inUseBy, 'arn:aws:cloudfront::222222222222:distribution/E9'] },
      certificate({ arn: arnOf(5), domainName: 'new.example.com' }),
    ]);
    const changes = compareReports(earlier, later);
    expect(changes.map((c) => [c.domainName, c.type])).toEqual([
      ['www.example.com', 'TAGS_CHANGED'],
      ['api.example.com', 'RENEWED'],
      ['api.example.com', 'RENEWAL_STATUS_CHANGED'],
      ['legacy.example.com', 'REMOVED'],
      ['new.example.com', 'NEW'],
      ['cdn.example.org', 'ATTACHED'],
    ]);
  });

  it('does not report certificates of a target that failed in the later report as removed', () => {
    const certs = sampleCertificates();
    const earlier = report(NOW, certs);
    const failedProd = [
      target({ status: 'error', errorCode: 'AccessDenied', certificateCount: 0 }),
      ...sampleTargets().slice(1),
    ];
    const partialProd = [target({ status: 'partial', certificateCount: 1 }), ...sampleTargets().slice(1)];
    const onlyCdn = certs.filter((c) => c.accountId === '222222222222');
    expect(compareReports(earlier, report(LATER, onlyCdn, failedProd))).toEqual([]);
    expect(compareReports(earlier, report(LATER, onlyCdn, partialProd))).toEqual([]);
    expect(compareReports(earlier, report(LATER, onlyCdn, sampleTargets())).map((c) => c.type)).toEqual([
      'REMOVED',
      'REMOVED',
      'REMOVED',
    ]);
  });

  it('does not report a target missing from the later report as removed', () => {
    const certs = sampleCertificates();
    const earlier = report(NOW, certs);
    const later = report(LATER, [], [target({ accountId: '333333333333' })]);
    expect(compareReports(earlier, later)).toEqual([]);
  });

  it('reports a threshold crossed between the two reports', () => {
    const cert = certificate({ type: 'IMPORTED', notAfter: daysFrom(NOW, 8.5) });
    const changes = compareReports(report(NOW, [cert]), report(LATER, [cert]));
    expect(changes).toMatchObject([{ type: 'THRESHOLD_CROSSED', threshold: 7, before: '8', after: '6' }]);
    expect(compareReports(report(NOW, [cert]), report(LATER, [cert]), { thresholds: [30] })).toEqual([]);
  });
});

describe('renderChanges', () => {
  it('groups changes by kind with counts', () => {
    const [www, api, legacy] = sampleCertificates() as [Certificate, Certificate, Certificate];
    const changes = compareReports(
      report(NOW, [www, api, legacy]),
      report(LATER, [
        { ...www, status: 'REVOKED' },
        { ...api, notAfter: daysFrom(NOW, 400) },
        certificate({ arn: arnOf(7), domainName: 'fresh.example.com' }),
        certificate({ arn: arnOf(8), domainName: 'other.example.com' }),
      ]),
    );
    const text = renderChanges(changes);
    expect(text.split('\n')).toEqual([
      'New (2)',
      expect.stringMatching(/^ {2}fresh\.example\.com {2}111111111111\/eu-west-1 {2}new AMAZON_ISSUED certificate/),
      expect.stringMatching(/^ {2}other\.example\.com/),
      '',
      'Removed (1)',
      '  legacy.example.com  111111111111/eu-west-1  no longer in ACM (deleted)',
      '',
      'Renewed (1)',
      expect.stringMatching(/^ {2}api\.example\.com .* renewed: expiry 2026-06-20 → 2027-07-20$/),
      '',
      'Status changes (1)',
      '  www.example.com  111111111111/eu-west-1  status ISSUED → REVOKED',
      '',
      '5 changes',
      '',
    ]);
  });

  it('says so when nothing changed', () => {
    expect(renderChanges([])).toBe('No changes.\n');
  });
});
