/**
 * p1: the first full scan of an organization, through the CLI's audit and through the pipeline's own use cases,
 * timed against the least time its largest target can take at the scanner's pace, and against the sequential
 * reference script on the same simulated organization.
 */
import type { CertMonitorConfig } from '../infra/config';
import { DEFAULT_DESCRIBE_RATE_PER_SECOND } from '../lambdas/aws/rate-limit';

import type { TargetResult } from '../lambdas/core/model';
import { DEFAULT_AUDIT_ROLE_NAME } from '../lambdas/core/names';
import type { SnapshotStore } from '../lambdas/core/ports';
import { type AuditResult, runAudit } from '../lambdas/scan/audit';
import { DEFAULT_QUOTAS } from '../local/sim';
import type { TargetShape } from './aws-protocol';
import { type SequentialScanResult, sequentialScan } from './baseline-sequential';
import { BENCH_REGIONS, distribution, P1_SHAPE } from './org';
import { LocalPipeline } from './pipeline';
import { BENCH_EXTERNAL_ID, BenchSim } from './sim-env';

/** ListCertificates returns up to 1,000 summaries a page. */
const LIST_PAGE = 1000;

export interface TargetBound {
  accountId: string;
  region: string;
  certificates: number;
  seconds: number;
}

/**
 * The least time one target can take: its ListCertificates pages at 8/s, then (side by side, as the scanner runs
 * them, each on its own quota) C describes and C ListTagsForCertificate at `perSecond`: ACM's quota (10/s), or the
 * pace the scanner keeps to leave the quota headroom (8/s by default). Latency and the burst allowance are left out
 * on purpose.
 */
export function targetBoundSeconds(
  certificates: number,
  perSecond: number = DEFAULT_QUOTAS.DescribeCertificate,
): number {
  const listPages = Math.max(1, Math.ceil(certificates / LIST_PAGE));
  const list = listPages / DEFAULT_QUOTAS.ListCertificates;
  const describe = certificates / perSecond;
  const tags = certificates / Math.min(perSecond, DEFAULT_QUOTAS.ListTagsForCertificate);
  return list + Math.max(describe, tags);
}

/** The largest per-target bound of an organization (the scan cannot end sooner, however parallel). */
export function organizationBound(targets: readonly TargetShape[], perSecond?: number): TargetBound {
  let worst: TargetBound = { accountId: '', region: '', certificates: 0, seconds: 0 };
  for (const target of targets) {
    const seconds = targetBoundSeconds(target.certificates, perSecond);
    if (seconds > worst.seconds) worst = { ...target, seconds };
  }
  const { accountId, region, certificates, seconds } = worst;
  return { accountId, region, certificates, seconds };
}

export interface ProductScan {
  wallSeconds: number;
  /** CPU the product's process used during the scan (user + system seconds). */
  cpuSeconds: number;
  /** When each target's scan started and ended, seconds from the audit's start (`<account>|<region>`). */
  timeline: Map<string, { start: number; end: number }>;
  result: AuditResult;
  /** Targets whose scan was not `ok`. */
  notOk: TargetResult[];
}

/** The CLI's whole audit: list the accounts, then every account (its regions side by side), as many at once as the Map. */
export async function productScan(
  bench: BenchSim,
  options: { runId: string; accountConcurrency: number; store?: SnapshotStore },
): Promise<ProductScan> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const timeline = new Map<string, { start: number; end: number }>();
  const result = await runAudit(
    {
      sts: bench.sts,
      organizations: bench.organizations,
      clientConfig: bench.clientConfig,
      // Sessions expire on the simulator's clock: read their expiry against it, as Lambda's clock agrees with AWS's.
      clock: () => bench.now,
      ...(options.store ? { store: options.store } : {}),
    },
    {
      accounts: 'organization',
      regions: 'enabled',
      roleName: DEFAULT_AUDIT_ROLE_NAME,
      externalId: BENCH_EXTERNAL_ID,
      runId: options.runId,
      now: bench.now,
      accountConcurrency: options.accountConcurrency,
    },
    (progress) => {
      const last = progress.last;
      if (!last) return;
      const end = (performance.now() - started) / 1000;
      timeline.set(`${last.accountId}|${last.region}`, { start: end - last.durationMs / 1000, end });
    },
  );
  const used = process.cpuUsage(cpu);
  return {
    wallSeconds: (performance.now() - started) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    timeline,
    result,
    notOk: result.targets.filter((target) => target.status !== 'ok'),
  };
}

export interface P1Result {
  /** The CLI's audit (runAudit): wall time, and its ratio to the bound at the scanner's pace and at ACM's quota. */
  wallSeconds: number;
  boundSeconds: number;
  ratio: number;
  quotaBoundSeconds: number;
  ratioToQuota: number;
  /** The pace the bound assumes: the scanner's default describe rate (ACM allows 10/s; it leaves headroom). */
  describeRatePerSecond: number;
  certificates: number;
  targets: number;
  /** The pipeline's first run (ListTargets, then one child per account, Map concurrency), no stored sizes. */
  pipeline: {
    wallSeconds: number;
    ratio: number;
    ratioToQuota: number;
    cpuSeconds: number;
    children: number;
    /** The child of the account holding the largest target: when it started (seconds into the Map) and its length. */
    largestAccount: { startedAtSeconds: number; seconds: number };
  };
  baselineWallSeconds: number;
  speedup: number;
  latencyMs: number;
  accountConcurrency: number;
  /** Targets by certificate count. */
  distribution: Record<string, number>;
  /** The largest target: its bound, how long its own scan took and when it started (seconds into the audit). */
  largestTarget: TargetBound & { scanSeconds: number; startedAtSeconds: number };
  /** CPU used during the CLI's scan: its own process (the product), and the simulator's (another process). */
  cpuSeconds: { product: number; awsSide: number };
  targetsNotOk: number;
  /** Simulator answers by `Service.Operation` during the CLI's scan, and how many were throttled. */
  calls: Record<string, number>;
  throttled: number;
  baseline: SequentialScanResult & { throttled: number };
}

export async function runP1(options: {
  accountConcurrency: number;
  /** The deployed configuration (cdk.json), for the pipeline's run. */
  config: CertMonitorConfig;
  /** @default BENCH_LATENCY_MS */
  latencyMs?: number;
  log: (line: string) => void;
}): Promise<P1Result> {
  const bench = await BenchSim.start({
    shape: P1_SHAPE,
    // The pipeline's run needs the state table.
    dynamo: true,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  });
  try {
    const targets = await bench.request('targets');
    const bound = organizationBound(targets, DEFAULT_DESCRIBE_RATE_PER_SECOND);
    const quotaBound = organizationBound(targets);
    options.log(
      `p1: ${P1_SHAPE.accounts} accounts × ${BENCH_REGIONS.length} regions, ${bench.latencyMs} ms per call, ` +
        `CLI ${options.accountConcurrency} accounts at once, pipeline ${options.config.maxConcurrency} children`,
    );
    const awsCpuBefore = await bench.request('cpuSeconds');
    const scan = await productScan(bench, { runId: 'bench-p1', accountConcurrency: options.accountConcurrency });
    const awsCpu = (await bench.request('cpuSeconds')) - awsCpuBefore;
    const snapshot = await bench.request('counters');
    const largest = scan.result.targets.find((t) => t.accountId === bound.accountId && t.region === bound.region);
    options.log(`p1: CLI audit ${scan.wallSeconds.toFixed(1)} s (bound ${bound.seconds.toFixed(1)} s)`);

    await bench.request('resetQuotas');
    const pipeline = await LocalPipeline.open(bench, options.config);
    let pipelineRun: Awaited<ReturnType<LocalPipeline['run']>>;
    const pipelineCpu = process.cpuUsage();
    try {
      pipelineRun = await pipeline.run('bench-p1-pipeline');
    } finally {
      await pipeline.close();
    }
    const pipelineCpuUsed = process.cpuUsage(pipelineCpu);
    // The first full scan: ListTargets and the Map; FinalizeRun's report and Slack are not the scan.
    const pipelineSeconds = pipelineRun.listTargets.seconds + pipelineRun.scanTargets.seconds;
    options.log(`p1: pipeline first run, scan ${pipelineSeconds.toFixed(1)} s`);

    await bench.request('resetQuotas');
    await bench.request('resetCounters');
    const baseline = await sequentialScan(bench, {
      roleName: DEFAULT_AUDIT_ROLE_NAME,
      externalId: BENCH_EXTERNAL_ID,
      regions: BENCH_REGIONS,
    });
    const baselineThrottled = (await bench.request('counters')).byOutcome.throttled;
    options.log(`p1: sequential reference ${baseline.wallSeconds.toFixed(1)} s`);

    return {
      wallSeconds: round(scan.wallSeconds, 2),
      boundSeconds: round(bound.seconds, 2),
      ratio: round(scan.wallSeconds / bound.seconds, 3),
      quotaBoundSeconds: round(quotaBound.seconds, 2),
      ratioToQuota: round(scan.wallSeconds / quotaBound.seconds, 3),
      describeRatePerSecond: DEFAULT_DESCRIBE_RATE_PER_SECOND,
      certificates: scan.result.certificates.length,
      targets: scan.result.targets.length,
      pipeline: {
        wallSeconds: round(pipelineSeconds, 2),
        ratio: round(pipelineSeconds / bound.seconds, 3),
        ratioToQuota: round(pipelineSeconds / quotaBound.seconds, 3),
        cpuSeconds: round((pipelineCpuUsed.user + pipelineCpuUsed.system) / 1e6, 1),
        children: pipelineRun.scanTargets.childSeconds.length,
        largestAccount: {
          startedAtSeconds: round(pipelineRun.scanTargets.childTimeline.get(bound.accountId)?.start ?? 0, 2),
          seconds: round(
            (pipelineRun.scanTargets.childTimeline.get(bound.accountId)?.end ?? 0) -
              (pipelineRun.scanTargets.childTimeline.get(bound.accountId)?.start ?? 0),
            2,
          ),
        },
      },
      baselineWallSeconds: round(baseline.wallSeconds, 2),
      speedup: round(baseline.wallSeconds / scan.wallSeconds, 2),
      latencyMs: bench.latencyMs,
      accountConcurrency: options.accountConcurrency,
      distribution: distribution(targets.map((target) => target.certificates)),
      largestTarget: {
        ...bound,
        seconds: round(bound.seconds, 2),
        scanSeconds: round((largest?.durationMs ?? 0) / 1000, 2),
        startedAtSeconds: round(scan.timeline.get(`${bound.accountId}|${bound.region}`)?.start ?? 0, 2),
      },
      cpuSeconds: { product: round(scan.cpuSeconds, 1), awsSide: round(awsCpu, 1) },
      targetsNotOk: scan.notOk.length,
      calls: snapshot.byOperation,
      throttled: snapshot.byOutcome.throttled,
      baseline: { ...baseline, wallSeconds: round(baseline.wallSeconds, 2), throttled: baselineThrottled },
    };
  } finally {
    await bench.close();
  }
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
