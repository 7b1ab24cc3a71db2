/**
 * p4: what the deployed monitor costs a month, built from what the benchmark measured of one steady daily run of
 * the 70 × 17 organization (p2: invocations, durations, request units, S3 and Secrets Manager calls, Slack posts),
 * the functions' start-up (p3) and the hub stack as synthesized (memory sizes, alarms, dashboards, keys), plus the
 * fixed monthly items. Every item says whether its quantity was measured, counted from the template or estimated.
 */
import { METRICS } from '../lambdas/core/names';
import type { BundleResult } from './bundles';
import { PRICE_REGION, PRICES, PRICES_AS_OF, type PriceKey } from './prices';
import { round } from './scan';
import type { RunUsage, SteadyStateRun } from './steady-state';

export const DAYS_PER_MONTH = 30;
export const HEARTBEATS_PER_MONTH = 24 * DAYS_PER_MONTH;

/** What the cost model reads from the synthesized hub stack. */
export interface StackFacts {
  /** Memory by function name (ListTargets, ScanTarget, FinalizeRun, Heartbeat). */
  memoryMb: Record<string, number>;
  alarms: number;
  dashboards: number;
  kmsKeys: number;
  secrets: number;
  /** States of the parent state machine a run enters besides the Map's children. */
  parentStates: number;
  logRetentionDays: number;
  historyDays: number;
  maxConcurrency: number;
}

export interface CostItem {
  name: string;
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  usd: number;
  /** After AWS's always-free allowance (if the account uses it for nothing else). */
  usdAfterFreeTier: number;
  /** measured | template | estimate: where the quantity comes from, and how. */
  basis: string;
}

export interface P4Result {
  monthlyUsd: number;
  /** The same bill when the always-free allowances are not used by anything else in the account. */
  monthlyUsdAfterFreeTier: number;
  /** Items that grow with the organization (runs, targets, certificates). */
  variableUsd: number;
  /** Items that cost the same whatever the organization's size. */
  fixedUsd: number;
  items: CostItem[];
  pricesAsOf: string;
  region: string;
  assumptions: string[];
}

/**
 * Custom metrics the Lambdas publish (lambdas/handlers/metrics.ts): every metric name in METRICS, each once with the
 * `service` dimension only (test/unit/handlers/metrics.test.ts holds the handlers to that).
 */
export function customMetricCount(): number {
  const { namespace: _namespace, serviceName: _serviceName, ...names } = METRICS;
  return Object.keys(names).length;
}

/** Log bytes per invocation: the platform's START/END/REPORT lines, the handler's JSON log lines and EMF documents. */
const LOG_BYTES = {
  platform: 350,
  listTargets: 1_500,
  scanTarget: 1_000,
  finalizeRun: 6_000,
  heartbeat: 600,
} as const;

/** When a function's start-up is unknown (p3 not run). */
const DEFAULT_INIT_SECONDS = 0.3;
/** Slack takes about one message a second per webhook; FinalizeRun's delivery waits that long between posts. */
const SLACK_SECONDS_PER_POST = 1;

function item(key: PriceKey, quantity: number, basis: string): CostItem {
  const price = PRICES[key] as { name: string; unit: string; usd: number; alwaysFree?: number };
  const free = price.alwaysFree ?? 0;
  return {
    name: price.name,
    quantity: round(quantity, 3),
    unit: price.unit,
    unitPriceUsd: price.usd,
    usd: round(quantity * price.usd, 4),
    usdAfterFreeTier: round(Math.max(0, quantity - free) * price.usd, 4),
    basis,
  };
}

export function costModel(input: {
  run: SteadyStateRun;
  usage: RunUsage;
  stack: StackFacts;
  bundles?: readonly BundleResult[];
}): P4Result {
  const { usage, stack, run } = input;
  const days = DAYS_PER_MONTH;
  const init = (name: string) =>
    (input.bundles?.find((fn) => fn.name === name)?.initMs ?? DEFAULT_INIT_SECONDS * 1000) / 1000;
  const gb = (name: string) => (stack.memoryMb[name] ?? 128) / 1024;
  // One ScanTarget invocation (Map child) per account.
  const children = usage.invocations.scanTarget;
  const targets = run.days[run.days.length - 1]?.targets ?? children;
  const coldStarts = Math.min(children, stack.maxConcurrency);
  const calls = (operation: string) => usage.calls[operation] ?? 0;
  const sumUnits = (kind: 'readUnits' | 'writeUnits') =>
    usage.dynamo.listTargets[kind] + usage.dynamo.scanTarget[kind] + usage.dynamo.finalizeRun[kind];

  const lambdaSeconds = {
    listTargets: usage.seconds.listTargets + init('ListTargets'),
    scanTarget: usage.seconds.scanTarget.sum + coldStarts * init('ScanTarget'),
    finalizeRun:
      usage.seconds.finalizeRun + init('FinalizeRun') + Math.max(0, usage.slackPosts - 1) * SLACK_SECONDS_PER_POST,
    heartbeat: run.heartbeat.seconds + init('Heartbeat'),
  };
  const gbSeconds =
    days *
      (gb('ListTargets') * lambdaSeconds.listTargets +
        gb('ScanTarget') * lambdaSeconds.scanTarget +
        gb('FinalizeRun') * lambdaSeconds.finalizeRun) +
    HEARTBEATS_PER_MONTH * gb('Heartbeat') * lambdaSeconds.heartbeat;

  const certificates = run.days[run.days.length - 1]?.certificates ?? 0;
  // Items kept historyDays: per-run target results, change events and history, about 1 KB per written unit.
  const storedGb = (certificates * 2048 + usage.dynamo.scanTarget.writeUnits * 1024 * stack.historyDays) / 1024 ** 3;
  const logGb =
    (days *
      (LOG_BYTES.platform * (children + 2) +
        LOG_BYTES.listTargets +
        LOG_BYTES.scanTarget * targets +
        LOG_BYTES.finalizeRun) +
      HEARTBEATS_PER_MONTH * (LOG_BYTES.platform + LOG_BYTES.heartbeat)) /
    1024 ** 3;

  const variable: CostItem[] = [
    item(
      'lambdaRequests',
      days * (2 + children) + HEARTBEATS_PER_MONTH,
      `measured: ${children} ScanTarget (one per account) + ListTargets + FinalizeRun invocations a run, × ${days}; + hourly Heartbeat`,
    ),
    item(
      'lambdaArmGbSecond',
      gbSeconds,
      `measured durations × template memory (ScanTarget ${stack.memoryMb.ScanTarget} MB): children sum ` +
        `${usage.seconds.scanTarget.sum} s a run (upper bound: ${stack.maxConcurrency} children shared one core here), ` +
        `${coldStarts} cold starts × p3 init, Slack pacing ${usage.slackPosts} posts × 1 s`,
    ),
    item(
      'sfnStandardTransitions',
      days * (stack.parentStates + children),
      `template + measured: ${stack.parentStates} parent states + one transition per child the Distributed Map starts`,
    ),
    item('sfnExpressRequests', days * children, 'measured: one Express child per account'),
    item(
      'sfnExpressGbSecond',
      days * usage.expressBilledSeconds * (64 / 1024),
      'measured child durations rounded up to 100 ms, at the 64 MB minimum',
    ),
    item(
      'dynamoWriteUnits',
      days * sumUnits('writeUnits') + HEARTBEATS_PER_MONTH * run.heartbeat.dynamo.writeUnits,
      `measured (ReturnConsumedCapacity, + index writes): ${round(sumUnits('writeUnits'), 1)} WRU a run`,
    ),
    item(
      'dynamoReadUnits',
      days * sumUnits('readUnits') + HEARTBEATS_PER_MONTH * run.heartbeat.dynamo.readUnits,
      `measured: ${round(sumUnits('readUnits'), 1)} RRU a run, ${run.heartbeat.dynamo.readUnits} a heartbeat`,
    ),
    item(
      'dynamoStorage',
      storedGb,
      `estimate: ${certificates} certificates × 2 KB + ${stack.historyDays} days of run items`,
    ),
    item('dynamoPitr', storedGb, 'estimate: PITR is on (template), billed on the table size'),
    item('s3Put', days * calls('S3.PutObject'), 'measured: work list and the two report objects a run'),
    item(
      's3Get',
      days * (calls('S3.GetObject') + 1),
      "measured: FinalizeRun's read + the Distributed Map's item reader",
    ),
    item(
      's3Storage',
      (30 * usage.reportBytes) / 1024 ** 3,
      `measured: ${usage.reportBytes} bytes of reports a run, kept 30 days (lifecycle)`,
    ),
    item(
      'secretsApi',
      days + HEARTBEATS_PER_MONTH * run.heartbeat.secretsCalls,
      'measured: one read per FinalizeRun and per (cold) Heartbeat',
    ),
    item('logsIngestion', logGb, 'estimate: platform lines + JSON log lines + EMF documents per invocation'),
    item('logsStorage', logGb * (stack.logRetentionDays / 30), `estimate: ${stack.logRetentionDays} days retained`),
    item(
      'xrayTraces',
      days * (1 + children),
      'estimate (upper bound): every execution traced (tracing on in the template)',
    ),
    item('scheduler', days + HEARTBEATS_PER_MONTH, 'template: the daily run and the hourly heartbeat'),
  ];
  const fixed: CostItem[] = [
    item('secret', stack.secrets, 'template: the Slack webhook secret'),
    item('kmsKey', stack.kmsKeys, 'template: the alarm topic key'),
    item('alarm', stack.alarms, 'template'),
    item('dashboard', stack.dashboards, 'template'),
    item('customMetric', customMetricCount(), 'code: the METRICS names, the ones the alarms watch'),
  ];
  const items = [...variable, ...fixed];
  const total = (list: CostItem[], field: 'usd' | 'usdAfterFreeTier') =>
    round(
      list.reduce((sum, i) => sum + i[field], 0),
      2,
    );
  return {
    monthlyUsd: total(items, 'usd'),
    monthlyUsdAfterFreeTier: total(items, 'usdAfterFreeTier'),
    variableUsd: total(variable, 'usd'),
    fixedUsd: total(fixed, 'usd'),
    items,
    pricesAsOf: PRICES_AS_OF,
    region: PRICE_REGION,
    assumptions: [
      `${run.accounts} accounts × ${run.regions} regions, ${targets} targets in ${children} children, one run a day (${days} a month), the steady day measured in p2`,
      'Lambda on arm64 at the template memory; INIT is billed (since August 2025); each run starts cold',
      'Express children billed at 64 MB and in 100 ms steps; the Distributed Map bills one Standard transition per child',
      'DynamoDB on-demand; the local DynamoDB reports table units only, index writes are added one unit each',
      'free allowances: only the always-free ones, and only if nothing else in the account uses them',
    ],
  };
}

export interface SynthesizedFacts {
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  functions: Array<{ name: string; memoryMb: number }>;
  config: { logRetentionDays: number; historyDays: number; maxConcurrency: number };
}

/** What the cost model needs from the synthesized hub stack. */
export function stackFacts(synth: SynthesizedFacts): StackFacts {
  const count = (type: string) =>
    Object.values(synth.template.Resources).filter((resource) => resource.Type === type).length;
  return {
    memoryMb: Object.fromEntries(synth.functions.map((fn) => [fn.name, fn.memoryMb])),
    alarms: count('AWS::CloudWatch::Alarm'),
    dashboards: count('AWS::CloudWatch::Dashboard'),
    kmsKeys: count('AWS::KMS::Key'),
    secrets: count('AWS::SecretsManager::Secret'),
    parentStates: 3,
    logRetentionDays: synth.config.logRetentionDays,
    historyDays: synth.config.historyDays,
    maxConcurrency: synth.config.maxConcurrency,
  };
}
