/**
 * `npm run bench`: the monitor's performance and cost figures, measured against the simulated organization (quotas
 * and latency on), a local DynamoDB and the hub stack's real bundles. Prints a table and writes bench/results.json.
 *
 *   npm run bench                  every part (about five minutes on two cores)
 *   npm run bench -- --only p1,p3  some parts; the others are kept from the last results.json
 *   npm run bench -- --only p1 --latency 100 --out /tmp/p1-100ms.json   p1 at another simulated latency
 *
 * Parts: p1 first full scan vs the quota bound and a sequential script; p2 steady-state daily runs with churn;
 * p3 bundle sizes and start-up; p4 monthly cost; p5 what 5,000 accounts need; p6 event-to-alert latency and
 * duplicates on the event path; p7 the TLS probe of 500 endpoints; p8 the HTML report's filtering time for 2,000
 * certificates in headless Chromium. See bench/README.md.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../lambdas/scan/audit';
import { type BundleResult, functionsOf, runP3, synthesizeHub } from './bundles';
import { costModel, type P4Result, stackFacts } from './cost';
import { type P6Result, runP6 } from './events';
import { type P7Result, runP7 } from './probe';
import { type P8Result, runP8 } from './report-filter';
import { type P5Result, runP5 } from './scale';
import { type P1Result, round, runP1 } from './scan';
import { type DayRun, type P2Result, runP2 } from './steady-state';

export const PARTS = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8'] as const;
export type Part = (typeof PARTS)[number];

const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url));

export interface BenchArgs {
  parts: Part[];
  /** Simulated latency of every call in p1 (ms); the other parts always use BENCH_LATENCY_MS. */
  latencyMs?: number;
  out: string;
}

function flag(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  if (index < 0) return undefined;
  const value = argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const latency = flag(argv, '--latency');
  const latencyMs = latency === undefined ? undefined : Number(latency);
  if (latencyMs !== undefined && !(Number.isInteger(latencyMs) && latencyMs >= 0 && latencyMs <= 2000)) {
    throw new Error(`--latency takes whole milliseconds from 0 to 2000; got "${latency}"`);
  }
  return {
    parts: parseParts(argv),
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    out: flag(argv, '--out') ?? RESULTS_PATH,
  };
}

export interface Results {
  p1?: P1Result;
  p2?: P2Result;
  p3?: BundleResult[];
  p4?: P4Result;
  p5?: P5Result;
  p6?: P6Result;
  p7?: P7Result;
  p8?: P8Result;
  /** When and under what load each part was measured. */
  runs: Partial<Record<Part, { at: string; seconds: number; loadBefore: number[]; loadAfter: number[] }>>;
  machine: { cpus: number; cpuModel: string; node: string };
  goals: Record<string, { goal: string; value: number | boolean | undefined; met: boolean | undefined }>;
}

export function parseParts(argv: readonly string[]): Part[] {
  const index = argv.indexOf('--only');
  if (index < 0) return [...PARTS];
  const list = (argv[index + 1] ?? '').split(',').map((part) => part.trim());
  const unknown = list.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0 || list.length === 0) {
    throw new Error(`--only takes a comma-separated list of ${PARTS.join(', ')}; got "${argv[index + 1] ?? ''}"`);
  }
  return PARTS.filter((part) => list.includes(part));
}

function loadPrevious(path: string): Partial<Results> {
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Partial<Results>;
  } catch {
    return {};
  }
}

function loads(): number[] {
  return loadavg().map((value) => round(value, 2));
}

export function goals(results: Partial<Results>): Results['goals'] {
  const steady = results.p2?.main.days[1];
  const marked = results.p2?.withDirtyMarks?.days[1];
  const worst = (pick: (fn: BundleResult) => number) =>
    results.p3 && results.p3.length > 0 ? Math.max(...results.p3.map(pick)) : undefined;
  const check = (value: number | undefined, ok: (v: number) => boolean) =>
    value === undefined ? undefined : ok(value);
  const bytes = worst((fn) => fn.bundleBytes);
  const init = worst((fn) => fn.initMs);
  const p6 = results.p6;
  const p6Seconds = p6 ? round(p6.latency.p95Ms / 1000 + p6.awsAdds.batchingWindowSeconds, 1) : undefined;
  return {
    p1Ratio: { goal: '<= 1.25', value: results.p1?.ratio, met: check(results.p1?.ratio, (v) => v <= 1.25) },
    p1PipelineRatio: {
      goal: '<= 1.25',
      value: results.p1?.pipeline?.ratio,
      met: check(results.p1?.pipeline?.ratio, (v) => v <= 1.25),
    },
    p1Speedup: { goal: '>= 20', value: results.p1?.speedup, met: check(results.p1?.speedup, (v) => v >= 20) },
    p2AcmCallsPerCertificate: {
      goal: '<= 0.25',
      value: steady?.acmCallsPerCertificate,
      met: check(steady?.acmCallsPerCertificate, (v) => v <= 0.25),
    },
    p2Matched: { goal: 'true', value: results.p2?.matched, met: results.p2?.matched },
    p2DirtyMarksAcmCallsPerCertificate: {
      goal: '<= 0.25',
      value: marked?.acmCallsPerCertificate,
      met: check(marked?.acmCallsPerCertificate, (v) => v <= 0.25),
    },
    p3LargestBundleBytes: { goal: '<= 409600', value: bytes, met: check(bytes, (v) => v <= 400 * 1024) },
    p3SlowestInitMs: { goal: '<= 150', value: init, met: check(init, (v) => v <= 150) },
    p4MonthlyUsd: { goal: '<= 2', value: results.p4?.monthlyUsd, met: check(results.p4?.monthlyUsd, (v) => v <= 2) },
    p6EventToAlertP95Seconds: {
      goal: '<= 60 (local p95 + the batching window)',
      value: p6Seconds,
      met: check(p6Seconds, (v) => v <= 60),
    },
    p6DuplicatesSent: {
      goal: '0',
      value: results.p6?.alerts.duplicatesSent,
      met: check(results.p6?.alerts.duplicatesSent, (v) => v === 0),
    },
    p7WallSeconds: {
      goal: '<= 60',
      value: results.p7?.wallSeconds,
      met: check(results.p7?.wallSeconds, (v) => v <= 60),
    },
    p7Matched: { goal: 'true', value: results.p7?.matched, met: results.p7?.matched },
    p8MedianFilterMs: { goal: '< 100', value: results.p8?.medianMs, met: check(results.p8?.medianMs, (v) => v < 100) },
  };
}

function table(rows: Array<[string, string, string]>): string {
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

export function summaryTable(results: Partial<Results>): string {
  const rows: Array<[string, string, string]> = [['figure', 'value', 'goal']];
  const g = goals(results);
  const mark = (met: boolean | undefined) => (met === undefined ? '' : met ? ' (met)' : ' (not met)');
  const { p1, p2, p3, p4, p5, p6, p7, p8 } = results;
  if (p1) {
    rows.push([
      `p1 CLI first full scan (${p1.latencyMs} ms a call)`,
      `${p1.wallSeconds} s for ${p1.targets} targets, ${p1.certificates} certificates, CPU ${p1.cpuSeconds.product} s ` +
        `(simulator ${p1.cpuSeconds.awsSide} s)`,
      '',
    ]);
    rows.push([
      'p1 bound',
      `${p1.boundSeconds} s at ${p1.describeRatePerSecond}/s (${p1.quotaBoundSeconds} s at the 10/s quota; largest ` +
        `target: ${p1.largestTarget.certificates} certificates)`,
      '',
    ]);
    rows.push(['p1 CLI ratio', `${p1.ratio} (${p1.ratioToQuota} to the quota)`, `<= 1.25${mark(g.p1Ratio?.met)}`]);
    if (p1.pipeline) {
      rows.push([
        'p1 pipeline first run',
        `${p1.pipeline.wallSeconds} s, ${p1.pipeline.children} children, CPU ${p1.pipeline.cpuSeconds} s; ratio ` +
          `${p1.pipeline.ratio} (${p1.pipeline.ratioToQuota} to the quota)`,
        `<= 1.25${mark(g.p1PipelineRatio?.met)}`,
      ]);
    }
    rows.push(['p1 sequential script', `${p1.baselineWallSeconds} s`, '']);
    rows.push(['p1 speedup', `${p1.speedup}×`, `>= 20${mark(g.p1Speedup?.met)}`]);
  }
  if (p2) {
    const day = p2.main.days[1] as DayRun;
    rows.push([
      'p2 steady day ACM calls',
      `${day.acmCallsPerCertificate}/certificate (describe ${day.describeCallsPerCertificate}, list ${day.listCallsPerTarget}/target)`,
      `<= 0.25${mark(g.p2AcmCallsPerCertificate?.met)}`,
    ]);
    rows.push([
      'p2 changes matched',
      `${p2.matched} (${day.check.missing.length} missed, ${day.check.unexplained.length} unexplained)`,
      '',
    ]);
    const five = p2.fiveDays.days
      .slice(1)
      .map((d) => d.acmCallsPerCertificate)
      .join(' / ');
    rows.push(['p2 20 accounts, days 1-5', `${five} ACM calls/certificate`, '']);
    const marked = p2.withDirtyMarks?.days[1];
    if (marked) {
      rows.push([
        'p2 steady day, dirty marks on',
        `${marked.acmCallsPerCertificate}/certificate (describe ${marked.describeCallsPerCertificate}, ` +
          `${marked.skippedClean} of ${marked.targets + marked.skippedClean} targets left unlisted as clean; ` +
          `changes matched ${marked.check.matched}, ${marked.check.missing.length} missed)`,
        `<= 0.25${mark(g.p2DirtyMarksAcmCallsPerCertificate?.met)}`,
      ]);
    }
  }
  if (p3) {
    for (const fn of p3) {
      rows.push([
        `p3 ${fn.name}`,
        `${(fn.bundleBytes / 1024).toFixed(0)} KiB, init ${fn.initMs} ms`,
        '<= 400 KiB, <= 150 ms',
      ]);
    }
  }
  if (p4)
    rows.push([
      'p4 monthly cost',
      `$${p4.monthlyUsd} ($${p4.monthlyUsdAfterFreeTier} after free tier)`,
      `<= 2${mark(g.p4MonthlyUsd?.met)}`,
    ]);
  if (p5) {
    rows.push([
      `p5 ListTargets, ${p5.accounts} accounts`,
      `${p5.listTargets.wallSeconds} s of ${p5.listTargets.timeoutSeconds} s timeout at ${p5.latencyMs} ms a call`,
      '',
    ]);
    rows.push([
      `p5 one run, ${p5.children} children (${p5.targets} account-regions)`,
      `~${p5.durationEstimateMinutes} min at concurrency ${p5.maxConcurrency}; ${p5.transitionsPerRun} transitions; ` +
        `Step Functions $${p5.stepFunctionsMonthlyUsd?.total}/month (one child per account-region: ` +
        `$${p5.stepFunctionsMonthlyUsdOneChildPerTarget})`,
      '',
    ]);
  }
  if (p6) {
    rows.push([
      `p6 event → alert (${p6.latencyMsPerCall} ms a call)`,
      `p50 ${(p6.latency.p50Ms / 1000).toFixed(1)} s, p95 ${(p6.latency.p95Ms / 1000).toFixed(1)} s over ${p6.latency.samples} alerts ` +
        `(${p6.events.delivered} events, ${p6.events.duplicatesDelivered} delivered twice, ${p6.events.batches} batches, ` +
        `${p6.events.rescans} rescans); AWS adds up to ${p6.awsAdds.batchingWindowSeconds} s of batching window`,
      `<= 60 s${mark(g.p6EventToAlertP95Seconds?.met)}`,
    ]);
    rows.push([
      'p6 alerts sent twice',
      `${p6.alerts.duplicatesSent} (${p6.alerts.sent} sent for ${p6.alerts.failuresCaused} failures; ` +
        `${p6.alerts.resentByNextRun} sent again by the next daily run)`,
      `0${mark(g.p6DuplicatesSent?.met)}`,
    ]);
  }
  if (p7) {
    rows.push([
      `p7 probe ${p7.endpoints} endpoints (${p7.unreachable} unreachable)`,
      `${p7.wallSeconds} s at ${p7.timeoutMs / 1000} s timeout, concurrency ${p7.concurrency}`,
      `<= 60${mark(g.p7WallSeconds?.met)}`,
    ]);
    rows.push([
      'p7 findings vs planted',
      `${p7.found}/${p7.planted} found, ${p7.missed} missed, ${p7.falseFindings} false`,
      `all, 0 false${mark(g.p7Matched?.met)}`,
    ]);
  }
  if (p8) {
    rows.push([
      `p8 report filtering, ${p8.certificates} certificates`,
      `median ${p8.medianMs} ms (script and layout ${p8.medianScriptAndLayoutMs} ms), p95 ${p8.p95Ms} ms, worst ${p8.worstMs} ms (${p8.worstAction}) over ${p8.actions} ` +
        `clicks and keystrokes, Chromium ${p8.browser}`,
      `< 100${mark(g.p8MedianFilterMs?.met)}`,
    ]);
  }
  return table(rows);
}

async function main(): Promise<void> {
  const { parts, latencyMs, out } = parseArgs(process.argv.slice(2));
  const previous = loadPrevious(out);
  const results: Partial<Results> = { ...previous, runs: { ...(previous.runs ?? {}) } };
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const runs = results.runs as Results['runs'];
  const timed = async <T>(part: Part, body: () => Promise<T>): Promise<T> => {
    const loadBefore = loads();
    const started = performance.now();
    const value = await body();
    runs[part] = {
      at: new Date().toISOString(),
      seconds: round((performance.now() - started) / 1000, 1),
      loadBefore,
      loadAfter: loads(),
    };
    return value;
  };
  log(`load average ${loads().join(' ')} on ${cpus().length} cores`);

  // Settings as deployed, from the synthesized template (no bundling: it only reads properties).
  const facts = synthesizeHub({ bundling: false });
  const functions = functionsOf(facts.template, facts.outdir);
  rmSync(facts.outdir, { recursive: true, force: true });
  const timeoutOf = (name: string) => functions.find((fn) => fn.name === name)?.timeoutSeconds ?? 0;

  if (parts.includes('p1')) {
    results.p1 = await timed('p1', () =>
      runP1({
        // The CLI as a user runs it: its own default; the pipeline's run takes the Map's from the config.
        accountConcurrency: DEFAULT_ACCOUNT_CONCURRENCY,
        config: facts.config,
        ...(latencyMs !== undefined ? { latencyMs } : {}),
        log,
      }),
    );
  }
  if (parts.includes('p2')) results.p2 = await timed('p2', () => runP2({ log }));
  if (parts.includes('p3')) results.p3 = (await timed('p3', () => runP3({ log }))).functions;
  if (parts.includes('p4')) {
    const steady = results.p2?.main;
    const usage = steady?.days[steady.days.length - 1]?.usage;
    if (!steady || !usage) throw new Error('p4 needs p2: run it with --only p2,p4 or without --only');
    results.p4 = await timed('p4', async () =>
      costModel({
        run: steady,
        usage,
        stack: stackFacts({ template: facts.template, functions, config: facts.config }),
        ...(results.p3 ? { bundles: results.p3 } : {}),
      }),
    );
  }
  if (parts.includes('p5')) {
    const childSeconds = results.p2?.main.days[1]?.usage.seconds.scanTarget.median;
    results.p5 = await timed('p5', () =>
      runP5({
        maxConcurrency: facts.config.maxConcurrency,
        listTargetsTimeoutSeconds: timeoutOf('ListTargets'),
        scanTargetTimeoutSeconds: timeoutOf('ScanTarget'),
        ...(childSeconds ? { childSeconds } : {}),
        log,
      }),
    );
  }
  if (parts.includes('p8')) results.p8 = await timed('p8', () => runP8({ log }));

  if (parts.includes('p7')) results.p7 = await timed('p7', () => runP7({ log }));

  if (parts.includes('p6')) results.p6 = await timed('p6', () => runP6({ log }));

  results.machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version };
  results.goals = goals(results);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${summaryTable(results)}\n\nwrote ${out}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
