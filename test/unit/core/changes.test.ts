import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../../lambdas/core/changes';
import { arnOf, certificate, daysFrom, NOW } from './certificate-fixture';

const YESTERDAY = new Date(NOW.getTime() - 86_400_000);
const complete = { complete: true, now: NOW, previousScannedAt: YESTERDAY };

describe('detectChanges', () => {
  it('reports nothing when nothing changed', () => {
    const certs = [certificate({ arn: arnOf(1) }), certificate({ arn: arnOf(2), type: 'IMPORTED' })];
    expect(detectChanges(certs, structuredClone(certs), complete)).toEqual([]);
  });

  it('reports a new certificate with a readable summary', () => {
    const cert = certificate({ notAfter: '2026-12-01T00:00:00.000Z' });
    expect(detectChanges([], [cert], complete)).toEqual([
      {
        type: 'NEW',
        accountId: cert.accountId,
        region: cert.region,
        arn: cert.arn,
        domainName: cert.domainName,
        summary: 'new AMAZON_ISSUED certificate, ISSUED, expires 2026-12-01',
        after: 'ISSUED',
      },
    ]);
  });

  it('reports REMOVED only after a complete scan', () => {
    const cert = certificate();
    expect(detectChanges([cert], [], complete).map((c) => c.type)).toEqual(['REMOVED']);
    expect(detectChanges([cert], [], { ...complete, complete: false })).toEqual([]);
  });

  it('reports RENEWED when notAfter moves later, and no threshold crossing with it', () => {
    const before = certificate({ notAfter: daysFrom(YESTERDAY, 31) });
    const after = certificate({ notAfter: daysFrom(NOW, 395) });
    const changes = detectChanges([before], [after], complete);
    expect(changes.map((c) => c.type)).toEqual(['RENEWED']);
    expect(changes[0]?.before).toBe(before.notAfter);
    expect(changes[0]?.after).toBe(after.notAfter);
  });

  it('reports no threshold crossing for a renewed certificate even when the new expiry is inside a threshold', () => {
    const tenDaysAgo = new Date(NOW.getTime() - 10 * 86_400_000);
    const before = certificate({ notAfter: daysFrom(NOW, 2.5) });
    const after = certificate({ notAfter: daysFrom(NOW, 6.5) });
    const changes = detectChanges([before], [after], { ...complete, previousScannedAt: tenDaysAgo });
    expect(changes.map((c) => c.type)).toEqual(['RENEWED']);
  });

  it('reports REIMPORTED, not RENEWED, for an imported certificate with a new notAfter or importedAt', () => {
    const before = certificate({ type: 'IMPORTED', importedAt: daysFrom(NOW, -200) });
    const later = certificate({ ...before, notAfter: daysFrom(NOW, 300), importedAt: daysFrom(NOW, -0.5) });
    expect(detectChanges([before], [later], complete).map((c) => c.type)).toEqual(['REIMPORTED']);
    const sameExpiry = certificate({ ...before, importedAt: daysFrom(NOW, -0.5) });
    expect(detectChanges([before], [sameExpiry], complete).map((c) => c.type)).toEqual(['REIMPORTED']);
  });

  it('does not report REIMPORTED when only the date format differs', () => {
    const before = certificate({ type: 'IMPORTED', importedAt: '2026-01-01T00:00:00Z' });
    const after = certificate({ ...before, importedAt: '2026-01-01T00:00:00.000Z' });
    expect(detectChanges([before], [after], complete)).toEqual([]);
  });

  it('reports STATUS_CHANGED with before and after', () => {
    const changes = detectChanges([certificate()], [certificate({ status: 'REVOKED' })], complete);
    expect(changes).toMatchObject([{ type: 'STATUS_CHANGED', before: 'ISSUED', after: 'REVOKED' }]);
    expect(changes[0]?.summary).toBe('status ISSUED → REVOKED');
  });

  it('reports RENEWAL_STATUS_CHANGED with the failure reason', () => {
    const before = certificate({ renewalStatus: 'PENDING_AUTO_RENEWAL' });
    const after = certificate({ renewalStatus: 'FAILED', renewalStatusReason: 'CAA_ERROR' });
    const changes = detectChanges([before], [after], complete);
    expect(changes.map((c) => c.summary)).toEqual(['renewal status PENDING_AUTO_RENEWAL → FAILED (CAA_ERROR)']);
  });

  it('ignores detail fields the current scan did not describe', () => {
    const before = certificate({ renewalStatus: 'PENDING_AUTO_RENEWAL' });
    const notDescribed = certificate({ renewalStatus: undefined, inUseBy: [], describedAt: undefined });
    expect(detectChanges([before], [notDescribed], complete)).toEqual([]);
    const neverDescribedBefore = certificate({ describedAt: undefined, inUseBy: [], renewalStatus: undefined });
    expect(detectChanges([neverDescribedBefore], [before], complete)).toEqual([]);
  });

  it('reports ATTACHED and DETACHED with the resources that came and went', () => {
    const lb = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1';
    const cf = 'arn:aws:cloudfront::111111111111:distribution/E1';
    const apigw = 'arn:aws:apigateway:eu-west-1::/domainnames/api.example.com';
    const changes = detectChanges(
      [certificate({ inUseBy: [lb, cf] })],
      [certificate({ inUseBy: [apigw, lb] })],
      complete,
    );
    expect(changes).toMatchObject([
      { type: 'ATTACHED', resources: [apigw] },
      { type: 'DETACHED', resources: [cf] },
    ]);
  });

  it('reports BECAME_INELIGIBLE only for ELIGIBLE → INELIGIBLE', () => {
    const eligible = certificate({ renewalEligibility: 'ELIGIBLE' });
    const ineligible = certificate({ renewalEligibility: 'INELIGIBLE' });
    expect(detectChanges([eligible], [ineligible], complete).map((c) => c.type)).toEqual(['BECAME_INELIGIBLE']);
    expect(detectChanges([ineligible], [eligible], complete)).toEqual([]);
    expect(detectChanges([certificate({ renewalEligibility: undefined })], [ineligible], complete)).toEqual([]);
  });

  it('reports the smallest threshold crossed since the previous scan', () => {
    const notAfter = daysFrom(NOW, 2.5);
    const before = certificate({ notAfter });
    const weekAgo = new Date(NOW.getTime() - 10 * 86_400_000);
    const changes = detectChanges([before], [certificate({ notAfter })], { ...complete, previousScannedAt: weekAgo });
    expect(changes).toMatchObject([{ type: 'THRESHOLD_CROSSED', threshold: 3, before: '12', after: '2' }]);
    expect(changes[0]?.summary).toBe('expires in 2 day(s): crossed the 3-day threshold');
  });

  it('reports a crossing exactly at the threshold day and not before', () => {
    const at7 = certificate({ notAfter: daysFrom(NOW, 7) });
    expect(detectChanges([at7], [at7], complete).map((c) => c.threshold)).toEqual([7]);
    const at8 = certificate({ notAfter: daysFrom(NOW, 8) });
    expect(detectChanges([at8], [at8], complete)).toEqual([]);
  });

  it('uses the thresholds it is given and needs a previous scan time', () => {
    const cert = certificate({ notAfter: daysFrom(NOW, 45.5) });
    expect(detectChanges([cert], [cert], { ...complete, thresholds: [45, 10] }).map((c) => c.threshold)).toEqual([45]);
    expect(detectChanges([cert], [cert], { complete: true, now: NOW, thresholds: [45] })).toEqual([]);
  });

  it('reports TAGS_CHANGED when the owner tag changes, under the configured key', () => {
    const before = certificate({ tags: { owner: 'team-a', Team: 'x', cost: '1' } });
    const after = certificate({ tags: { owner: 'team-b', Team: 'y', cost: '2' } });
    expect(detectChanges([before], [after], complete)).toMatchObject([
      { type: 'TAGS_CHANGED', before: 'team-a', after: 'team-b', summary: 'owner tag team-a → team-b' },
    ]);
    expect(detectChanges([before], [after], { ...complete, ownerTagKey: 'Team' })).toMatchObject([
      { type: 'TAGS_CHANGED', before: 'x', after: 'y' },
    ]);
    const untagged = detectChanges([before], [certificate({ tags: {} })], complete);
    expect(untagged[0]?.summary).toBe('owner tag team-a → (none)');
    expect('after' in (untagged[0] ?? {})).toBe(false);
  });

  it('orders changes by ARN, then by change type', () => {
    const a = certificate({ arn: arnOf(1) });
    const b = certificate({ arn: arnOf(2) });
    const c = certificate({ arn: arnOf(3) });
    const changes = detectChanges(
      [c, a, b],
      [{ ...b, tags: {}, status: 'INACTIVE' }, { ...a, notAfter: daysFrom(NOW, 400) }, certificate({ arn: arnOf(0) })],
      complete,
    );
    expect(changes.map((change) => [change.arn, change.type])).toEqual([
      [arnOf(0), 'NEW'],
      [arnOf(1), 'RENEWED'],
      [arnOf(2), 'STATUS_CHANGED'],
      [arnOf(2), 'TAGS_CHANGED'],
      [arnOf(3), 'REMOVED'],
    ]);
  });
});
