/**
 * The event path end to end without Step Functions: a small simulated organization whose every certificate is
 * known, dynalite with the state table, the real stores, the local bus draining into the event use case, and a
 * stand-in for the daily run (every account scanned with the same scan, then the same alerting use case over the
 * whole snapshot) so a test can set a baseline and check what the next day sends.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runAlerting } from '../../../lambdas/alerting';
import { DynamoAlertStore } from '../../../lambdas/aws/alert-store';
import { type ClientConfig, createStsClient } from '../../../lambdas/aws/clients';
import { RoleCredentials } from '../../../lambdas/aws/credentials';
import { DynamoEventStore } from '../../../lambdas/aws/event-store';
import { DynamoStateStore } from '../../../lambdas/aws/state-store';
import { ensureTable } from '../../../lambdas/aws/table';
import type { OrganizationEvent } from '../../../lambdas/core/events/classify';
import { assess } from '../../../lambdas/core/findings';
import type { TargetResult } from '../../../lambdas/core/model';
import type { AlertNotice } from '../../../lambdas/core/notices';
import { type EventBatchResult, handleEvents } from '../../../lambdas/events/handle-events';
import { scanAccount } from '../../../lambdas/scan/scan-account';
import { startDynalite } from '../../../local/dynalite';
import { LocalEventBus, type LocalEventBusOptions } from '../../../local/event-bus';
import {
  parseScenario,
  type ScenarioCertificateInput,
  type ScenarioInput,
  type Simulator,
  startSimulator,
} from '../../../local/sim';

export const START = '2026-12-01T06:00:00.000Z';
export const MANAGEMENT = '111111111111';
export const MEMBER = '222222222222';
export const EXTERNAL_ID = 'ext-events';
export const ROLE_NAME = 'CertAuditReadOnly';
const DAY = 86_400_000;
const CLIENT_CONFIG: Omit<ClientConfig, 'credentials' | 'calls'> = { region: 'us-east-1', maxAttempts: 3 };
const SCAN_OPTIONS = { describeConcurrency: 5, describeRatePerSecond: 50, refreshDays: 7, thresholds: [30, 7] };

export function arnOf(region: string, n: number, account = MEMBER): string {
  return `arn:aws:acm:${region}:${account}:certificate/00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

function days(n: number): string {
  return new Date(Date.parse(START) + n * DAY).toISOString();
}

function cert(region: string, n: number, overrides: Partial<ScenarioCertificateInput> = {}): ScenarioCertificateInput {
  return {
    arn: arnOf(region, n),
    domainName: `c${n}.example.com`,
    subjectAlternativeNames: [`c${n}.example.com`],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notBefore: days(-150),
    notAfter: days(48),
    renewalEligibility: 'ELIGIBLE',
    inUseBy: [`arn:aws:elasticloadbalancing:${region}:${MEMBER}:loadbalancer/app/lb${n}/0123456789abcdef`],
    tags: { owner: 'team-a' },
    issuer: 'Amazon',
    ...overrides,
  };
}

/** What each certificate of MEMBER is for, by number. */
export const CERTS = {
  /** eu-west-1, in use, in its renewal window: its renewal fails. */
  renewing: 1,
  /** eu-west-1, imported, in use. */
  imported: 2,
  /** eu-west-1, unused: deleted. */
  unused: 3,
  /** us-east-1, unused, expires in 5 days: attached to a CloudFront distribution. */
  expiringUnused: 4,
  /** eu-west-1, in use, 20 days left: ACM sends Approaching Expiration daily. */
  approaching: 5,
  /** eu-west-1, in use, in its renewal window: a second renewal that fails (the lost event). */
  renewingToo: 6,
} as const;

export function scenario(): ScenarioInput {
  const eu = 'eu-west-1';
  return {
    managementAccountId: MANAGEMENT,
    start: START,
    accounts: [
      {
        id: MANAGEMENT,
        name: 'management',
        state: 'ACTIVE',
        enabledRegions: ['us-east-1', eu],
        roles: [{ name: ROLE_NAME, externalId: EXTERNAL_ID }],
        certificates: [],
      },
      {
        id: MEMBER,
        name: 'member',
        state: 'ACTIVE',
        enabledRegions: ['us-east-1', eu],
        roles: [{ name: ROLE_NAME, externalId: EXTERNAL_ID }],
        certificates: [
          cert(eu, CERTS.renewing, { renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: days(-1) } }),
          cert(eu, CERTS.imported, {
            type: 'IMPORTED',
            importedAt: days(-150),
            notAfter: days(100),
            renewalEligibility: 'INELIGIBLE',
            issuer: 'R11',
          }),
          cert(eu, CERTS.unused, { inUseBy: [], renewalEligibility: 'INELIGIBLE' }),
          cert('us-east-1', CERTS.expiringUnused, { inUseBy: [], renewalEligibility: 'INELIGIBLE', notAfter: days(5) }),
          cert(eu, CERTS.approaching, { notAfter: days(20) }),
          cert(eu, CERTS.renewingToo, { renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: days(-1) } }),
        ],
      },
    ],
  };
}

export interface EventHarness {
  sim: Simulator;
  bus: LocalEventBus;
  events: DynamoEventStore;
  snapshots: DynamoStateStore;
  /** Every alert delivered to on-call so far (notice id and stage), in order, by the event path or the daily run. */
  alerts: Delivered[];
  /** ACM calls answered since the last `resetCalls`, for one target or all. */
  acmCalls(filter?: { accountId?: string; region?: string; operation?: string }): number;
  resetCalls(): void;
  /** The daily run stand-in: scan everything, plan alerts over the whole snapshot. Returns what it delivered. */
  dailyRun(runId: string): Promise<Delivered[]>;
  /** Drains the bus into the event use case, `delayMs` of simulated time after the events (their trip to the hub). */
  drain(delayMs?: number): Promise<EventBatchResult[]>;
  /** DynamoDB operations the event use case sent (not the daily run's). */
  eventPathRequests: ReadonlySet<string>;
  /** Hands these events to the event use case as one batch. */
  handle(events: readonly OrganizationEvent[]): Promise<EventBatchResult>;
  close(): Promise<void>;
}

export interface Delivered {
  id: string;
  stage: AlertNotice['stage'];
  by: 'event' | 'daily';
}

let tables = 0;

export async function startEventHarness(bus: Omit<LocalEventBusOptions, 'org'> = {}): Promise<EventHarness> {
  const sim = await startSimulator({ scenario: parseScenario(scenario()) });
  const saved = { ...process.env };
  Object.assign(process.env, sim.env());
  const dynamo = await startDynalite();
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: sim.credentials });
  const eventPathRequests = new Set<string>();
  let handling = false;
  client.middlewareStack.add(
    (next, context) => (args) => {
      if (handling) eventPathRequests.add(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'meterEventPath' },
  );
  const doc = DynamoDBDocumentClient.from(client);
  tables += 1;
  const tableName = `events-${tables}`;
  await ensureTable(client, tableName);
  const clock = () => sim.clock.now();
  const snapshots = new DynamoStateStore({ client: doc, tableName, clock });
  const alertStore = new DynamoAlertStore(doc, { tableName });
  const events = new DynamoEventStore(doc, tableName);
  const sts = createStsClient(CLIENT_CONFIG);
  const localBus = new LocalEventBus({ org: sim.org, ...bus });
  const alerts: Delivered[] = [];

  const handle = async (batch: readonly OrganizationEvent[]) => {
    handling = true;
    const result = await handleEvents(
      {
        sts,
        clientConfig: CLIENT_CONFIG,
        snapshots,
        alerts: alertStore,
        events,
        slack: async () => ({
          kind: 'configured',
          webhooks: { alertsWebhookUrl: 'https://hooks.slack.com/services/T0/B0/local' },
        }),
        poster: () => ({ post: async () => undefined }),
        clock,
      },
      {
        events: batch,
        roleName: ROLE_NAME,
        externalId: EXTERNAL_ID,
        options: SCAN_OPTIONS,
        expiryDays: 30,
        ownerTagKey: 'owner',
      },
    ).finally(() => {
      handling = false;
    });
    for (const delivery of result.deliveries)
      alerts.push({ id: delivery.noticeId, stage: delivery.stage, by: 'event' });
    return result;
  };

  return {
    sim,
    bus: localBus,
    events,
    snapshots,
    alerts,
    acmCalls: (filter = {}) => sim.counters.total({ service: 'ACM', ...filter }),
    resetCalls: () => sim.counters.reset(),
    dailyRun: async (runId) => {
      const before = alerts.length;
      const now = clock();
      const roles = new RoleCredentials({
        sts,
        roleName: ROLE_NAME,
        externalId: EXTERNAL_ID,
        runId,
        clock,
      });
      const targets: TargetResult[] = [];
      for (const account of sim.org.accounts()) {
        const scan = await scanAccount(
          { roles, clientConfig: CLIENT_CONFIG, store: snapshots },
          { runId, account: { id: account.id, name: account.name }, regions: 'enabled', now, options: SCAN_OPTIONS },
        );
        targets.push(...scan.results);
      }
      for (const target of targets) await events.clearDirtyMark(target, now.toISOString());
      await runAlerting({
        store: alertStore,
        send: async (notice) => {
          alerts.push({ id: notice.id, stage: notice.stage, by: 'daily' });
        },
        certificates: (await snapshots.loadAllCertificates()).map((c) => assess(c, { now, expiryDays: 30 })),
        targets,
        now,
      });
      return alerts.slice(before);
    },
    drain: async (delayMs = 3_000) => {
      sim.clock.advanceMs(delayMs);
      return localBus.drain(handle);
    },
    handle,
    eventPathRequests,
    close: async () => {
      localBus.close();
      sts.destroy();
      client.destroy();
      await Promise.all([sim.close(), dynamo.close()]);
      for (const key of Object.keys(sim.env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    },
  };
}
