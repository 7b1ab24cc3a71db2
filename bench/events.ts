/**
 * p6: how long an event from the organization takes to reach on-call, and that nothing reaches it twice. The
 * simulated organization (in this process: the loopback bus observes its mutations) answers at BENCH_LATENCY_MS a
 * call with ACM's quotas; the event use case runs as the Events Lambda runs it, against a local DynamoDB and the
 * local Slack receiver through the real Slack delivery (paced at about one message a second, as Slack asks).
 *
 * After a baseline daily run, four waves of events go through the bus (SQS-sized batches, a share delivered twice,
 * batches shuffled): renewals failing in separate account-regions, bursts of five events on one account-region
 * (a failure among tag changes and an attachment), a day of Approaching Expiration notices, and a replay of the
 * first wave. A latency is measured from the mutation (when AWS would emit the event) to the Slack post, in real
 * time; what AWS adds on the way (EventBridge's delivery, the SQS batching window) is not simulated and is reported
 * beside it. Then the next daily run shows whether it sends any of those alerts again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_EVENT_BATCHING_WINDOW_SECONDS } from '../infra/events-config';
import { runAlerting } from '../lambdas/alerting';
import { DynamoAlertStore } from '../lambdas/aws/alert-store';
import { type ClientConfig, createStsClient } from '../lambdas/aws/clients';
import { RoleCredentials } from '../lambdas/aws/credentials';
import { DynamoEventStore } from '../lambdas/aws/event-store';
import { DynamoStateStore } from '../lambdas/aws/state-store';
import { ensureTable } from '../lambdas/aws/table';
import type { OrganizationEvent } from '../lambdas/core/events/classify';
import { assess } from '../lambdas/core/findings';
import type { TargetResult } from '../lambdas/core/model';
import { targetKey } from '../lambdas/core/model';
import { handleEvents } from '../lambdas/events/handle-events';
import { scanAccount } from '../lambdas/scan/scan-account';
import { alertSender, defaultSlackPoster, type SlackPosterFactory } from '../lambdas/wiring/slack';
import { startDynalite } from '../local/dynalite';
import { LocalEventBus } from '../local/event-bus';
import { type CertRecord, generateScenario, startSimulator } from '../local/sim';
import { startSlackReceiver } from '../local/slack-receiver';
import { BENCH_EXTERNAL_ID, BENCH_SEED } from './org';
import { BENCH_LATENCY_MS } from './sim-env';

const CLIENT_CONFIG: Omit<ClientConfig, 'credentials' | 'calls'> = { region: 'us-east-1' };
const SCAN_OPTIONS = { describeConcurrency: 5, refreshDays: 7, thresholds: [30, 14, 7, 3, 1] };
const ROLE_NAME = 'CertAuditReadOnly';
const EXPIRY_DAYS = 30;
/** The organization and the waves p6 measures; a test runs a smaller one. */
export interface P6Options {
  log?: (line: string) => void;
  /** @default BENCH_LATENCY_MS */
  latencyMs?: number;
  /** @default 20 */
  accounts?: number;
  /** Renewals failing in separate account-regions (wave 1). @default 12 */
  failures?: number;
  /** Bursts of five events on one account-region, one of them a failure (wave 2). @default 6 */
  bursts?: number;
}

export interface P6Result {
  latencyMsPerCall: number;
  accounts: number;
  events: {
    /** Emitted by the organization's mutations and the passing day. */
    emitted: number;
    /** Handed to the event use case, duplicates included. */
    delivered: number;
    /** Extra deliveries of the same event (EventBridge and SQS deliver at least once). */
    duplicatesDelivered: number;
    batches: number;
    /** Account-regions rescanned, over every batch. */
    rescans: number;
    /** Approaching Expiration notices: they only mark targets dirty. */
    approachingExpiration: number;
  };
  alerts: {
    /** Renewal failures caused (each should page once). */
    failuresCaused: number;
    sent: number;
    /** Alerts (notice ids) sent more than once, by the event path or the next daily run. */
    duplicatesSent: number;
    /** Of those, sent again by the next daily run. */
    resentByNextRun: number;
  };
  /** From the mutation to the Slack post, real time, this machine. */
  latency: { samples: number; p50Ms: number; p95Ms: number; maxMs: number };
  /** What the local figure leaves out. */
  awsAdds: { batchingWindowSeconds: number; notSimulated: string };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function runP6(options: P6Options = {}): Promise<P6Result> {
  const log = options.log ?? (() => undefined);
  const latencyMs = options.latencyMs ?? BENCH_LATENCY_MS;
  const FAILURES = options.failures ?? 12;
  const BURSTS = options.bursts ?? 6;
  const scenario = generateScenario({
    seed: BENCH_SEED,
    accounts: options.accounts ?? 20,
    regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'],
    certificatesPerTarget: { min: 3, max: 10 },
    activeRegionsPerAccount: { min: 2, max: 3 },
    externalId: BENCH_EXTERNAL_ID,
    inactiveAccounts: false,
    accountsWithoutRole: 0,
  });
  const sim = await startSimulator({ scenario, latencyMs });
  const saved = { ...process.env };
  Object.assign(process.env, sim.env());
  const [dynamo, slack] = await Promise.all([startDynalite(), startSlackReceiver()]);
  const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: sim.credentials });
  const doc = DynamoDBDocumentClient.from(client);
  const tableName = 'cert-monitor-events-bench';
  await ensureTable(client, tableName);
  const sts = createStsClient(CLIENT_CONFIG);
  const bus = new LocalEventBus({ org: sim.org, duplicateShare: 0.2, outOfOrder: true, seed: BENCH_SEED });
  try {
    // The clock the use cases read: simulated time moving with real time, as the local runner gives the Lambdas.
    let base = { sim: sim.clock.nowMs(), real: performance.now() };
    const clock = () => new Date(base.sim + (performance.now() - base.real));
    const restart = () => {
      base = { sim: sim.clock.nowMs(), real: performance.now() };
    };
    const snapshots = new DynamoStateStore({ client: doc, tableName, clock });
    const alerts = new DynamoAlertStore(doc, { tableName });
    const events = new DynamoEventStore(doc, tableName);
    const url = `${slack.url}/alerts`;
    const postedAt: number[] = [];
    const poster: SlackPosterFactory = (target, label) => {
      const inner = defaultSlackPoster()(target, label);
      return {
        post: async (message) => {
          const answer = await inner.post(message);
          postedAt.push(performance.now());
          return answer;
        },
      };
    };
    const sentIds = new Map<string, number>();
    const count = (id: string) => sentIds.set(id, (sentIds.get(id) ?? 0) + 1);

    const dailyRun = async (runId: string): Promise<string[]> => {
      restart();
      const now = clock();
      const roles = new RoleCredentials({
        sts,
        roleName: ROLE_NAME,
        externalId: BENCH_EXTERNAL_ID,
        runId,
        clock,
      });
      const targets: TargetResult[] = [];
      for (const account of sim.org.accounts()) {
        const scan = await scanAccount(
          { roles, clientConfig: CLIENT_CONFIG, store: snapshots },
          { runId, account: { id: account.id }, regions: 'enabled', now, options: SCAN_OPTIONS },
        );
        targets.push(...scan.results);
      }
      const result = await runAlerting({
        store: alerts,
        send: alertSender(poster(url, 'alerts'), 'owner'),
        certificates: (await snapshots.loadAllCertificates()).map((c) => assess(c, { now, expiryDays: EXPIRY_DAYS })),
        targets,
        now,
      });
      return result.sent.map((notice) => notice.id);
    };

    log('p6: baseline daily run');
    await dailyRun('p6-day-1');

    const mutatedAt = new Map<string, number>();
    const mutated = (record: Pick<CertRecord, 'accountId' | 'region'>) => {
      const key = targetKey(record);
      if (!mutatedAt.has(key)) mutatedAt.set(key, performance.now());
    };
    const latencies: number[] = [];
    let batches = 0;
    let rescans = 0;
    const drain = async () => {
      const results = await bus.drain(async (batch: OrganizationEvent[]) => {
        restart();
        const first = postedAt.length;
        const result = await handleEvents(
          {
            sts,
            clientConfig: CLIENT_CONFIG,
            snapshots,
            alerts,
            events,
            slack: async () => ({ kind: 'configured', webhooks: { alertsWebhookUrl: url } }),
            poster,
            clock,
          },
          {
            events: batch,
            roleName: ROLE_NAME,
            externalId: BENCH_EXTERNAL_ID,
            options: SCAN_OPTIONS,
            expiryDays: EXPIRY_DAYS,
            ownerTagKey: 'owner',
          },
        );
        batches++;
        rescans += result.rescanned.length;
        result.deliveries.forEach((delivery, index) => {
          count(delivery.noticeId);
          const from = mutatedAt.get(targetKey(delivery));
          const at = postedAt[first + index];
          if (from !== undefined && at !== undefined) latencies.push(at - from);
        });
        return result;
      });
      mutatedAt.clear();
      return results;
    };

    const renewable = sim.org
      .allCertificates()
      .filter(
        (record) =>
          record.certificate.type === 'AMAZON_ISSUED' &&
          sim.org.statusOf(record.certificate) === 'ISSUED' &&
          record.certificate.inUseBy.length > 0 &&
          record.certificate.renewal?.status !== 'FAILED' &&
          record.certificate.renewal?.status !== 'PENDING_VALIDATION',
      );
    const byTarget = new Map<string, CertRecord[]>();
    for (const record of renewable)
      byTarget.set(targetKey(record), [...(byTarget.get(targetKey(record)) ?? []), record]);
    const targets = [...byTarget.values()];
    if (targets.length < FAILURES + BURSTS) throw new Error('p6: the organization has too few renewable targets');

    sim.clock.advanceMs(6 * 3_600_000);
    log(`p6: wave 1, ${FAILURES} renewals failing in separate account-regions`);
    const wave1Start = bus.forwarded.length;
    for (const [record] of targets.slice(0, FAILURES)) {
      if (!record) continue;
      mutated(record);
      sim.org.failRenewal(record.certificate.arn, 'CAA_ERROR');
    }
    const wave1 = bus.forwarded.slice(wave1Start);
    sim.clock.advanceMs(2_000);
    await drain();

    sim.clock.advanceMs(3_600_000);
    log(`p6: wave 2, ${BURSTS} bursts of five events on one account-region each`);
    for (const records of targets.slice(FAILURES, FAILURES + BURSTS)) {
      const [failing, other] = records as [CertRecord, CertRecord | undefined];
      mutated(failing);
      const tagged = other ?? failing;
      sim.org.setTag(tagged.certificate.arn, 'owner', 'team-payments');
      sim.org.failRenewal(failing.certificate.arn, 'DOMAIN_VALIDATION_DENIED');
      sim.org.attach(
        tagged.certificate.arn,
        `arn:aws:elasticloadbalancing:${tagged.region}:${tagged.accountId}:loadbalancer/app/p6/${tagged.certificate.arn.slice(-16)}`,
      );
      sim.org.setTag(tagged.certificate.arn, 'cost-centre', '42');
      sim.org.removeTag(tagged.certificate.arn, 'cost-centre');
    }
    sim.clock.advanceMs(2_000);
    await drain();

    log('p6: wave 3, a day of Approaching Expiration notices');
    const from = sim.clock.nowMs();
    sim.clock.advanceDays(1);
    const approaching = bus.timePassed(from, sim.clock.nowMs());
    await drain();

    log('p6: wave 4, the first wave delivered again');
    sim.clock.advanceMs(600_000);
    bus.put(wave1);
    await drain();

    log('p6: the next daily run');
    sim.clock.advanceDays(1);
    const nextRun = await dailyRun('p6-day-2');
    const eventIds = new Set(sentIds.keys());
    const resentByNextRun = nextRun.filter((id) => eventIds.has(id)).length;
    for (const id of nextRun) count(id);

    return {
      latencyMsPerCall: latencyMs,
      accounts: sim.org.accounts().length,
      events: {
        emitted: bus.stats.emitted,
        delivered: bus.stats.delivered,
        duplicatesDelivered: bus.stats.duplicated,
        batches,
        rescans,
        approachingExpiration: approaching,
      },
      alerts: {
        failuresCaused: FAILURES + BURSTS,
        sent: [...eventIds].length,
        duplicatesSent: [...sentIds.values()].filter((n) => n > 1).length,
        resentByNextRun,
      },
      latency: {
        samples: latencies.length,
        p50Ms: Math.round(percentile(latencies, 50)),
        p95Ms: Math.round(percentile(latencies, 95)),
        maxMs: Math.round(Math.max(0, ...latencies)),
      },
      awsAdds: {
        batchingWindowSeconds: DEFAULT_EVENT_BATCHING_WINDOW_SECONDS,
        notSimulated:
          "EventBridge's delivery from the member region to the hub bus and on to SQS, and the Lambda poller's pick-up",
      },
    };
  } finally {
    bus.close();
    sts.destroy();
    client.destroy();
    await Promise.all([sim.close(), dynamo.close(), slack.close()]);
    for (const key of Object.keys(sim.env())) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}
