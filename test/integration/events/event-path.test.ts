/**
 * The event path over the simulator: what each ACM event and CloudTrail call leads to (the right incident, or
 * nothing), bursts coalesced into one rescan, duplicates and replays sending nothing twice, a lost event caught by
 * the next daily run. Each test starts its own organization, so none depends on another.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TABLE_ACCESS } from '../../../lambdas/pipeline/table-access';
import { arnOf, CERTS, type EventHarness, MEMBER, startEventHarness } from './harness';

const EU = 'eu-west-1';
const US = 'us-east-1';
let h: EventHarness | undefined;

async function harness(options: Parameters<typeof startEventHarness>[0] = {}): Promise<EventHarness> {
  h = await startEventHarness(options);
  return h;
}

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('the event path', () => {
  it('pages on-call once when a renewal fails, rescanning only that account-region', async () => {
    const { sim, alerts, ...rest } = await harness();
    expect(await rest.dailyRun('day-1')).toEqual([]);
    rest.resetCalls();

    sim.org.failRenewal(arnOf(EU, CERTS.renewing), 'CAA_ERROR');
    const [batch] = await rest.drain();

    expect(alerts).toEqual([
      { id: `RENEWAL_FAILED#${arnOf(EU, CERTS.renewing)}#opened`, stage: 'opened', by: 'event' },
    ]);
    expect(batch?.rescanned.map((r) => [r.accountId, r.region, r.status])).toEqual([[MEMBER, EU, 'ok']]);
    expect(rest.acmCalls()).toBe(rest.acmCalls({ accountId: MEMBER, region: EU }));
    expect(batch?.deliveries[0]?.latencyMs).toBeGreaterThanOrEqual(3_000);
    const stored = await rest.snapshots.loadTarget({ accountId: MEMBER, region: EU });
    expect(stored.certificates.find((c) => c.arn === arnOf(EU, CERTS.renewing))?.accountName).toBe('member');
  });

  it('sends nothing twice: not for the same events again, nor on the next daily run', async () => {
    const { sim, alerts, bus, ...rest } = await harness();
    await rest.dailyRun('day-1');
    const failed = bus.emitter.forMutation(
      sim.org.failRenewal(arnOf(EU, CERTS.renewing), 'CAA_ERROR'),
      sim.org.certificate(arnOf(EU, CERTS.renewing))?.certificate,
    );
    await rest.drain();
    expect(alerts).toHaveLength(1);
    rest.resetCalls();

    sim.clock.advanceMs(60_000);
    const replay = await rest.handle(failed);
    const replayCalls = rest.acmCalls();
    sim.clock.advanceDays(1);
    const day2 = await rest.dailyRun('day-2');

    expect(replay.alreadySeen).toEqual([{ accountId: MEMBER, region: EU }]);
    expect(replay.rescanned).toEqual([]);
    expect(replayCalls).toBe(0);
    expect(day2).toEqual([]);
    expect(alerts).toHaveLength(1);
  });

  it('rescans for a newer event about the same failure and still sends nothing twice: the outbox told on-call', async () => {
    const { sim, alerts, bus, ...rest } = await harness();
    await rest.dailyRun('day-1');
    const arn = arnOf(EU, CERTS.renewing);
    const [first] = bus.emitter.forMutation(
      sim.org.failRenewal(arn, 'CAA_ERROR'),
      sim.org.certificate(arn)?.certificate,
    );
    await rest.drain();
    rest.resetCalls();

    // ACM repeats Renewal Action Required while the renewal stays failed: a new event, after the last rescan.
    sim.clock.advanceDays(0.5);
    const again = await rest.handle([
      { ...(first as NonNullable<typeof first>), id: 'resent', time: sim.clock.toISOString() },
    ]);

    expect(again.rescanned.map((r) => r.status)).toEqual(['ok']);
    expect(rest.acmCalls({ operation: 'ListCertificates' })).toBe(1);
    expect(again.alerts).toMatchObject({ outcome: 'sent', queued: 0, sent: 0 });
    expect(alerts).toHaveLength(1);
  });

  it('sends nothing twice when EventBridge delivers every event twice, out of order', async () => {
    const { sim, alerts, ...rest } = await harness({ duplicateShare: 1, outOfOrder: true });
    await rest.dailyRun('day-1');

    sim.org.failRenewal(arnOf(EU, CERTS.renewing), 'CAA_ERROR');
    const batches = await rest.drain();

    expect(batches.reduce((sum, b) => sum + b.duplicates, 0)).toBe(1);
    expect(alerts.map((a) => a.id)).toEqual([`RENEWAL_FAILED#${arnOf(EU, CERTS.renewing)}#opened`]);
  });

  it('coalesces a burst of events on one target into one rescan', async () => {
    const { sim, ...rest } = await harness();
    await rest.dailyRun('day-1');
    rest.resetCalls();
    const arn = arnOf(EU, CERTS.imported);

    sim.org.setTag(arn, 'owner', 'team-b');
    sim.org.attach(arn, `arn:aws:elasticloadbalancing:${EU}:${MEMBER}:loadbalancer/app/new/0123456789abcdef`);
    sim.org.setTag(arn, 'cost-centre', '42');
    sim.org.removeTag(arn, 'cost-centre');
    sim.org.reimport(arn, new Date(sim.clock.nowMs() + 200 * 86_400_000).toISOString());
    const batches = await rest.drain();

    expect(batches).toHaveLength(1);
    expect(batches[0]?.received).toBe(6);
    expect(batches[0]?.rescanned.map((r) => [r.region, r.status])).toEqual([[EU, 'ok']]);
    expect(rest.acmCalls({ operation: 'ListCertificates' })).toBe(1);
    expect(rest.alerts).toEqual([]);
  });

  it.each([
    ['a deletion', (e: EventHarness) => e.sim.org.deleteCertificate(arnOf(EU, CERTS.unused))],
    ['a tag change', (e: EventHarness) => e.sim.org.setTag(arnOf(EU, CERTS.unused), 'owner', 'team-z')],
    [
      'a reimport',
      (e: EventHarness) =>
        e.sim.org.reimport(arnOf(EU, CERTS.imported), new Date(e.sim.clock.nowMs() + 300 * 86_400_000).toISOString()),
    ],
    ['a renewal', (e: EventHarness) => e.sim.org.renew(arnOf(EU, CERTS.renewing))],
    [
      'a new certificate',
      (e: EventHarness) =>
        e.sim.org.addCertificate({
          arn: arnOf(EU, 99),
          domainName: 'new.example.com',
          subjectAlternativeNames: ['new.example.com'],
          type: 'AMAZON_ISSUED',
          status: 'ISSUED',
          keyAlgorithm: 'RSA_2048',
          notBefore: e.sim.clock.toISOString(),
          notAfter: new Date(e.sim.clock.nowMs() + 198 * 86_400_000).toISOString(),
          renewalEligibility: 'INELIGIBLE',
          inUseBy: [],
        }),
    ],
  ])('rescans for %s and pages nobody: nothing on-call must do', async (_what, mutate) => {
    const e = await harness();
    await e.dailyRun('day-1');

    mutate(e);
    const [batch] = await e.drain();

    expect(batch?.rescanned.map((r) => r.status)).toEqual(['ok']);
    expect(e.alerts).toEqual([]);
  });

  it('reads the new tags of the certificate an event named, though its listing did not change', async () => {
    const { sim, snapshots, ...rest } = await harness();
    await rest.dailyRun('day-1');
    const arn = arnOf(EU, CERTS.imported);

    sim.org.setTag(arn, 'owner', 'team-payments');
    await rest.drain();

    const stored = await snapshots.loadTarget({ accountId: MEMBER, region: EU });
    expect(stored.certificates.find((c) => c.arn === arn)?.tags).toEqual({ owner: 'team-payments' });
  });

  it('opens EXPIRING_IN_USE when a soon-expiring certificate is attached to CloudFront, resolves it when detached', async () => {
    const { sim, alerts, ...rest } = await harness();
    await rest.dailyRun('day-1');
    const arn = arnOf(US, CERTS.expiringUnused);
    const distribution = `arn:aws:cloudfront::${MEMBER}:distribution/EDFDVBD6EXAMPLE`;

    sim.org.attach(arn, distribution);
    await rest.drain();
    sim.org.detach(arn, distribution);
    await rest.drain();

    expect(alerts.map((a) => [a.id, a.by])).toEqual([
      [`EXPIRING_IN_USE#${arn}#opened`, 'event'],
      [`EXPIRING_IN_USE#${arn}#resolved`, 'event'],
    ]);
  });

  it('resolves a failed renewal once the renewal succeeds, from the Available event', async () => {
    const { sim, alerts, ...rest } = await harness();
    await rest.dailyRun('day-1');
    const arn = arnOf(EU, CERTS.renewing);

    sim.org.failRenewal(arn, 'CAA_ERROR');
    await rest.drain();
    sim.clock.advanceMs(3_600_000);
    sim.org.renew(arn);
    await rest.drain();

    expect(alerts.map((a) => a.stage)).toEqual(['opened', 'resolved']);
  });

  it('only marks targets dirty on Approaching Expiration: no ACM call, no page', async () => {
    const { sim, bus, events, alerts, ...rest } = await harness();
    await rest.dailyRun('day-1');
    rest.resetCalls();

    const from = sim.clock.nowMs();
    sim.clock.advanceDays(1);
    const emitted = bus.timePassed(from, sim.clock.nowMs());
    const [batch] = await rest.drain();

    expect(emitted).toBeGreaterThan(0);
    expect(batch?.rescanned).toEqual([]);
    expect(rest.acmCalls()).toBe(0);
    expect(alerts).toEqual([]);
    expect((await events.loadDirtyMarks()).map((m) => [m.accountId, m.region])).toContainEqual([MEMBER, EU]);
  });

  it('leaves a lost event to the next daily run, which pages once', async () => {
    const { sim, bus, alerts, ...rest } = await harness();
    await rest.dailyRun('day-1');

    bus.loseNext(1);
    sim.org.failRenewal(arnOf(EU, CERTS.renewingToo), 'DOMAIN_VALIDATION_DENIED');
    const batches = await rest.drain();
    expect(batches).toEqual([]);
    expect(alerts).toEqual([]);

    sim.clock.advanceDays(1);
    const day2 = await rest.dailyRun('day-2');

    expect(day2).toEqual([
      { id: `RENEWAL_FAILED#${arnOf(EU, CERTS.renewingToo)}#opened`, stage: 'opened', by: 'daily' },
    ]);
  });

  it('opens no coverage gap when the rescan is refused: that is the daily run’s to report', async () => {
    const { sim, alerts, ...rest } = await harness();
    await rest.dailyRun('day-1');
    sim.faults.fail({ service: 'STS', operation: 'AssumeRole', status: 403, code: 'AccessDenied', count: 10 });

    sim.org.failRenewal(arnOf(EU, CERTS.renewing), 'CAA_ERROR');
    const [batch] = await rest.drain();

    expect(batch?.rescanned.map((r) => r.status)).toEqual(['error']);
    expect(batch?.alerts.outcome).toBe('nothing-to-plan');
    expect(alerts).toEqual([]);
  });

  it('sends only the DynamoDB requests the Events Lambda is granted', async () => {
    const e = await harness();
    await e.dailyRun('day-1');
    const arn = arnOf(EU, CERTS.renewing);

    e.sim.org.failRenewal(arn, 'CAA_ERROR');
    await e.drain();
    e.sim.clock.advanceMs(60_000);
    e.sim.org.renew(arn);
    e.bus.timePassed(e.sim.clock.nowMs(), e.sim.clock.nowMs() + 86_400_000);
    await e.drain();

    expect(e.eventPathRequests.size).toBeGreaterThan(3);
    for (const operation of e.eventPathRequests)
      expect(TABLE_ACCESS.events.actions, `the event path sends ${operation}`).toContain(`dynamodb:${operation}`);
  });
});
