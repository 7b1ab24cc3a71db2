import { describe, expect, it } from 'vitest';
import { detectChanges } from '../../../lambdas/core/changes';
import {
  arnHash,
  DESCRIBE_ONLY_FIELDS,
  type DescribeReason,
  dayNumber,
  mergeWithStored,
  needsDescribe,
  type SUMMARY_FIELDS,
} from '../../../lambdas/core/describe-policy';
import type { Certificate, ChangeType } from '../../../lambdas/core/model';
import { arnOf, certificate, DAY_MS, daysFrom, NOW } from './certificate-fixture';

/** What ListCertificates shows of a certificate: no describe-only detail. */
function summaryOf(cert: Certificate): Certificate {
  const summary: Certificate = { ...structuredClone(cert), inUseBy: [] };
  for (const field of DESCRIBE_ONLY_FIELDS) if (field !== 'inUseBy') delete summary[field];
  return summary;
}

/** One scan of one certificate the way the scanner composes it: describe when the policy says so, else merge. */
function scan(truth: Certificate, stored: Certificate | undefined, now: Date, refreshDays = 7) {
  const reason = needsDescribe(summaryOf(truth), stored, { now, refreshDays });
  const current =
    reason === undefined
      ? mergeWithStored(summaryOf(truth), stored)
      : { ...structuredClone(truth), describedAt: now.toISOString() };
  return { reason, current };
}

/** A certificate far from renewal, described a few hours ago (today), so only a real reason describes it. */
function stored(overrides: Partial<Certificate> = {}): Certificate {
  return certificate({ notAfter: daysFrom(NOW, 150), describedAt: daysFrom(NOW, -0.2), ...overrides });
}

describe('needsDescribe', () => {
  it('describes a certificate it has never stored', () => {
    expect(needsDescribe(summaryOf(certificate()), undefined, { now: NOW })).toBe('new');
  });

  it('skips a stored certificate whose summary is unchanged and whose detail is fresh', () => {
    const cert = stored();
    expect(needsDescribe(summaryOf(cert), cert, { now: NOW })).toBeUndefined();
  });

  const changedSummaries: Record<(typeof SUMMARY_FIELDS)[number], Partial<Certificate>> = {
    status: { status: 'INACTIVE' },
    type: { type: 'PRIVATE' },
    notBefore: { notBefore: daysFrom(NOW, -1) },
    notAfter: { notAfter: daysFrom(NOW, 400) },
    importedAt: { importedAt: daysFrom(NOW, -1) },
    inUse: { inUse: false },
    renewalEligibility: { renewalEligibility: 'INELIGIBLE' },
    keyAlgorithm: { keyAlgorithm: 'EC_secp384r1' },
    domainName: { domainName: 'api.example.com' },
    exported: { exported: true },
  };
  for (const [field, change] of Object.entries(changedSummaries)) {
    it(`describes again when the summary field ${field} changed`, () => {
      const cert = stored();
      expect(needsDescribe(summaryOf({ ...cert, ...change }), cert, { now: NOW })).toBe('summary-changed');
    });
  }

  it('does not count a different spelling of the same instant as a change', () => {
    const cert = stored({ notAfter: '2026-11-12T00:00:00.000Z' });
    expect(needsDescribe({ ...summaryOf(cert), notAfter: '2026-11-12T00:00:00Z' }, cert, { now: NOW })).toBe(undefined);
  });

  it("does not count ACM's hyphenated key algorithm in an older snapshot as a change", () => {
    const cert = stored({ keyAlgorithm: 'EC-prime256v1' });
    expect(needsDescribe({ ...summaryOf(cert), keyAlgorithm: 'EC_prime256v1' }, cert, { now: NOW })).toBe(undefined);
  });

  it('describes Amazon-issued certificates inside the renewal window every run', () => {
    const inWindow = stored({ notAfter: daysFrom(NOW, 60.5) });
    expect(needsDescribe(summaryOf(inWindow), inWindow, { now: NOW })).toBe('renewal-window');
    const outside = stored({ notAfter: daysFrom(NOW, 61.5) });
    expect(needsDescribe(summaryOf(outside), outside, { now: NOW })).toBeUndefined();
    const custom = stored({ notAfter: daysFrom(NOW, 80) });
    expect(needsDescribe(summaryOf(custom), custom, { now: NOW, renewalWindowDays: 90 })).toBe('renewal-window');
  });

  it('describes private certificates inside the renewal window every run: ACM renews them from 60 days before expiry', () => {
    const inWindow = stored({ type: 'PRIVATE', issuer: 'Example Private CA', notAfter: daysFrom(NOW, 59.5) });
    expect(needsDescribe(summaryOf(inWindow), inWindow, { now: NOW })).toBe('renewal-window');
    const outside = stored({ type: 'PRIVATE', issuer: 'Example Private CA', notAfter: daysFrom(NOW, 61.5) });
    expect(needsDescribe(summaryOf(outside), outside, { now: NOW })).toBeUndefined();
  });

  it('leaves imported certificates near expiry to the refresh schedule: ACM never renews them', () => {
    const cert = stored({ type: 'IMPORTED', notAfter: daysFrom(NOW, 10) });
    expect(needsDescribe(summaryOf(cert), cert, { now: NOW })).toBeUndefined();
  });

  it('describes Amazon-issued certificates waiting for validation every run', () => {
    const pending = stored({ status: 'PENDING_VALIDATION', notAfter: undefined, notBefore: undefined });
    expect(needsDescribe(summaryOf(pending), pending, { now: NOW })).toBe('not-issued');
  });

  it('does not describe a certificate in a final status every run', () => {
    const expired = stored({ status: 'EXPIRED', notAfter: daysFrom(NOW, -20) });
    expect(needsDescribe(summaryOf(expired), expired, { now: NOW })).toBeUndefined();
  });

  it('refreshes detail that was never filled or is refreshDays old', () => {
    const never = stored({ describedAt: undefined });
    expect(needsDescribe(summaryOf(never), never, { now: NOW })).toBe('refresh');
    const old = stored({ describedAt: daysFrom(NOW, -7) });
    expect(needsDescribe(summaryOf(old), old, { now: NOW, refreshDays: 7 })).toBe('refresh');
    expect(needsDescribe(summaryOf(old), old, { now: NOW, refreshDays: 8 })).not.toBe('summary-changed');
  });

  it('refreshes a certificate on its stagger day unless it was already described that day', () => {
    const refreshDays = 7;
    const arn = arnOf(42);
    const offset = (dayNumber(NOW) + (arnHash(arn) % refreshDays)) % refreshDays;
    const staggerDay = new Date(NOW.getTime() + ((refreshDays - offset) % refreshDays) * DAY_MS);
    const cert = stored({ arn, describedAt: daysFrom(staggerDay, -3) });
    expect(needsDescribe(summaryOf(cert), cert, { now: staggerDay, refreshDays })).toBe('refresh');
    const dayAfter = new Date(staggerDay.getTime() + DAY_MS);
    expect(needsDescribe(summaryOf(cert), cert, { now: dayAfter, refreshDays })).toBeUndefined();
    const describedThisMorning = {
      ...cert,
      describedAt: new Date(dayNumber(staggerDay) * DAY_MS + 60_000).toISOString(),
    };
    const later = new Date(dayNumber(staggerDay) * DAY_MS + 3_600_000);
    expect(needsDescribe(summaryOf(cert), describedThisMorning, { now: later, refreshDays })).toBeUndefined();
  });
});

describe('mergeWithStored', () => {
  it('carries the describe-only detail over and keeps the current summary and tags', () => {
    const before = certificate({
      renewalStatus: 'PENDING_AUTO_RENEWAL',
      renewalStatusReason: 'x',
      failureReason: 'y',
      validationRecords: [{ domainName: 'a.example.com', name: '_x.a', type: 'CNAME', value: '_y.acm' }],
    });
    const summary = { ...summaryOf(before), tags: { owner: 'new-team' }, status: 'INACTIVE' as const };
    const merged = mergeWithStored(summary, before);
    for (const field of DESCRIBE_ONLY_FIELDS) expect(merged[field]).toEqual(before[field]);
    expect(merged.tags).toEqual({ owner: 'new-team' });
    expect(merged.status).toBe('INACTIVE');
    expect(merged.inUseBy).not.toBe(before.inUseBy);
  });

  it('keeps the serial of a certificate it does not describe again: the CT watch matches issuances by it', () => {
    const before = certificate({ serial: '0A:1B:2C' });
    expect(mergeWithStored(summaryOf(before), before).serial).toBe('0A:1B:2C');
  });

  it('returns the summary unchanged when nothing is stored', () => {
    const summary = summaryOf(certificate());
    expect(mergeWithStored(summary)).toEqual(summary);
  });
});

describe('names past 100', () => {
  const names = Array.from({ length: 150 }, (_, i) => `n${i}.example.com`);
  const truth = stored({ domainName: 'n0.example.com', subjectAlternativeNames: names });
  /** What ListCertificates shows: the first 100 names and HasAdditionalSubjectAlternativeNames. */
  const listed = (): Certificate => ({
    ...summaryOf(truth),
    subjectAlternativeNames: names.slice(0, 100),
    hasAdditionalSubjectAlternativeNames: true,
  });

  it('keeps the full list from the last describe when the listing cuts it at 100', () => {
    const merged = mergeWithStored(listed(), truth);

    expect(merged.subjectAlternativeNames).toEqual(names);
    expect(merged.hasAdditionalSubjectAlternativeNames).toBeUndefined();
  });

  it('never alternates between a cut and a full list over days with and without a describe', () => {
    let current: Certificate | undefined;
    const seen: number[] = [];
    for (let d = 0; d < 21; d++) {
      const now = new Date(NOW.getTime() + d * DAY_MS);
      const reason: DescribeReason | undefined = needsDescribe(listed(), current, { now });
      current =
        reason === undefined
          ? mergeWithStored(listed(), current)
          : { ...structuredClone(truth), describedAt: now.toISOString() };
      seen.push(current.subjectAlternativeNames.length);
    }

    expect(new Set(seen)).toEqual(new Set([150]));
  });

  it('describes again a stored list that was cut at 100 before the cut was recognised', () => {
    const cut = { ...truth, subjectAlternativeNames: names.slice(0, 100) };

    expect(needsDescribe(listed(), cut, { now: NOW })).toBe('refresh');
  });
});

describe('the describe policy over days', () => {
  /** A mixed inventory: mostly healthy, some in the renewal window, some imported, some waiting for DNS. */
  function inventory(size: number): Certificate[] {
    return Array.from({ length: size }, (_, i) => {
      const arn = arnOf(i, String(100000000000 + (i % 7)), ['eu-west-1', 'us-east-1'][i % 2]);
      if (i % 10 === 0) return certificate({ arn, notAfter: daysFrom(NOW, 40 + (i % 15)) });
      if (i % 10 === 1) return certificate({ arn, type: 'IMPORTED', renewalEligibility: 'INELIGIBLE' });
      if (i % 50 === 2) return certificate({ arn, status: 'PENDING_VALIDATION', notAfter: undefined, inUse: false });
      return certificate({ arn, notAfter: daysFrom(NOW, 100 + (i % 90)) });
    });
  }

  it('describes only the renewal window, pending certificates and about 1/refreshDays on a steady second day', () => {
    const truth = inventory(1400);
    const day1 = truth.map((cert) => scan(cert, undefined, NOW));
    expect(day1.every(({ reason }) => reason === 'new')).toBe(true);

    const day2 = new Date(NOW.getTime() + DAY_MS);
    const reasons = truth.map((cert, i) => scan(cert, day1[i]?.current, day2).reason);
    const count = (reason: DescribeReason) => reasons.filter((r) => r === reason).length;
    expect(count('new') + count('summary-changed')).toBe(0);
    expect(count('renewal-window')).toBe(140);
    expect(count('not-issued')).toBe(28);
    const rest = 1400 - 140 - 28;
    expect(count('refresh')).toBeGreaterThan(rest / 7 - 45);
    expect(count('refresh')).toBeLessThan(rest / 7 + 45);
    expect(reasons.filter((r) => r === undefined).length).toBe(rest - count('refresh'));
  });

  it('spreads refreshes evenly and keeps every stored detail younger than refreshDays', () => {
    const refreshDays = 7;
    const truth = Array.from({ length: 700 }, (_, i) =>
      certificate({ arn: arnOf(i), notAfter: daysFrom(NOW, 150), type: i % 2 ? 'IMPORTED' : 'AMAZON_ISSUED' }),
    );
    let snapshot = truth.map((cert) => scan(cert, undefined, NOW, refreshDays).current);
    const perDay: number[] = [];
    for (let day = 1; day <= 28; day++) {
      // Runs drift by a few hours from day to day, as schedules and run times do.
      const now = new Date(NOW.getTime() + day * DAY_MS + ((day * 5) % 11) * 3_600_000);
      const results = truth.map((cert, i) => scan(cert, snapshot[i], now, refreshDays));
      expect(results.every(({ reason }) => reason === undefined || reason === 'refresh')).toBe(true);
      perDay.push(results.filter(({ reason }) => reason === 'refresh').length);
      snapshot = results.map(({ current }) => current);
      const oldest = Math.min(...snapshot.map((cert) => Date.parse(cert.describedAt ?? '')));
      expect(now.getTime() - oldest).toBeLessThan(refreshDays * DAY_MS);
    }
    const steady = perDay.slice(refreshDays);
    for (const refreshed of steady) {
      expect(refreshed).toBeGreaterThan(700 / refreshDays / 2);
      expect(refreshed).toBeLessThan((700 / refreshDays) * 2);
    }
    // About once per refreshDays for each certificate, not more.
    const total = steady.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(Math.ceil((700 * steady.length) / refreshDays) + 70);
  });
});

describe('the describe policy and change detection together', () => {
  const dayLater = new Date(NOW.getTime() + DAY_MS);
  const yesterdayScan = { complete: true, now: dayLater, previousScannedAt: NOW };

  const cases: Array<[ChangeType, Certificate, (cert: Certificate) => Certificate]> = [
    ['RENEWED', stored({ notAfter: daysFrom(NOW, 44.5) }), (c) => ({ ...c, notAfter: daysFrom(NOW, 240) })],
    [
      'REIMPORTED',
      stored({ type: 'IMPORTED', importedAt: daysFrom(NOW, -300) }),
      (c) => ({ ...c, importedAt: daysFrom(NOW, 0.5), notAfter: daysFrom(NOW, 500) }),
    ],
    ['STATUS_CHANGED', stored(), (c) => ({ ...c, status: 'REVOKED' })],
    [
      'RENEWAL_STATUS_CHANGED',
      stored({ notAfter: daysFrom(NOW, 45.5), renewalStatus: 'PENDING_AUTO_RENEWAL' }),
      (c) => ({ ...c, renewalStatus: 'FAILED', renewalStatusReason: 'CAA_ERROR' }),
    ],
    [
      'RENEWAL_STATUS_CHANGED',
      stored({ status: 'PENDING_VALIDATION', notAfter: undefined, inUse: false, inUseBy: [] }),
      (c) => ({ ...c, renewalStatus: 'PENDING_VALIDATION' }),
    ],
    [
      'ATTACHED',
      stored({ inUse: false, inUseBy: [] }),
      (c) => ({ ...c, inUse: true, inUseBy: ['arn:aws:cloudfront::1:distribution/E1'] }),
    ],
    ['DETACHED', stored(), (c) => ({ ...c, inUse: false, inUseBy: [] })],
    ['BECAME_INELIGIBLE', stored(), (c) => ({ ...c, renewalEligibility: 'INELIGIBLE' })],
    ['THRESHOLD_CROSSED', stored({ type: 'IMPORTED', notAfter: daysFrom(NOW, 31.5) }), (c) => c],
    ['TAGS_CHANGED', stored(), (c) => ({ ...c, tags: { owner: 'team-new' } })],
  ];
  for (const [type, before, mutate] of cases) {
    it(`sees ${type} (${before.status}, ${before.type}) the day it happens`, () => {
      const { current } = scan(mutate(structuredClone(before)), before, dayLater);
      expect(detectChanges([before], [current], yesterdayScan).map((c) => c.type)).toContain(type);
    });
  }

  it('sees a second resource attached to an in-use certificate within refreshDays', () => {
    const refreshDays = 7;
    const before = stored();
    const truth = { ...before, inUseBy: [...before.inUseBy, 'arn:aws:cloudfront::1:distribution/E2'] };
    let snapshot = before;
    const seenOn: number[] = [];
    for (let day = 1; day <= refreshDays; day++) {
      const now = new Date(NOW.getTime() + day * DAY_MS);
      const { current } = scan(truth, snapshot, now, refreshDays);
      const changes = detectChanges([snapshot], [current], { complete: true, now, previousScannedAt: NOW });
      if (changes.some((c) => c.type === 'ATTACHED')) seenOn.push(day);
      snapshot = current;
    }
    expect(seenOn).toHaveLength(1);
  });
});
