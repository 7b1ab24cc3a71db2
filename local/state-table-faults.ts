/**
 * Days of daily audits against a simulated organization whose own state table answers like a busy DynamoDB (the
 * fault proxy in front of dynalite) and whose ACM and STS answer the odd 500 or throttle, compared with the same
 * days without any fault. Shared by the fault tests and the 30-day measurement (bench/state-table-faults.ts), so the
 * figures in a report come from the very code the tests hold to.
 *
 * Each world runs the `audit` command in-process (runAuditCommand, the CLI's own composition) with --state-table and
 * alerts to a local Slack receiver, day after day: the organization changes (the simulator's churn) and the
 * simulated clock moves a day between runs. A world is one simulator, one dynalite and one proxy; worlds run one
 * after the other because the SDK finds the simulator through the process environment.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrganizationsClient, createStsClient } from '../lambdas/aws/clients';
import { createStateTableClient } from '../lambdas/aws/store/client';
import type { StateTableRetryOptions, StateTableRetryStats } from '../lambdas/aws/store/retry';
import { parseArgs } from '../lambdas/cli/args';
import { type CliDeps, runAuditCommand } from '../lambdas/cli/run-audit';
import { isStateTableFailure } from '../lambdas/core/monitor-health';
import { parseReport, type Report } from '../lambdas/core/report';
import { defaultSlackPoster } from '../lambdas/wiring/slack';
import { startDynalite } from './dynalite';
import {
  type DynamoFaultCounts,
  type DynamoFaultProxy,
  type DynamoFaultRates,
  startDynamoFaultProxy,
} from './dynamo-fault-proxy';
import { generateScenario, type Simulator, startSimulator } from './sim';
import { startSlackReceiver } from './slack-receiver';

/** The rates of the month: a table as busy as a real one on a bad day. */
export const BUSY_TABLE: DynamoFaultRates = { writeThrottle: 0.15, writeAnswerLost: 0.03, readServerError: 0.05 };

export interface FaultRunOptions {
  days: number;
  /** Scenario and churn seed. */
  seed: number;
  /** Accounts of the organization, the management account included. */
  accounts: number;
  regions: string[];
  /** Share of the visible certificates changed each day. */
  churn: number;
  /** Faults of the state table; absent: none (the baseline). */
  table?: DynamoFaultRates;
  /** ACM and STS calls answered 500 or throttled each day (counted faults in the simulator). @default 0 */
  awsFaultsPerDay?: number;
  /** The state-table client's retries. @default the deployed ones */
  tableRetry?: StateTableRetryOptions;
  /** Called before each day's run, after the day's churn (e.g. to take the table down for a while). */
  beforeDay?: (day: number, world: { proxy: DynamoFaultProxy; sim: Simulator }) => void;
}

/** One day of one world. */
export interface FaultDay {
  day: number;
  exitCode: number;
  /** Alert notice ids delivered this day, in order. */
  alerts: string[];
  report: Report;
  /** Certificates the simulator held in each target the report says was read (not `error`), missing from the report. */
  missing: string[];
  /** Targets whose scan the state table's trouble turned partial. */
  stateTableTargets: number;
}

export interface FaultWorld {
  days: FaultDay[];
  proxy: DynamoFaultCounts;
  retries: StateTableRetryStats;
}

const ROLE_NAME = 'CertAuditReadOnly';

export async function runFaultWorld(options: FaultRunOptions): Promise<FaultWorld> {
  const scenario = generateScenario({
    seed: options.seed,
    accounts: options.accounts,
    regions: options.regions,
    certificatesPerTarget: { min: 1, max: 6 },
    activeRegionsPerAccount: { min: 1, max: options.regions.length },
    inactiveAccounts: false,
    roleName: ROLE_NAME,
  });
  const sim = await startSimulator({ scenario });
  const saved = { ...process.env };
  Object.assign(process.env, sim.env());
  const dynalite = await startDynalite();
  const proxy = await startDynamoFaultProxy({
    upstream: dynalite.endpoint,
    seed: options.seed,
    ...(options.table ? { rates: options.table } : {}),
  });
  const slack = await startSlackReceiver();
  const region = sim.env().AWS_REGION ?? 'us-east-1';
  const table = createStateTableClient({
    region,
    endpoint: proxy.endpoint,
    credentials: sim.credentials,
    ...(options.tableRetry ? { retry: options.tableRetry } : {}),
  });
  const sts = createStsClient({ region });
  const organizations = createOrganizationsClient({ region });
  const work = mkdtempSync(join(tmpdir(), 'state-table-faults-'));
  const days: FaultDay[] = [];
  try {
    for (let day = 0; day < options.days; day++) {
      if (day > 0) {
        sim.org.churn(options.seed + day, { fraction: options.churn });
        sim.clock.advanceDays(1);
      }
      injectAwsFaults(sim, options.awsFaultsPerDay ?? 0);
      options.beforeDay?.(day, { proxy, sim });
      const before = slack.posts('/alerts').length;
      const output = join(work, `day-${day}.json`);
      const parsed = parseArgs(
        [
          '--state-table',
          'state',
          '--alerts-webhook-url',
          `${slack.url}/alerts`,
          '--role-name',
          ROLE_NAME,
          '--regions',
          options.regions.join(','),
          '--format',
          'json',
          '--output',
          output,
        ],
        {},
      );
      if (parsed.kind !== 'run') throw new Error(`bad arguments: ${JSON.stringify(parsed)}`);
      const deps: CliDeps = {
        sts,
        organizations: () => organizations,
        dynamo: () => table.client,
        region,
        clock: () => sim.clock.now(),
        slackPoster: defaultSlackPoster({ minIntervalMs: 0 }),
      };
      const exitCode = await runAuditCommand(parsed.options, { stdout: sink(), stderr: sink() }, deps);
      const report = parseReport(JSON.parse(readFileSync(output, 'utf8')));
      const alerts = slack
        .posts('/alerts')
        .slice(before)
        .filter((post) => post.status === 200)
        .map((post) => noticeIdOf(post.body));
      days.push({
        day,
        exitCode,
        alerts,
        report,
        missing: missingCertificates(sim, report),
        stateTableTargets: report.targets.filter(isStateTableFailure).length,
      });
    }
    return { days, proxy: proxy.counts(), retries: structuredClone(table.retries.stats) };
  } finally {
    table.client.destroy();
    sts.destroy();
    organizations.destroy();
    await Promise.all([proxy.close(), slack.close(), sim.close()]);
    await dynalite.close();
    for (const key of Object.keys(sim.env())) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}

/** The odd AWS 500 or throttle: each retried by the SDK, none of them should change what on-call hears. */
function injectAwsFaults(sim: Simulator, count: number): void {
  for (let i = 0; i < count; i++) {
    if (i % 4 === 0) sim.faults.fail({ service: 'STS', count: 1 });
    else if (i % 2 === 0) sim.faults.fail({ service: 'ACM', count: 1 });
    else sim.faults.throttle({ service: 'ACM', count: 1 });
  }
}

function sink() {
  return { isTTY: false, write: () => true };
}

/** The alert's id, from the footer every alert carries (`alert <id>`). */
export function noticeIdOf(body: unknown): string {
  const text = JSON.stringify(body);
  const match = /alert ([^"\\\s]+)/.exec(text.slice(text.lastIndexOf('"context"')));
  return match?.[1] ?? 'unknown';
}

function missingCertificates(sim: Simulator, report: Report): string[] {
  const listed = new Set(report.certificates.map((cert) => cert.arn));
  return report.targets
    .filter((target) => target.status !== 'error')
    .flatMap((target) => sim.org.certificatesIn(target.accountId, target.region).map((r) => r.certificate.arn))
    .filter((arn) => !listed.has(arn));
}

/** What the faults changed for on-call and in the reports. */
export interface FaultComparison {
  incidents: number;
  alerts: number;
  alertsPerIncident: number;
  /** Alerts of the faulted world the baseline did not send. */
  noise: string[];
  /** Alerts of the baseline the faulted world never sent. */
  lost: string[];
  /** Alerts the faulted world sent more than once. */
  duplicates: string[];
  /** Alerts sent on a later day than in the baseline. */
  delayed: string[];
  coverageGapPages: number;
  monitorHealthPages: number;
  /** Certificates of read targets missing from a faulted report. */
  missingCertificates: number;
  /** Targets the state table's trouble turned partial, over every day. */
  stateTableTargets: number;
}

export function compareWorlds(baseline: FaultWorld, faulted: FaultWorld): FaultComparison {
  const sent = (world: FaultWorld) => world.days.flatMap((day) => day.alerts);
  const dayOf = (world: FaultWorld) => {
    const first = new Map<string, number>();
    for (const day of world.days) for (const id of day.alerts) if (!first.has(id)) first.set(id, day.day);
    return first;
  };
  const base = sent(baseline);
  const fault = sent(faulted);
  const baseSet = new Set(base);
  const faultSet = new Set(fault);
  const baseDay = dayOf(baseline);
  const faultDay = dayOf(faulted);
  const incidents = new Set(fault.map((id) => id.slice(0, id.lastIndexOf('#')))).size;
  return {
    incidents,
    alerts: fault.length,
    alertsPerIncident: incidents === 0 ? 0 : Math.round((fault.length / incidents) * 100) / 100,
    noise: [...faultSet].filter((id) => !baseSet.has(id)),
    lost: [...baseSet].filter((id) => !faultSet.has(id)),
    duplicates: [...faultSet].filter((id) => fault.indexOf(id) !== fault.lastIndexOf(id)),
    delayed: [...baseSet].filter(
      (id) => faultDay.has(id) && (faultDay.get(id) as number) > (baseDay.get(id) as number),
    ),
    coverageGapPages: fault.filter((id) => id.startsWith('COVERAGE_GAP#')).length,
    monitorHealthPages: fault.filter((id) => id.startsWith('MONITOR_STATE_TABLE#')).length,
    missingCertificates: faulted.days.reduce((sum, day) => sum + day.missing.length, 0),
    stateTableTargets: faulted.days.reduce((sum, day) => sum + day.stateTableTargets, 0),
  };
}

/**
 * Imports a certificate into a target that already holds some (the first the simulator has), in use and expiring
 * in five days: a certificate whose alert is due the day it is first read, which the outage tests need.
 */
export function importExpiringCertificate(sim: Simulator): string {
  const { accountId, region } = sim.org.allCertificates()[0]!;
  const arn = `arn:aws:acm:${region}:${accountId}:certificate/00000000-0000-4000-8000-00000000beef`;
  const now = sim.clock.nowMs();
  sim.org.addCertificate({
    arn,
    domainName: 'legacy.outage.example.com',
    type: 'IMPORTED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    renewalEligibility: 'INELIGIBLE',
    issuer: 'Example CA',
    importedAt: new Date(now - 300 * 86_400_000).toISOString(),
    notBefore: new Date(now - 300 * 86_400_000).toISOString(),
    notAfter: new Date(now + 5 * 86_400_000 + 3_600_000).toISOString(),
    inUseBy: [`arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/app/legacy/1`],
  });
  return arn;
}
