import { describe, expect, it } from 'vitest';
import { Counters, Faults, RateLimiter, Rng, SimClock } from '../../../local/sim';

describe('RateLimiter', () => {
  it('allows a burst up to the rate, then refills at the rate', () => {
    // Prepare
    let now = 0;
    const limiter = new RateLimiter({ DescribeCertificate: 4 }, () => now);
    const take = () => limiter.tryTake('a', 'eu-west-1', 'DescribeCertificate');

    // Act / Assess
    expect([take(), take(), take(), take(), take()]).toEqual([true, true, true, true, false]);
    now += 250;
    expect([take(), take()]).toEqual([true, false]);
    now += 10_000;
    expect(Array.from({ length: 5 }, take)).toEqual([true, true, true, true, false]);
  });

  it('keeps one bucket per account, region and operation', () => {
    const limiter = new RateLimiter({ ListCertificates: 1 }, () => 0);
    expect(limiter.tryTake('a', 'r1', 'ListCertificates')).toBe(true);
    expect(limiter.tryTake('a', 'r1', 'ListCertificates')).toBe(false);
    expect(limiter.tryTake('a', 'r2', 'ListCertificates')).toBe(true);
    expect(limiter.tryTake('b', 'r1', 'ListCertificates')).toBe(true);
    expect(limiter.tryTake('a', 'r1', 'DescribeCertificate')).toBe(true);
  });

  it('uses the documented defaults and lets a rate change take effect', () => {
    const limiter = new RateLimiter({}, () => 0);
    expect(limiter.rateOf('ListCertificates')).toBe(8);
    expect(limiter.rateOf('DescribeCertificate')).toBe(10);
    limiter.setQuota('DescribeCertificate', 1);
    expect(limiter.tryTake('a', 'r', 'DescribeCertificate')).toBe(true);
    expect(limiter.tryTake('a', 'r', 'DescribeCertificate')).toBe(false);
  });
});

describe('Faults', () => {
  const call = { service: 'ACM', operation: 'DescribeCertificate', accountId: '1', region: 'eu-west-1' } as const;

  it('throttles exactly the next N matching calls', () => {
    const faults = new Faults();
    faults.throttle({ operation: 'DescribeCertificate', accountId: '1', count: 2 });
    expect(faults.decide({ ...call, accountId: '2' }).throttle).toBe(false);
    expect([faults.decide(call), faults.decide(call), faults.decide(call)].map((d) => d.throttle)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('fails, slows, and denies roles and tagging until cleared', () => {
    const faults = new Faults();
    faults.fail({ service: 'ACM', count: 1 });
    faults.slow({ region: 'eu-west-1', ms: 30 });
    faults.denyRole('1');
    faults.denyTagging('1');
    expect(faults.decide(call)).toEqual({
      throttle: false,
      fail: { status: 500, code: 'InternalFailure', message: expect.any(String) },
      extraLatencyMs: 30,
    });
    expect(faults.decide(call).fail).toBeUndefined();
    expect(faults.isRoleDenied('1', 'AnyRole')).toBe(true);
    expect(faults.isTaggingDenied('1')).toBe(true);
    faults.clear();
    expect(faults.decide(call).extraLatencyMs).toBe(0);
    expect(faults.isRoleDenied('1', 'AnyRole')).toBe(false);
  });
});

describe('Counters', () => {
  it('counts by service, operation, account, region and outcome', () => {
    const counters = new Counters();
    counters.record({ service: 'ACM', operation: 'ListCertificates', accountId: '1', region: 'r', outcome: 'ok' });
    counters.record({
      service: 'ACM',
      operation: 'ListCertificates',
      accountId: '1',
      region: 'r',
      outcome: 'throttled',
    });
    counters.record({ service: 'STS', operation: 'AssumeRole', accountId: '2', region: 'r', outcome: 'ok' });
    expect(counters.total()).toBe(3);
    expect(counters.total({ service: 'ACM' })).toBe(2);
    expect(counters.throttled({ operation: 'ListCertificates' })).toBe(1);
    expect(counters.snapshot()).toMatchObject({
      total: 3,
      byOutcome: { ok: 2, throttled: 1, faulted: 0, error: 0 },
      byOperation: { 'ACM.ListCertificates': 2, 'STS.AssumeRole': 1 },
      byAccount: { '1': 2, '2': 1 },
      throttledByOperation: { 'ACM.ListCertificates': 1 },
    });
    counters.reset();
    expect(counters.total()).toBe(0);
  });
});

describe('Rng and SimClock', () => {
  it('repeats a sequence for a seed and stays within bounds', () => {
    const a = new Rng(1);
    const b = new Rng(1);
    const values = Array.from({ length: 1000 }, () => a.int(3, 7));
    expect(values).toEqual(Array.from({ length: 1000 }, () => b.int(3, 7)));
    expect(new Set(values)).toEqual(new Set([3, 4, 5, 6, 7]));
    expect(new Rng(2).next()).not.toBe(new Rng(1).next());
  });

  it('moves the clock only when told', () => {
    const clock = new SimClock('2026-12-01T00:00:00.000Z');
    clock.advanceDays(2);
    clock.advanceMs(1000);
    expect(clock.toISOString()).toBe('2026-12-03T00:00:01.000Z');
    expect(() => new SimClock('not a date')).toThrow(RangeError);
  });
});
