/**
 * p1: the first full scan of an organization, timed against the least time the ACM quotas allow for its largest
 * target, and against the sequential reference script on the same simulated organization.
 */

import type { TargetResult } from '../lambdas/core/model';
import { DEFAULT_AUDIT_ROLE_NAME } from '../lambdas/core/names';
import type { SnapshotStore } from '../lambdas/core/ports';
import { type AuditResult, runAudit } from '../lambdas/scan/audit';
import { DEFAULT_QUOTAS } from '../local/sim';
import type { TargetShape } from './aws-protocol';
import { type SequentialScanResult, sequentialScan } from './baseline-sequential';
import { BENCH_REGIONS, distribution, P1_SHAPE } from './org';
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
 * The least time the quotas allow for one target's first scan: its ListCertificates pages at 8/s, then (side by
 * side, as the scanner runs them, each on its own quota) C describes at 10/s and C ListTagsForCertificate at 10/s.
 * Latency and the burst allowance are left out on purpose.
 */
export function targetBoundSeconds(certificates: number): number {
  const listPages = Math.max(1, Math.ceil(certificates / LIST_PAGE));
  const list = listPages / DEFAULT_QUOTAS.ListCertificates;
  const describe = certificates / DEFAULT_QUOTAS.DescribeCertificate;
  const tags = certificates / DEFAULT_QUOTAS.ListTagsForCertificate;
  return list + Math.max(describe, tags);
}

/** The largest per-target bound of an organization (the scan cannot end sooner, however parallel). */
export function organizationBound(targets: readonly TargetShape[]): TargetBound {
  let worst: TargetBound = { accountId: '', region: '', certificates: 0, seconds: 0 };
  for (const target of targets) {
    const seconds = targetBoundSeconds(target.certificates);
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

/** The product's whole audit (listTargets, then every target) as the CLI and the pipeline's children run it. */
export async function productScan(
  bench: BenchSim,
  options: { runId: string; targetConcurrency: number; store?: SnapshotStore },
): Promise<ProductScan> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const timeline = new Map<string, { start: number; end: number }>();
  const result = await runAudit(
    {
      sts: bench.sts,
      organizations: bench.organizations,
      clientConfig: bench.clientConfig,
      ...(options.store ? { store: options.store } : {}),
    },
    {
      accounts: 'organization',
      regions: 'enabled',
      roleName: DEFAULT_AUDIT_ROLE_NAME,
      externalId: BENCH_EXTERNAL_ID,
      runId: options.runId,
      now: bench.now,
      targetConcurrency: options.targetConcurrency,
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
  wallSeconds: number;
  boundSeconds: number;
  ratio: number;
  certificates: number;
  targets: number;
  baselineWallSeconds: number;
  speedup: number;
  latencyMs: number;
  targetConcurrency: number;
  /** Targets by certificate count. */
  distribution: Record<string, number>;
  /** The largest target: its bound, how long its own scan took and when it started (seconds into the audit). */
  largestTarget: TargetBound & { scanSeconds: number; startedAtSeconds: number };
  /** CPU used during the product's scan: its own process, and the simulator's (another process). */
  cpuSeconds: { product: number; awsSide: number };
  targetsNotOk: number;
  /** Simulator answers by `Service.Operation` during the product scan, and how many were throttled. */
  calls: Record<string, number>;
  throttled: number;
  baseline: SequentialScanResult & { throttled: number };
}

export async function runP1(options: {
  targetConcurrency: number;
  /** @default BENCH_LATENCY_MS */
  latencyMs?: number;
  log: (line: string) => void;
}): Promise<P1Result> {
  const bench = await BenchSim.start({
    shape: P1_SHAPE,
    ...(options.latencyMs !== undefined ? { latencyMs: options.latencyMs } : {}),
  });
  try {
    const targets = await bench.request('targets');
    const bound = organizationBound(targets);
    options.log(
      `p1: ${P1_SHAPE.accounts} accounts × ${BENCH_REGIONS.length} regions, ${bench.latencyMs} ms per call, ` +
        `${options.targetConcurrency} targets at once`,
    );
    const awsCpuBefore = await bench.request('cpuSeconds');
    const scan = await productScan(bench, { runId: 'bench-p1', targetConcurrency: options.targetConcurrency });
    const awsCpu = (await bench.request('cpuSeconds')) - awsCpuBefore;
    const snapshot = await bench.request('counters');
    const largest = scan.result.targets.find((t) => t.accountId === bound.accountId && t.region === bound.region);
    options.log(`p1: product scan ${scan.wallSeconds.toFixed(1)} s (bound ${bound.seconds.toFixed(1)} s)`);

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
      certificates: scan.result.certificates.length,
      targets: scan.result.targets.length,
      baselineWallSeconds: round(baseline.wallSeconds, 2),
      speedup: round(baseline.wallSeconds / scan.wallSeconds, 2),
      latencyMs: bench.latencyMs,
      targetConcurrency: options.targetConcurrency,
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
