/**
 * p5: what one run needs at 5,000 accounts × 17 regions. The ListTargets step is run for real on a simulated
 * 5,000-account organization with almost no certificates (Organizations paging, then AssumeRole and ListRegions per
 * account, as the Lambda does); the rest is worked out from the measured step and the deployed settings, against
 * the service limits the run meets.
 */
import { DEFAULT_AUDIT_ROLE_NAME } from '../lambdas/core/names';
import { DEFAULT_ACCOUNT_CONCURRENCY, listTargets } from '../lambdas/scan/list-targets';
import { BENCH_EXTERNAL_ID, BENCH_REGIONS, type OrgShape } from './org';
import { PRICES } from './prices';
import { round } from './scan';
import { BenchSim } from './sim-env';

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
  children: number;
  maxConcurrency: number;
  distributedMapLimit: number;
  listTargets: {
    wallSeconds: number;
    /** The Lambda's timeout in the template, and how much of it the measured step used. */
    timeoutSeconds: number;
    shareOfTimeout: number;
    accountConcurrency: number;
    calls: Record<string, number>;
    throttled: number;
    /** The work list as ListTargets writes it to S3. */
    workListBytes: number;
    cpuSeconds: number;
  };
  /** Per run: AssumeRole by ListTargets (one per account) and by the children (one per child: a new session each). */
  assumeRolePerRun: number;
  /** Children per second at the deployed concurrency and the measured child time; each starts with AssumeRole. */
  assumeRolePerSecondEstimate: number;
  childSecondsUsed: number;
  /** children × child time / concurrency + ListTargets: the run's length at the deployed concurrency. */
  durationEstimateMinutes: number;
  /** The same at the concurrency that would end the map in about 15 minutes (within every limit below). */
  concurrencyFor15Minutes: number;
  /**
   * Step Functions per month at one run a day: one Standard transition per child today, and if a child scanned one
   * account's regions (5,000 children, one AssumeRole each).
   */
  standardTransitionsMonthlyUsd: { childPerTarget: number; childPerAccount: number };
  /** Longest first scan a child can finish inside ScanTarget's timeout (less the 30 s safety margin), at 9/s. */
  maxCertificatesDescribedInOneChild: number;
  limits: typeof LIMITS;
}

export async function runP5(options: ScaleInputs & { log: (line: string) => void }): Promise<P5Result> {
  options.log(`p5: ListTargets on a simulated ${SCALE_SHAPE.accounts}-account organization`);
  const bench = await BenchSim.start({ shape: SCALE_SHAPE });
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const listed = await listTargets(
      { sts: bench.sts, organizations: bench.organizations, clientConfig: bench.clientConfig },
      {
        accounts: 'organization',
        regions: 'enabled',
        roleName: DEFAULT_AUDIT_ROLE_NAME,
        externalId: BENCH_EXTERNAL_ID,
        runId: 'bench-p5',
      },
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const counters = await bench.request('counters');
    const children = listed.targets.length;
    const accounts = SCALE_SHAPE.accounts - listed.failures.length;
    options.log(`p5: ${children} targets listed in ${wallSeconds.toFixed(1)} s`);

    const childSeconds = options.childSeconds ?? 0.5;
    const mapSeconds = (children * childSeconds) / options.maxConcurrency;
    const for15 = Math.min(LIMITS.distributedMapMaxConcurrency, Math.ceil((children * childSeconds) / (15 * 60)));
    const assumeRolePerRun = accounts + children;
    return {
      accounts: SCALE_SHAPE.accounts,
      regions: BENCH_REGIONS.length,
      children,
      maxConcurrency: options.maxConcurrency,
      distributedMapLimit: LIMITS.distributedMapMaxConcurrency,
      listTargets: {
        wallSeconds: round(wallSeconds, 1),
        timeoutSeconds: options.listTargetsTimeoutSeconds,
        shareOfTimeout: round(wallSeconds / options.listTargetsTimeoutSeconds, 3),
        accountConcurrency: DEFAULT_ACCOUNT_CONCURRENCY,
        calls: counters.byOperation,
        throttled: counters.byOutcome.throttled,
        workListBytes: Buffer.byteLength(JSON.stringify(listed.targets)),
        cpuSeconds: round((cpu.user + cpu.system) / 1e6, 1),
      },
      assumeRolePerRun,
      assumeRolePerSecondEstimate: round(options.maxConcurrency / childSeconds, 1),
      childSecondsUsed: round(childSeconds, 3),
      durationEstimateMinutes: round((wallSeconds + mapSeconds) / 60, 1),
      concurrencyFor15Minutes: for15,
      standardTransitionsMonthlyUsd: {
        childPerTarget: round(30 * (3 + children) * PRICES.sfnStandardTransitions.usd, 2),
        childPerAccount: round(30 * (3 + accounts) * PRICES.sfnStandardTransitions.usd, 2),
      },
      maxCertificatesDescribedInOneChild: Math.floor((options.scanTargetTimeoutSeconds - 30) * 9),
      limits: LIMITS,
    };
  } finally {
    await bench.close();
  }
}
