import { describe, expect, it } from 'vitest';
import { classifyEvent } from '../../../lambdas/core/events/classify';
import { LocalEventBus } from '../../../local/event-bus';
import { parseScenario, SimClock, SimOrganization } from '../../../local/sim';
import { arnOf, fixtureScenario, MEMBER, START, SUSPENDED } from './fixture';

function setup() {
  const clock = new SimClock(START);
  const org = new SimOrganization(parseScenario(fixtureScenario()), clock);
  return { clock, org, bus: new LocalEventBus({ org }) };
}

describe('the simulator’s events', () => {
  it('emits Renewal Action Required with the reason when a renewal fails', () => {
    const { org, bus } = setup();
    const drained: unknown[] = [];

    org.failRenewal(arnOf(MEMBER, 'eu-west-1', 1), 'CAA_ERROR');

    return bus
      .drain(async (batch) => drained.push(...batch))
      .then(() => {
        expect(drained).toMatchObject([
          {
            source: 'aws.acm',
            'detail-type': 'ACM Certificate Renewal Action Required',
            account: MEMBER,
            region: 'eu-west-1',
            resources: [arnOf(MEMBER, 'eu-west-1', 1)],
            detail: { RenewalStatus: 'FAILED', RenewalStatusReason: 'CAA_ERROR' },
          },
        ]);
      });
  });

  it('records a CloudFront attachment as UpdateDistribution in us-east-1, which the hub rescans', () => {
    const { org, bus } = setup();
    const arn = arnOf(MEMBER, 'us-east-1', 1001);
    const certificate = org.certificate(arn)?.certificate;

    const events = bus.emitter.forMutation(
      org.attach(arn, `arn:aws:cloudfront::${MEMBER}:distribution/E2EXAMPLE`),
      certificate,
    );

    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({
      eventSource: 'cloudfront.amazonaws.com',
      eventName: 'UpdateDistribution',
    });
    expect(classifyEvent(events[0] as NonNullable<(typeof events)[0]>)).toMatchObject({
      action: 'rescan',
      target: { accountId: MEMBER, region: 'us-east-1' },
      arns: [arn],
    });
  });

  it('sends nothing for a managed renewal starting, like AWS', () => {
    const { org, bus } = setup();

    org.startRenewal(arnOf(MEMBER, 'eu-west-1', 1));

    expect(bus.depth).toBe(0);
  });

  it('emits Approaching Expiration daily within range and Expired when a certificate lapses', () => {
    const { org, clock, bus } = setup();
    const arn = arnOf(MEMBER, 'eu-west-1', 1);
    const notAfter = Date.parse(org.certificate(arn)?.certificate.notAfter ?? '');
    const from = notAfter - 3.5 * 86_400_000;

    const events = bus.emitter.forTimePassing(from, notAfter + 3_600_000).filter((e) => e.resources?.includes(arn));

    // Days start at midnight UTC: four of them begin in those 3.6 days, the last on the day of expiry (0 days left).
    expect(events.map((e) => [e['detail-type'], e.detail?.DaysToExpiry])).toEqual([
      ['ACM Certificate Approaching Expiration', 3],
      ['ACM Certificate Approaching Expiration', 2],
      ['ACM Certificate Approaching Expiration', 1],
      ['ACM Certificate Approaching Expiration', 0],
      ['ACM Certificate Expired', undefined],
    ]);
    expect(clock.nowMs()).toBe(Date.parse(START));
  });
});

describe('LocalEventBus', () => {
  it('delivers in batches of at most ten, loses what it is told to, and skips accounts without forwarding', async () => {
    const { org, bus } = setup();
    const sizes: number[] = [];
    bus.loseNext(2);
    for (let n = 1000; n < 1025; n++) org.setTag(arnOf(MEMBER, 'us-east-1', n), 'owner', 'team-x');
    bus.put([
      {
        id: 'x',
        'detail-type': 'ACM Certificate Expired',
        source: 'aws.acm',
        account: SUSPENDED,
        time: START,
        region: 'us-east-1',
      },
    ]);

    await bus.drain(async (batch) => sizes.push(batch.length));

    expect(sizes).toEqual([10, 10, 3]);
    expect(bus.stats).toMatchObject({ emitted: 26, lost: 2, notForwarded: 1, delivered: 23 });
  });

  it('delivers every event twice when told to', async () => {
    const clock = new SimClock(START);
    const org = new SimOrganization(parseScenario(fixtureScenario()), clock);
    const bus = new LocalEventBus({ org, duplicateShare: 1 });
    const ids: string[] = [];

    org.setTag(arnOf(MEMBER, 'eu-west-1', 1), 'owner', 'team-x');
    await bus.drain(async (batch) => ids.push(...batch.map((e) => e.id)));

    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(1);
  });
});
