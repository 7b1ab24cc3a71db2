/**
 * The benchmark's machinery on a tiny organization: the steady-state runs (p2) through the pipeline's use cases,
 * the cost model (p4) on what they measured, and the deployed bundles (p3). Figures are not asserted (timings are
 * the machine's), only that every part measures something real and adds up.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runP3 } from '../../../bench/bundles';
import { costModel, DAYS_PER_MONTH, HEARTBEATS_PER_MONTH, type StackFacts } from '../../../bench/cost';
import { BENCH_REGIONS } from '../../../bench/org';
import { targetBoundSeconds } from '../../../bench/scan';
import { checkChanges, MISS_REASONS, runSteadyState, type SteadyStateRun } from '../../../bench/steady-state';
import type { Certificate, Change } from '../../../lambdas/core/model';
import type { Mutation } from '../../../local/sim';

const TINY = { accounts: 3, perActiveTarget: { min: 2, max: 5 }, activeRegionsPerAccount: { min: 1, max: 2 } };

describe('bench steady state (p2) and cost model (p4)', () => {
  // One measured run for the file: each test reads it and none depends on another having run.
  let run: SteadyStateRun;
  beforeAll(async () => {
    run = await runSteadyState({ shape: TINY, churnDays: 1, churnFraction: 0.5, seed: 3, latencyMs: 0 });
  }, 120_000);

  it('runs a first scan and a churned day through the pipeline and meters every step', () => {
    expect(run.days).toHaveLength(2);
    const [first, next] = run.days;
    const targets = TINY.accounts * BENCH_REGIONS.length;
    expect(first?.targets).toBe(targets);
    // One Map child (one ScanTarget invocation) per account, each scanning the account's regions.
    expect(first?.usage.invocations).toEqual({ listTargets: 1, scanTarget: TINY.accounts, finalizeRun: 1 });
    expect(first?.certificates).toBeGreaterThan(0);
    expect(first?.changesDetected.NEW).toBe(first?.certificates);
    expect(first?.describeCallsPerCertificate).toBe(1);
    expect(next?.acmCallsPerCertificate).toBeGreaterThan(0);
    expect(next?.acmCalls['ACM.ListCertificates']).toBe(targets);
    expect(next?.describeCallsPerCertificate).toBeLessThan(1);
    expect(Object.values(next?.changesInjected ?? {}).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(0);
    for (const missed of next?.check.missing ?? []) expect(missed.reason).not.toBe('');
    expect(next?.usage.dynamo.scanTarget.writeUnits).toBeGreaterThan(0);
    expect(next?.usage.dynamo.finalizeRun.readUnits).toBeGreaterThan(0);
    expect(next?.usage.calls['S3.PutObject']).toBeGreaterThan(0);
    expect(next?.usage.reportBytes).toBeGreaterThan(0);
    expect(run.heartbeat.secretsCalls).toBe(1);
  });

  it('prices a month from those measures, every item adding up to the total', () => {
    const usage = run.days[1]?.usage;
    if (!usage) throw new Error('the steady-state run measured no churned day');
    const stack: StackFacts = {
      memoryMb: { ListTargets: 512, ScanTarget: 1024, FinalizeRun: 1024, Heartbeat: 256 },
      alarms: 8,
      dashboards: 1,
      kmsKeys: 1,
      secrets: 1,
      parentStates: 3,
      logRetentionDays: 90,
      historyDays: 90,
      maxConcurrency: 40,
    };

    const cost = costModel({ run, usage, stack });

    const requests = cost.items.find((item) => item.name === 'Lambda requests');
    expect(requests?.quantity).toBe(DAYS_PER_MONTH * (2 + usage.invocations.scanTarget) + HEARTBEATS_PER_MONTH);
    const sum = cost.items.reduce((total, item) => total + item.usd, 0);
    expect(cost.monthlyUsd).toBeCloseTo(sum, 1);
    expect(cost.monthlyUsd).toBeCloseTo(cost.variableUsd + cost.fixedUsd, 1);
    expect(cost.monthlyUsdAfterFreeTier).toBeLessThan(cost.monthlyUsd);
    for (const item of cost.items) expect(item.usd).toBeGreaterThanOrEqual(0);
  });
});

describe('bench bundles (p3)', () => {
  it('weighs and loads every Lambda of the hub stack as deployed', async () => {
    const { functions } = await runP3({ samples: 1, log: () => {} });

    expect(functions.map((fn) => fn.name).sort()).toEqual(['FinalizeRun', 'Heartbeat', 'ListTargets', 'ScanTarget']);
    for (const fn of functions) {
      expect(fn.bundleBytes).toBeGreaterThan(10_000);
      expect(fn.initMs).toBeGreaterThan(0);
      expect(fn.initError).toBeUndefined();
      expect(fn.architecture).toBe('arm64');
      expect(fn.topPackages.length).toBeGreaterThan(0);
    }
  });
});

describe('bench figures', () => {
  it('bounds a target by its describes and tag reads side by side at 10/s, after its listing at 8/s', () => {
    expect(targetBoundSeconds(100)).toBeCloseTo(1 / 8 + 100 / 10);
    expect(targetBoundSeconds(100, 8)).toBeCloseTo(1 / 8 + 100 / 8);
    expect(targetBoundSeconds(0)).toBeCloseTo(1 / 8);
    expect(targetBoundSeconds(2500)).toBeCloseTo(3 / 8 + 2500 / 10);
  });

  it('tells missed, late, unexplained and time-driven changes apart, with why a change was missed', () => {
    const arn = (n: number) => `arn:aws:acm:eu-west-1:111122223333:certificate/0000000${n}`;
    const mutation = (n: number, changes: Mutation['changes']): Mutation => ({
      kind: 'attach',
      accountId: '111122223333',
      region: 'eu-west-1',
      arn: arn(n),
      changes,
      summary: '',
      at: '2026-12-02T00:00:00.000Z',
    });
    const change = (n: number, type: Change['type'], after?: string): Change => ({
      type,
      accountId: '111122223333',
      region: 'eu-west-1',
      arn: arn(n),
      domainName: `d${n}.example.com`,
      summary: '',
      ...(after ? { after } : {}),
    });
    const inUse = { inUse: true, type: 'AMAZON_ISSUED', notAfter: '2027-05-01T00:00:00.000Z' } as Certificate;
    const outstanding = new Set<string>();

    const day1 = checkChanges(
      [mutation(1, ['ATTACHED']), mutation(2, ['TAGS_CHANGED'])],
      [change(2, 'TAGS_CHANGED'), change(3, 'THRESHOLD_CROSSED'), change(4, 'RENEWED')],
      outstanding,
      new Map([[arn(1), inUse]]),
      new Date('2026-12-02T00:00:00.000Z'),
    );
    const day2 = checkChanges([], [change(1, 'ATTACHED'), change(5, 'STATUS_CHANGED', 'EXPIRED')], outstanding);

    expect(day1.matched).toBe(false);
    expect(day1.missing).toEqual([
      { change: 'ATTACHED', arn: arn(1), daysToExpiry: 150, reason: MISS_REASONS.summaryUnchanged },
    ]);
    expect(day1.unexplained).toEqual([`RENEWED ${arn(4)}`]);
    expect(day1.timeDriven).toBe(1);
    expect(day2).toEqual({ matched: true, missing: [], late: [`ATTACHED ${arn(1)}`], unexplained: [], timeDriven: 1 });
  });
});
