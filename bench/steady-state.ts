/**
 * p2: the daily run in its steady state. A first full scan fills the DynamoDB state store; the organization then
 * changes (the simulator's churn: renewals, failed and stuck renewals, reimports, attach/detach, tag changes,
 * deletions, new certificates) and the clock moves a day; the next scan should call ACM for little more than the
 * listing and report exactly the changes that were made.
 */
import { type CertMonitorConfig, parseConfig } from '../infra/config';
import { daysToExpiry } from '../lambdas/core/findings';
import type { Certificate, Change } from '../lambdas/core/model';
import { DEFAULT_REFRESH_DAYS, RENEWAL_WINDOW_DAYS } from '../lambdas/core/names';
import type { Mutation } from '../local/sim';
import { deployedConfig } from './bundles';
import type { MeterReading } from './dynamo-meter';
import { BENCH_REGIONS, type OrgShape, P1_SHAPE } from './org';
import { LocalPipeline, type RunMeasure } from './pipeline';
import { round } from './scan';
import { BenchSim } from './sim-env';

/** Share of the visible certificates the simulator changes between two daily runs. */
export const DAILY_CHURN = 0.05;

/** The 5-day run's organization: 20 accounts × 17 regions, 1–3 regions with 0–10 certificates each. */
export const SMALL_ORG_SHAPE: OrgShape = {
  accounts: 20,
  perActiveTarget: { min: 0, max: 10 },
  activeRegionsPerAccount: { min: 1, max: 3 },
};

export interface ChangeCheck {
  /** Every change injected since the last scan was reported, and every reported change is explained. */
  matched: boolean;
  /** Injected changes this scan did not report, with why the scan could not see them. */
  missing: MissedChange[];
  /** Changes injected before the last scan that this one reported (missed then, found now). */
  late: string[];
  /** Reported changes that nothing injected and the passing day does not explain. */
  unexplained: string[];
  /** Changes the passing day alone causes (threshold crossings, expiry, validation timing out). */
  timeDriven: number;
}

export interface MissedChange {
  change: string;
  arn: string;
  daysToExpiry?: number;
  reason: string;
}

export const MISS_REASONS = {
  outsideRenewalWindow: `renewal status changed more than ${RENEWAL_WINDOW_DAYS} days before expiry, where ACM does not renew; the describe policy re-reads renewal status inside that window`,
  summaryUnchanged: `in use before and after: ListCertificates shows no difference; the refresh re-reads it within ${DEFAULT_REFRESH_DAYS} days`,
  notDescribed: 'the certificate was not described this run',
} as const;

function whyMissed(type: string, certificate: Certificate | undefined, days: number | undefined): string {
  if (type === 'RENEWAL_STATUS_CHANGED' && days !== undefined && days > RENEWAL_WINDOW_DAYS) {
    return MISS_REASONS.outsideRenewalWindow;
  }
  if ((type === 'ATTACHED' || type === 'DETACHED') && certificate?.inUse) return MISS_REASONS.summaryUnchanged;
  return MISS_REASONS.notDescribed;
}

/**
 * What the passing day changes by itself: a threshold crossed, a certificate expired, and a request ACM stopped
 * validating 72 hours after it was made (PENDING_VALIDATION becomes VALIDATION_TIMED_OUT without anyone acting).
 */
const isTimeDriven = (change: Change) =>
  change.type === 'THRESHOLD_CROSSED' ||
  (change.type === 'STATUS_CHANGED' && (change.after === 'EXPIRED' || change.after === 'VALIDATION_TIMED_OUT'));

/**
 * Compares what the simulator changed with what the scan reported, certificate by certificate. `outstanding` holds
 * what earlier scans missed: reported now, they count as late, not unexplained; it is updated in place.
 */
export function checkChanges(
  mutations: readonly Mutation[],
  changes: readonly Change[],
  outstanding: Set<string>,
  certificates: ReadonlyMap<string, Certificate> = new Map(),
  now?: Date,
): ChangeCheck {
  const injected = new Set(mutations.flatMap((m) => m.changes.map((type) => `${type} ${m.arn}`)));
  const detected = new Set(changes.map((c) => `${c.type} ${c.arn}`));
  const missingKeys = [...injected].filter((key) => !detected.has(key)).sort();
  const late = [...detected].filter((key) => !injected.has(key) && outstanding.has(key)).sort();
  const unexplained = changes
    .filter((c) => {
      const key = `${c.type} ${c.arn}`;
      return !injected.has(key) && !outstanding.has(key) && !isTimeDriven(c);
    })
    .map((c) => `${c.type} ${c.arn}`)
    .sort();
  const timeDriven = changes.filter((c) => !injected.has(`${c.type} ${c.arn}`) && isTimeDriven(c)).length;
  for (const key of detected) outstanding.delete(key);
  for (const key of missingKeys) outstanding.add(key);
  const missing = missingKeys.map((key): MissedChange => {
    const [change = '', arn = ''] = key.split(' ');
    const certificate = certificates.get(arn);
    const days = certificate && now ? daysToExpiry(certificate, now) : undefined;
    return {
      change,
      arn,
      ...(days !== undefined ? { daysToExpiry: days } : {}),
      reason: whyMissed(change, certificate, days),
    };
  });
  return { matched: missing.length === 0 && unexplained.length === 0, missing, late, unexplained, timeDriven };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export interface SecondsSummary {
  median: number;
  p90: number;
  max: number;
  sum: number;
}

export function summarize(values: readonly number[]): SecondsSummary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: round(quantile(sorted, 0.5), 3),
    p90: round(quantile(sorted, 0.9), 3),
    max: round(sorted[sorted.length - 1] ?? 0, 3),
    sum: round(
      sorted.reduce((sum, s) => sum + s, 0),
      2,
    ),
  };
}

/** What the cost model needs from one daily run. */
export interface RunUsage {
  /** Lambda invocations: ListTargets, ScanTarget (one per child), FinalizeRun. */
  invocations: { listTargets: number; scanTarget: number; finalizeRun: number };
  seconds: { listTargets: number; scanTarget: SecondsSummary; finalizeRun: number; run: number };
  /** The children's Express duration as billed: each child rounded up to 100 ms (a Lambda invoke adds ~20 ms). */
  expressBilledSeconds: number;
  dynamo: { listTargets: MeterReading; scanTarget: MeterReading; finalizeRun: MeterReading };
  /** Simulated AWS answers by `Service.Operation` (S3, Secrets Manager, STS, ACM, ...). */
  calls: Record<string, number>;
  throttled: number;
  slackPosts: number;
  /** Bytes of the run's report objects (JSON and HTML) in the work bucket. */
  reportBytes: number;
}

export interface DayRun {
  /** 0: the first full scan; 1, 2, ...: the days after, each following one churn. */
  day: number;
  wallSeconds: number;
  targets: number;
  targetsNotOk: number;
  certificates: number;
  /** ACM answers by operation (throttled answers included). */
  acmCalls: Record<string, number>;
  acmCallsPerCertificate: number;
  describeCallsPerCertificate: number;
  /** DescribeCertificate and ListTagsForCertificate: the calls that grow with the certificates. */
  perCertificateCallsPerCertificate: number;
  listCallsPerTarget: number;
  /** Account-regions left unlisted as clean (the event path on). */
  skippedClean: number;
  changesDetected: Record<string, number>;
  changesInjected: Record<string, number>;
  /** The change types the injected mutations should produce. */
  changesExpected: Record<string, number>;
  check: ChangeCheck;
  usage: RunUsage;
}

export interface SteadyStateOptions {
  shape: OrgShape;
  /** Days to run after the first full scan. */
  churnDays: number;
  churnFraction?: number;
  seed?: number;
  /** The deployment's settings; default: cdk.json's. */
  config?: CertMonitorConfig;
  /** @default BENCH_LATENCY_MS */
  latencyMs?: number;
  log?: (line: string) => void;
  /**
   * The event path on in every region: each churned account-region is marked dirty as its events would mark it,
   * and the runs leave clean targets unlisted (core/events/skip.ts). @default false
   */
  dirtyMarks?: boolean;
}

export interface SteadyStateRun {
  accounts: number;
  regions: number;
  churnFraction: number;
  maxConcurrency: number;
  days: DayRun[];
  /** One hourly heartbeat check after the last run. */
  heartbeat: { seconds: number; dynamo: MeterReading; secretsCalls: number };
}

function usageOf(run: RunMeasure): RunUsage {
  return {
    invocations: { listTargets: 1, scanTarget: run.scanTargets.childSeconds.length, finalizeRun: 1 },
    seconds: {
      listTargets: round(run.listTargets.seconds, 3),
      scanTarget: summarize(run.scanTargets.childSeconds),
      finalizeRun: round(run.finalizeRun.seconds, 3),
      run: round(run.wallSeconds, 2),
    },
    expressBilledSeconds: round(
      run.scanTargets.childSeconds.reduce((sum, seconds) => sum + Math.ceil((seconds + 0.02) * 10) / 10, 0),
      1,
    ),
    dynamo: {
      listTargets: run.listTargets.dynamo,
      scanTarget: run.scanTargets.dynamo,
      finalizeRun: run.finalizeRun.dynamo,
    },
    calls: run.calls.byOperation,
    throttled: run.calls.byOutcome.throttled,
    slackPosts: run.slackPosts,
    reportBytes: run.reportBytes,
  };
}

/** The first full scan, then `churnDays` days of churn, clock + 1 day and a run, against one state table. */
export async function runSteadyState(options: SteadyStateOptions): Promise<SteadyStateRun> {
  const churnFraction = options.churnFraction ?? DAILY_CHURN;
  const config = options.config ?? parseConfig(deployedConfig());
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const bench = await BenchSim.start({
    shape: options.shape,
    dynamo: true,
    seed,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  });
  try {
    const pipeline = await LocalPipeline.open(bench, config, { events: options.dirtyMarks === true });
    const outstanding = new Set<string>();
    const days: DayRun[] = [];
    let beat: SteadyStateRun['heartbeat'];
    try {
      for (let day = 0; day <= options.churnDays; day++) {
        let mutations: Mutation[] = [];
        if (day > 0) {
          mutations = await bench.request('churn', { seed: seed * 1000 + day, fraction: churnFraction });
          // Each change's events reach the hub within the day and mark its account-region dirty.
          const at = bench.now.toISOString();
          await pipeline.events?.markDirty(
            [...new Set(mutations.filter((m) => m.region).map((m) => `${m.accountId}#${m.region}`))].map((key) => {
              const [accountId = '', region = ''] = key.split('#');
              return { accountId, region, since: at, lastEventAt: at, events: 1 };
            }),
          );
          await bench.advanceDays(1);
        }
        await bench.request('resetQuotas');
        const run = await pipeline.run(`bench-day-${day}`);
        const certificates = run.finalizeRun.result.run.certificates;
        const byArn = new Map((await pipeline.store.loadAllCertificates()).map((cert) => [cert.arn, cert]));
        const acmCalls = Object.fromEntries(
          Object.entries(run.calls.byOperation).filter(([operation]) => operation.startsWith('ACM.')),
        );
        const perCertificate = (n: number) => (certificates > 0 ? round(n / certificates, 3) : 0);
        const describes = acmCalls['ACM.DescribeCertificate'] ?? 0;
        const tagCalls = acmCalls['ACM.ListTagsForCertificate'] ?? 0;
        const dayRun: DayRun = {
          day,
          wallSeconds: round(run.wallSeconds, 2),
          targets: run.scanTargets.targets,
          targetsNotOk: run.scanTargets.summaries.reduce(
            (sum, s) => sum + (s.statuses.partial ?? 0) + (s.statuses.error ?? 0),
            0,
          ),
          certificates,
          acmCalls,
          acmCallsPerCertificate: perCertificate(Object.values(acmCalls).reduce((sum, n) => sum + n, 0)),
          describeCallsPerCertificate: perCertificate(describes),
          perCertificateCallsPerCertificate: perCertificate(describes + tagCalls),
          listCallsPerTarget: round((acmCalls['ACM.ListCertificates'] ?? 0) / Math.max(1, run.scanTargets.targets), 3),
          skippedClean: run.finalizeRun.result.run.skippedClean ?? 0,
          changesDetected: countBy(run.changes, (c) => c.type),
          changesInjected: countBy(mutations, (m) => m.kind),
          changesExpected: countBy(
            mutations.flatMap((m) => m.changes),
            (type) => type,
          ),
          check: checkChanges(day > 0 ? mutations : [], day > 0 ? run.changes : [], outstanding, byArn, bench.now),
          usage: usageOf(run),
        };
        days.push(dayRun);
        log(
          `  day ${day}: ${dayRun.wallSeconds} s, ${certificates} certificates, ` +
            `${dayRun.acmCallsPerCertificate} ACM calls/certificate (${dayRun.describeCallsPerCertificate} describes), ` +
            `${run.changes.length} changes, matched ${dayRun.check.matched}`,
        );
      }
      const measured = await pipeline.heartbeat();
      beat = { ...measured, seconds: round(measured.seconds, 3) };
    } finally {
      await pipeline.close();
    }
    return {
      accounts: options.shape.accounts,
      regions: BENCH_REGIONS.length,
      churnFraction,
      maxConcurrency: config.maxConcurrency,
      days,
      heartbeat: beat,
    };
  } finally {
    await bench.close();
  }
}

export interface P2Result {
  acmCallsPerCertificate: number;
  describeCallsPerCertificate: number;
  changesDetected: Record<string, number>;
  changesInjected: Record<string, number>;
  matched: boolean;
  churnFraction: number;
  /** The 70-account organization: its first full run and the day after. */
  main: SteadyStateRun;
  /** 20 accounts, five churned days after the first run. */
  fiveDays: SteadyStateRun;
  /** The 70-account organization again with the event path on: dirty marks, clean targets left unlisted. */
  withDirtyMarks?: SteadyStateRun;
}

export async function runP2(options: { log: (line: string) => void }): Promise<P2Result> {
  options.log(`p2: ${P1_SHAPE.accounts} accounts × ${BENCH_REGIONS.length} regions, first run then one day of churn`);
  const main = await runSteadyState({ shape: P1_SHAPE, churnDays: 1, log: options.log });
  options.log(`p2: ${SMALL_ORG_SHAPE.accounts} accounts × ${BENCH_REGIONS.length} regions, five days of churn`);
  const fiveDays = await runSteadyState({ shape: SMALL_ORG_SHAPE, churnDays: 5, seed: 7, log: options.log });
  options.log(`p2: ${P1_SHAPE.accounts} accounts again, the event path on (dirty marks)`);
  const withDirtyMarks = await runSteadyState({ shape: P1_SHAPE, churnDays: 1, dirtyMarks: true, log: options.log });
  const day = main.days[1] as DayRun;
  return {
    acmCallsPerCertificate: day.acmCallsPerCertificate,
    describeCallsPerCertificate: day.describeCallsPerCertificate,
    changesDetected: day.changesDetected,
    changesInjected: day.changesInjected,
    matched: day.check.matched,
    churnFraction: main.churnFraction,
    main,
    fiveDays,
    withDirtyMarks,
  };
}
