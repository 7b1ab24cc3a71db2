/**
 * One target scanned again and again against the simulator with a store: throttled describes still deliver every
 * certificate once, a second scan describes only what needs it, a scan that runs out of time removes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listCertificates } from '../../../lambdas/aws/acm';
import { auditRoleClients } from '../../../lambdas/aws/clients';
import { needsDescribe } from '../../../lambdas/core/describe-policy';
import type { Target } from '../../../lambdas/core/model';
import { type ScanOptions, scanTarget } from '../../../lambdas/scan/scan-target';
import { generateScenario } from '../../../local/sim';
import { MemoryStore } from '../../unit/scan/memory-store';
import { CLIENT_CONFIG, EXTERNAL_ID, type ScanHarness, simArns, startScanHarness } from './sim-harness';

const SIZE = 200;
const HOUR = 3_600_000;
let h: ScanHarness;
let target: Target;
const store = new MemoryStore();
/** Fast pacing against a raised describe quota, so hundreds of describes take a couple of seconds. */
const options: ScanOptions = {
  describeConcurrency: 10,
  describeRatePerSecond: 150,
  refreshDays: 7,
  thresholds: [30, 7],
};

beforeAll(async () => {
  const scenario = generateScenario({
    seed: 21,
    accounts: 2,
    regions: ['us-east-1'],
    largestTarget: SIZE,
    externalId: EXTERNAL_ID,
    inactiveAccounts: false,
    taggingDeniedAccounts: 0,
  });
  h = await startScanHarness(scenario, { quotas: { DescribeCertificate: 200, ListTagsForCertificate: 200 } });
  const [, member] = h.sim.org.accounts();
  if (!member) throw new Error('no member account');
  target = { accountId: member.id, accountName: member.name, region: 'us-east-1' };
});

afterAll(() => h.close());

const deps = () => ({ openClients: auditRoleClients(h.roles, CLIENT_CONFIG), store });
const describesOf = () =>
  h.sim.counters.total({ operation: 'DescribeCertificate', accountId: target.accountId, outcome: 'ok' });

describe('scanTarget against the simulator', () => {
  it('delivers every one of hundreds of certificates once, described, while describes are throttled', async () => {
    h.sim.counters.reset();
    h.sim.faults.throttle({ service: 'ACM', operation: 'DescribeCertificate', accountId: target.accountId, count: 3 });

    const { result, certificates, throttles } = await scanTarget(deps(), {
      runId: 'run-1',
      target,
      now: h.sim.clock.now(),
      options,
    });

    expect(result.status).toBe('ok');
    expect(certificates.map((c) => c.arn)).toEqual(simArns(h.sim, target));
    expect(certificates).toHaveLength(SIZE);
    expect(certificates.every((c) => c.describedAt !== undefined)).toBe(true);
    expect(h.sim.counters.throttled({ operation: 'DescribeCertificate' })).toBe(3);

    expect(result.apiCalls['ACM.DescribeCertificate']).toBe(SIZE + 3);
    expect(result.apiCalls['STS.AssumeRole']).toBe(1);
    expect(throttles).toBe(3);
  });

  it('describes on the next scan only what needs it and reports what changed', async () => {
    const records = h.sim.org.certificatesIn(target.accountId, target.region);
    const renewable = records.find((r) => r.certificate.type === 'AMAZON_ISSUED' && r.certificate.status === 'ISSUED');
    const tagged = records.find((r) => r.certificate.type === 'IMPORTED');
    if (!renewable || !tagged) throw new Error('the scenario lacks an issued Amazon certificate or an imported one');
    h.sim.clock.advanceMs(HOUR);
    h.sim.org.renew(renewable.certificate.arn);
    h.sim.org.setTag(renewable.certificate.arn, 'owner', 'team-renewed');
    h.sim.org.setTag(tagged.certificate.arn, 'owner', 'team-new');
    const now = h.sim.clock.now();
    const stored = new Map((await store.loadTarget(target)).certificates.map((c) => [c.arn, c]));
    const listing = await listCertificates(h.acm(target), target);
    const expected = listing
      .filter((c) => needsDescribe(c, stored.get(c.arn), { now, refreshDays: 7 }))
      .map((c) => c.arn);
    const before = describesOf();

    const { result, changes } = await scanTarget(deps(), { runId: 'run-2', target, now, options });

    expect(result.status).toBe('ok');
    expect(describesOf() - before).toBe(expected.length);
    expect(expected).toContain(renewable.certificate.arn);
    expect(expected.length).toBeLessThan(SIZE / 2);
    expect(changes.find((c) => c.arn === renewable.certificate.arn)?.type).toBe('RENEWED');
    // Tags are read with the describe: the renewed certificate's new owner shows now, the other one's at its refresh.
    const tagChange = (arn: string) => changes.some((c) => c.arn === arn && c.type === 'TAGS_CHANGED');
    expect(tagChange(renewable.certificate.arn)).toBe(true);
    expect(expected.includes(tagged.certificate.arn)).toBe(tagChange(tagged.certificate.arn));
  });

  it('stops describing when the time budget runs out: partial, stored detail kept, nothing removed', async () => {
    const unused = h.sim.org
      .certificatesIn(target.accountId, target.region)
      .find((r) => r.certificate.inUseBy.length === 0);
    if (!unused) throw new Error('no unused certificate to delete');
    h.sim.org.deleteCertificate(unused.certificate.arn);
    // A week later every certificate is due for a refresh, more than the budget allows.
    h.sim.clock.advanceMs(8 * 24 * HOUR);
    const before = describesOf();
    const BUDGET = 20;
    const storedBefore = new Map((await store.loadTarget(target)).certificates.map((c) => [c.arn, c]));

    const { result, certificates, changes } = await scanTarget(deps(), {
      runId: 'run-3',
      target,
      now: h.sim.clock.now(),
      options: { ...options, deadlineMs: () => (describesOf() - before < BUDGET ? 600_000 : 0) },
    });

    const described = describesOf() - before;
    expect(result).toMatchObject({ status: 'partial', errorCode: 'TimeBudgetExhausted' });
    expect(described).toBeGreaterThanOrEqual(BUDGET);
    expect(described).toBeLessThanOrEqual(BUDGET + options.describeConcurrency);
    expect(certificates).toHaveLength(SIZE - 1);
    const kept = certificates.filter((c) => c.describedAt === storedBefore.get(c.arn)?.describedAt);
    expect(kept.length).toBe(SIZE - 1 - described);
    expect(kept.every((c) => c.issuer === storedBefore.get(c.arn)?.issuer)).toBe(true);
    expect(changes.some((c) => c.type === 'REMOVED')).toBe(false);
    expect(store.certificatesOf(target).map((c) => c.arn)).toContain(unused.certificate.arn);
  });
});
