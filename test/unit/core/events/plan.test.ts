import { describe, expect, it } from 'vitest';
import type { ClassifiedEvent } from '../../../../lambdas/core/events/classify';
import { alreadySeen, planBatch, rescansByAccount } from '../../../../lambdas/core/events/plan';

function event(
  id: string,
  overrides: Partial<ClassifiedEvent> & { accountId?: string; region?: string } = {},
): ClassifiedEvent {
  const { accountId = '111111111111', region = 'eu-west-1', ...rest } = overrides;
  return {
    eventId: id,
    action: 'rescan',
    target: { accountId, region },
    arns: [],
    occurredAt: '2026-12-01T14:00:00.000Z',
    what: 'ACM Certificate Expired',
    reason: 'test',
    ...rest,
  };
}

describe('planBatch', () => {
  it('coalesces a burst of events for one target into one rescan naming every certificate', () => {
    const burst = [
      event('a', { arns: ['arn-2'], occurredAt: '2026-12-01T14:00:01.000Z' }),
      event('b', { arns: ['arn-1'], occurredAt: '2026-12-01T14:00:03.000Z', action: 'mark-dirty' }),
      event('c', { arns: ['arn-2'], occurredAt: '2026-12-01T14:00:00.000Z', what: 'acm:DeleteCertificate' }),
    ];

    const plan = planBatch(burst);

    expect(plan.targets).toHaveLength(1);
    expect(plan.targets[0]).toMatchObject({
      action: 'rescan',
      arns: ['arn-1', 'arn-2'],
      earliestEventAt: '2026-12-01T14:00:00.000Z',
      earliestRescanEventAt: '2026-12-01T14:00:00.000Z',
      latestEventAt: '2026-12-01T14:00:03.000Z',
      eventIds: ['a', 'b', 'c'],
      what: ['ACM Certificate Expired', 'acm:DeleteCertificate'],
    });
  });

  it('times the latency from the first event that asked for a rescan, not from an earlier expiry notice', () => {
    const plan = planBatch([
      event('notice', { action: 'mark-dirty', occurredAt: '2026-12-02T00:00:00.000Z' }),
      event('failure', { occurredAt: '2026-12-02T02:00:00.000Z' }),
    ]);

    expect(plan.targets[0]).toMatchObject({
      earliestEventAt: '2026-12-02T00:00:00.000Z',
      earliestRescanEventAt: '2026-12-02T02:00:00.000Z',
    });
  });

  it('drops an event delivered twice and counts it', () => {
    const plan = planBatch([event('a'), event('a'), event('b')]);

    expect(plan.duplicates).toBe(1);
    expect(plan.targets[0]?.eventIds).toEqual(['a', 'b']);
  });

  it('keeps a target that only Approaching Expiration touched at mark-dirty, so it is not rescanned', () => {
    const plan = planBatch([event('a', { action: 'mark-dirty', region: 'us-east-1' }), event('b')]);

    expect(plan.targets.map((t) => [t.target.region, t.action])).toEqual([
      ['eu-west-1', 'rescan'],
      ['us-east-1', 'mark-dirty'],
    ]);
    expect([...rescansByAccount(plan.targets).values()].flat().map((t) => t.target.region)).toEqual(['eu-west-1']);
  });

  it('plans the same whatever order the events arrived in', () => {
    const events = [event('a', { region: 'us-west-2' }), event('b', { accountId: '222222222222' }), event('c')];

    expect(planBatch([...events].reverse()).targets.map((t) => t.target)).toEqual(
      planBatch(events).targets.map((t) => t.target),
    );
  });

  it('sets ignored events apart', () => {
    const { target: _target, ...untargeted } = event('x');

    const plan = planBatch([{ ...untargeted, action: 'ignore' }]);

    expect(plan.targets).toEqual([]);
    expect(plan.ignored.map((e) => e.eventId)).toEqual(['x']);
  });
});

describe('alreadySeen', () => {
  const plan = { latestEventAt: '2026-12-01T14:00:00.000Z' };

  it('is true when a complete scan started after the latest event', () => {
    expect(alreadySeen(plan, '2026-12-01T14:00:00.001Z')).toBe(true);
  });

  it('is false when the scan started before or at the event, or never happened', () => {
    expect(alreadySeen(plan, '2026-12-01T13:59:59.000Z')).toBe(false);
    expect(alreadySeen(plan, '2026-12-01T14:00:00.000Z')).toBe(false);
    expect(alreadySeen(plan, undefined)).toBe(false);
  });
});
