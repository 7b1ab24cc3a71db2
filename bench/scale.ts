/**
 * p5: what one run needs at 5,000 accounts × 17 regions. The ListTargets step is run for real on a simulated
 * 5,000-account organization at 80 ms a call (Organizations answers from us-east-1 whatever the hub region): it only
 * pages through ListAccounts. The rest is worked out from the measured step and the deployed settings, against the
 * service limits the run meets: one Map child per account, each assuming the audit role once and scanning its
 * regions side by side.
 */
import { listAccounts } from '../lambdas/scan/list-accounts';
import { BENCH_REGIONS, type OrgShape } from './org';
import { PRICES } from './prices';
import { round } from './scan';
import { BenchSim } from './sim-env';

/** Latency of every simulated call in p5: a cross-region call to Organizations' us-east-1 endpoint. */
export const SCALE_LATENCY_MS = 80;
export const SCALE_SHAPE: OrgShape = {
  accounts: 5000,
  perActiveTarget: { min: 0, max: 1 },
  activeRegionsPerAccount: { min: 1, max: 1 },
};

/** Limits a run meets (AWS documentation; the STS rate is the author's recollection of the IAM quotas page). */
export const LIMITS = {
  distributedMapMaxConcurrency: 10_000,
  lambdaTimeoutSeconds: 900,
  expressDurationSeconds: 300,
  standardHistoryEvents: 25_000,
  stsRequestsPerSecond: 600,
  accountListRegionsPerSecondPerAccount: 5,
  organizationsListAccountsPageSize: 20,
} as const;

export interface ScaleInputs {
  /** Deployed settings (cdk.json): children at once, ListTargets' and ScanTarget's timeouts. */
  maxConcurrency: number;
  listTargetsTimeoutSeconds: number;
  scanTargetTimeoutSeconds: number;
  /** Seconds one child takes in the steady state (p2's median), for the duration estimate. */
  childSeconds?: number;
}

export interface P5Result {
  accounts: number;
  regions: number;
  latencyMs: number;
  /** One Map child per account. */
  children: number;
  /** Account-regions the children scan between them. */
  targets: number;
  maxConcurrency: number;
  distributedMapLimit: number;
  listTargets: {
    wallSeconds: number;
    /** The Lambda's timeout in the template, and how much of it the measured step used. */
    timeoutSeconds: number;
    shareOfTimeout: number;
    calls: Record<string, number>;
    throttled: number;
    /** The work list as ListTargets writes it to S3. */
    workListBytes: number;
    cpuSeconds: number;
  };
  /** Per run: AssumeRole by the children, one per account (ListTargets assumes none). */
  assumeRolePerRun: number;
  /** Children per second at the deployed concurrency and the measured child time; each starts with AssumeRole. */
  assumeRolePerSecondEstimate: number;
  childSecondsUsed: number;
  /** children × child time / concurrency + ListTargets: the run's length at the deployed concurrency. */
  durationEstimateMinutes: number;
  /** The same at the concurrency that would end the map in about 15 minutes (within every limit below). */
  concurrencyFor15Minutes: number;
  /** Standard state transitions of one run: ListTargets, the Map, FinalizeRun, and one per child the Map starts. */
  transitionsPerRun: number;
  /**
   * Step Functions per month at one run a day: Standard transitions and Express children (requests; duration at
   * 64 MB in 100 ms steps for the estimated child time), and what one child per account-region cost before.
   */
  stepFunctionsMonthlyUsd: { transitions: number; expressRequests: number; expressDuration: number; total: number };
  stepFunctionsMonthlyUsdOneChildPerTarget: number;
  /** Longest first scan a child can finish inside ScanTarget's timeout (less the 30 s safety margin), at 9/s. */
  maxCertificatesDescribedInOneChild: number;
  limits: typeof LIMITS;
}

export async function runP5(options: ScaleInputs & { log: (line: string) => void }): Promise<P5Result> {
  options.log(
    `p5: ListTargets on a simulated ${SCALE_SHAPE.accounts}-account organization, ${SCALE_LATENCY_MS} ms a call`,
  );
  const bench = await BenchSim.start({ shape: SCALE_SHAPE, latencyMs: SCALE_LATENCY_MS });
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const listed = await listAccounts({ organizations: bench.organizations }, { accounts: 'organization' });
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const counters = await bench.request('counters');
    const children = listed.accounts.length;
    const targets = children * BENCH_REGIONS.length;
    options.log(`p5: ${children} accounts listed in ${wallSeconds.toFixed(1)} s`);

    // A child scans its regions side by side: it lasts about as long as one small target did, plus its role.
    const childSeconds = options.childSeconds ?? 1;
    const mapSeconds = (children * childSeconds) / options.maxConcurrency;
    const for15 = Math.min(LIMITS.distributedMapMaxConcurrency, Math.ceil((children * childSeconds) / (15 * 60)));
    const transitionsPerRun = 3 + children;
    const billedSeconds = Math.ceil(childSeconds * 10) / 10;
    const monthly = {
      transitions: 30 * transitionsPerRun * PRICES.sfnStandardTransitions.usd,
      expressRequests: 30 * children * PRICES.sfnExpressRequests.usd,
      expressDuration: 30 * children * billedSeconds * (64 / 1024) * PRICES.sfnExpressGbSecond.usd,
    };
    return {
      accounts: SCALE_SHAPE.accounts,
      regions: BENCH_REGIONS.length,
      latencyMs: SCALE_LATENCY_MS,
      children,
      targets,
      maxConcurrency: options.maxConcurrency,
      distributedMapLimit: LIMITS.distributedMapMaxConcurrency,
      listTargets: {
        wallSeconds: round(wallSeconds, 1),
        timeoutSeconds: options.listTargetsTimeoutSeconds,
        shareOfTimeout: round(wallSeconds / options.listTargetsTimeoutSeconds, 3),
        calls: counters.byOperation,
        throttled: counters.byOutcome.throttled,
        workListBytes: Buffer.byteLength(
          JSON.stringify(listed.accounts.map((account) => ({ accountId: account.id, accountName: account.name }))),
        ),
        cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
      },
      assumeRolePerRun: children,
      assumeRolePerSecondEstimate: round(options.maxConcurrency / childSeconds, 1),
      childSecondsUsed: round(childSeconds, 3),
      durationEstimateMinutes: round((wallSeconds + mapSeconds) / 60, 1),
      concurrencyFor15Minutes: for15,
      transitionsPerRun,
      stepFunctionsMonthlyUsd: {
        transitions: round(monthly.transitions, 2),
        expressRequests: round(monthly.expressRequests, 2),
        expressDuration: round(monthly.expressDuration, 2),
        total: round(monthly.transitions + monthly.expressRequests + monthly.expressDuration, 2),
      },
      stepFunctionsMonthlyUsdOneChildPerTarget: round(
        30 * (3 + targets) * PRICES.sfnStandardTransitions.usd + 30 * targets * PRICES.sfnExpressRequests.usd,
        2,
      ),
      maxCertificatesDescribedInOneChild: Math.floor((options.scanTargetTimeoutSeconds - 30) * 8),
      limits: LIMITS,
    };
  } finally {
    await bench.close();
  }
}
