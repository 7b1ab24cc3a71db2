import { describe, expect, it } from 'vitest';
import { judgeEventPath } from '../../../../lambdas/core/events/health';
import { cleanTargetsToSkip, type TargetListing } from '../../../../lambdas/core/events/skip';

const NOW = new Date('2026-12-10T06:00:00.000Z');
const DAY = 86_400_000;
const listing = (region: string, overrides: Partial<TargetListing> = {}): TargetListing => ({
  accountId: '111111111111',
  region,
  certificateCount: 0,
  lastStatus: 'ok',
  lastCompleteScanAt: new Date(NOW.getTime() - DAY).toISOString(),
  ...overrides,
});
const everywhere = () => true;

describe('cleanTargetsToSkip', () => {
  it('skips an empty, completely scanned, forwarded target no event marked, except on its turn', () => {
    const regions = Array.from({ length: 70 }, (_, i) => `xx-test-${i}`);

    const skipped = cleanTargetsToSkip(
      regions.map((r) => listing(r)),
      [],
      { now: NOW, forwarded: everywhere },
    );

    // About six days in seven are skipped; the turns are spread over the week.
    expect(skipped.length).toBeGreaterThan(45);
    expect(skipped.length).toBeLessThan(70);
    expect(skipped[0]).toEqual({
      accountId: '111111111111',
      region: skipped[0]?.region,
      lastListedAt: new Date(NOW.getTime() - DAY).toISOString(),
    });
  });

  it('lists every target at least every maxCleanDays days', () => {
    const old = listing('eu-west-1', { lastCompleteScanAt: new Date(NOW.getTime() - 7 * DAY).toISOString() });

    expect(cleanTargetsToSkip([old], [], { now: NOW, forwarded: everywhere })).toEqual([]);
  });

  it('never skips a target with certificates, a failed or partial last scan, a dirty mark, or no forwarding', () => {
    const targets = [
      listing('a-1', { certificateCount: 1 }),
      listing('a-2', { lastStatus: 'partial' }),
      listing('a-3', { lastStatus: 'error' }),
      listing('a-4'),
      listing('a-5', { lastCompleteScanAt: undefined }),
      listing('a-6'),
    ];
    const dirty = [{ accountId: '111111111111', region: 'a-4', since: '', lastEventAt: '', events: 1 }];

    const skipped = cleanTargetsToSkip(targets, dirty, {
      now: NOW,
      maxCleanDays: 1_000_000,
      forwarded: (t) => t.region !== 'a-6',
    });

    expect(skipped).toEqual([]);
  });
});

describe('judgeEventPath', () => {
  const changes = [{ type: 'RENEWED' as const }, { type: 'THRESHOLD_CROSSED' as const }];

  it('is fine while events keep arriving', () => {
    const verdict = judgeEventPath({ lastArrivalAt: '2026-12-10T01:00:00.000Z', received: 4 }, changes, { now: NOW });

    expect(verdict.status).toBe('ok');
  });

  it('says the path looks broken when changes that send events happened during a long silence', () => {
    const verdict = judgeEventPath({ lastArrivalAt: '2026-12-07T06:00:00.000Z', received: 4 }, changes, { now: NOW });

    expect(verdict).toMatchObject({ status: 'looks-broken', silentHours: 72, changesWithoutEvents: 1 });
    expect(verdict.status === 'looks-broken' && verdict.message).toContain('forwarding StackSets');
  });

  it('takes a silence without any change that sends events as quiet, not broken', () => {
    const verdict = judgeEventPath({ received: 0 }, [{ type: 'THRESHOLD_CROSSED' }], { now: NOW });

    expect(verdict.status).toBe('quiet');
  });

  it('says it looks broken when no event ever arrived though certificates changed', () => {
    const verdict = judgeEventPath({ received: 0 }, [{ type: 'NEW' }], { now: NOW, silenceHours: 24 });

    expect(verdict).toMatchObject({ status: 'looks-broken', changesWithoutEvents: 1 });
    expect(verdict.status === 'looks-broken' && verdict.message).toContain('arrived from the organization ever');
  });

  it("takes a first run's changes as its baseline, not as changes an event should have announced", () => {
    const baseline = Array.from({ length: 135 }, () => ({ type: 'NEW' as const }));

    expect(judgeEventPath({ received: 0 }, baseline, { now: NOW, firstRun: true }).status).toBe('quiet');
    expect(judgeEventPath({ received: 0 }, baseline, { now: NOW, firstRun: false }).status).toBe('looks-broken');
  });
});
