/**
 * The daily run as the deployed pipeline makes it, minus Step Functions: the same use cases the three Lambdas call
 * (startRun, then scanChild once per work-list account with the Distributed Map's concurrency, then finalizeRun),
 * with the deployed settings from cdk.json, against the simulated organization, S3 and Secrets Manager, a local
 * DynamoDB and a local Slack. Each step is timed and metered, which is what the cost model needs: invocations,
 * their durations, request units, S3 and Secrets Manager calls.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import type { CertMonitorConfig } from '../infra/config';
import { DynamoEventStore } from '../lambdas/aws/event-store';
import type { DynamoStateStore } from '../lambdas/aws/state-store';
import { DigestMarker } from '../lambdas/aws/store/digest-marker';
import { ensureTable } from '../lambdas/aws/table';
import { cleanTargetsToSkip, type SkippedTarget } from '../lambdas/core/events/skip';
import type { Change } from '../lambdas/core/model';
import type { ScanSummary } from '../lambdas/pipeline/contracts';
import { type FinalizeRunResult, finalizeRun } from '../lambdas/pipeline/finalize-run';
import { heartbeat } from '../lambdas/pipeline/heartbeat';
import { scanChild } from '../lambdas/pipeline/scan-child';
import { startRun } from '../lambdas/pipeline/start-run';
import { getText } from '../lambdas/pipeline/work-bucket';
import { defaultSlackPoster, readSlackSetup } from '../lambdas/wiring/slack';
import { openAlertStore, openStateStore } from '../lambdas/wiring/stores';
import type { CountersSnapshot } from '../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../local/slack-receiver';
import { DynamoMeter, type MeterReading, meteredDynamo } from './dynamo-meter';
import { BENCH_EXTERNAL_ID } from './org';
import type { BenchSim } from './sim-env';

export const BENCH_TABLE = 'cert-monitor-state';
export const BENCH_BUCKET = 'cert-monitor-work-lists';

export interface StepMeasure {
  seconds: number;
  dynamo: MeterReading;
}

export interface RunMeasure {
  runId: string;
  wallSeconds: number;
  listTargets: StepMeasure & { accounts: number };
  /** One entry per child (ScanTarget invocation, one account), seconds from its start to its return. */
  scanTargets: StepMeasure & {
    childSeconds: number[];
    /** When each account's child started and ended, seconds from the Map's start. */
    childTimeline: Map<string, { start: number; end: number }>;
    summaries: ScanSummary[];
    /** Account-regions scanned (each child's regions, or 1 for an account that could not be opened). */
    targets: number;
  };
  finalizeRun: StepMeasure & { result: FinalizeRunResult };
  /** Simulated AWS answers during the run, by `Service.Operation`, and by outcome. */
  calls: CountersSnapshot;
  slackPosts: number;
  /** Bytes of the report objects FinalizeRun wrote (read after the run, outside the measures). */
  reportBytes: number;
  /** The run's change events as stored (read after the run, outside the measures). */
  changes: Change[];
}

export class LocalPipeline {
  private constructor(
    private readonly bench: BenchSim,
    private readonly config: CertMonitorConfig,
    private readonly meter: DynamoMeter,
    private readonly dynamo: ReturnType<typeof meteredDynamo>,
    private readonly s3: S3Client,
    private readonly secrets: SecretsManagerClient,
    private readonly slack: SlackReceiver,
    readonly store: DynamoStateStore,
    /** The event path's record, when it is on: dirty marks let the run leave clean targets unlisted. */
    readonly events?: DynamoEventStore,
  ) {}

  /**
   * Creates what the hub stack would (table, bucket, the Slack secret naming a local Slack) on the AWS side.
   * `events`: the event path is on in every region, so ListTargets may leave clean targets unlisted.
   */
  static async open(
    bench: BenchSim,
    config: CertMonitorConfig,
    options: { events?: boolean } = {},
  ): Promise<LocalPipeline> {
    const meter = new DynamoMeter();
    const dynamo = meteredDynamo(bench.dynamoEndpoint, meter);
    await ensureTable(dynamo.client, BENCH_TABLE);
    const region = config.hub.region;
    const s3 = new S3Client({ region });
    const secrets = new SecretsManagerClient({ region });
    await s3.send(new CreateBucketCommand({ Bucket: BENCH_BUCKET }));
    const slack = await startSlackReceiver();
    await secrets.send(
      new CreateSecretCommand({
        Name: config.slackSecretName,
        SecretString: JSON.stringify({
          digestWebhookUrl: `${slack.url}/digest`,
          alertsWebhookUrl: `${slack.url}/alerts`,
        }),
      }),
    );
    const store = openStateStore(dynamo.doc, {
      tableName: BENCH_TABLE,
      historyDays: config.historyDays,
      clock: () => bench.now,
    });
    meter.reset();
    const events = options.events ? new DynamoEventStore(dynamo.doc, BENCH_TABLE) : undefined;
    return new LocalPipeline(bench, config, meter, dynamo, s3, secrets, slack, store, events);
  }

  /** What ListTargets computes with the event path on: forwarding covers every region here. */
  private async cleanTargets(now: Date): Promise<SkippedTarget[]> {
    const events = this.events as DynamoEventStore;
    return cleanTargetsToSkip(await this.store.listTargetMetas(), await events.loadDirtyMarks(), {
      now,
      forwarded: () => true,
    });
  }

  /** One run at the simulation's current time; `maxConcurrency` children at once, as the Distributed Map runs them. */
  async run(runId: string): Promise<RunMeasure> {
    const { bench, config, meter } = this;
    await bench.request('resetCounters');
    this.slack.clear();
    const startedAt = bench.now.toISOString();
    const runStarted = performance.now();

    meter.reset();
    let stepStarted = performance.now();
    const started = await startRun(
      {
        s3: this.s3,
        store: this.store,
        organizations: () => ({ client: bench.organizations, close: () => {} }),
        ...(this.events ? { cleanTargets: (now: Date) => this.cleanTargets(now) } : {}),
      },
      { runId, startedAt, bucket: BENCH_BUCKET, accounts: 'organization', exclude: [] },
    );
    const listTargets = { seconds: elapsed(stepStarted), dynamo: meter.read(), accounts: started.accounts.length };

    meter.reset();
    stepStarted = performance.now();
    const limit = pLimit(config.maxConcurrency);
    const childSeconds: number[] = [];
    const childTimeline = new Map<string, { start: number; end: number }>();
    const mapStarted = performance.now();
    const summaries = await Promise.all(
      started.accounts.map((account) =>
        limit(async () => {
          const childStarted = performance.now();
          const summary = await scanChild(
            // Sessions expire on the simulator's clock, which the benchmark moves by days: read expiry against it.
            { sts: bench.sts, store: this.store, clientConfig: bench.clientConfig, clock: () => bench.now },
            {
              runId,
              account,
              regions: 'enabled',
              now: bench.now,
              roleName: config.auditRoleName,
              externalId: BENCH_EXTERNAL_ID,
              options: {
                describeConcurrency: config.describeConcurrency,
                refreshDays: config.refreshDays,
                thresholds: config.changeThresholds,
                ownerTagKey: config.ownerTagKey,
              },
            },
          );
          childSeconds.push(elapsed(childStarted));
          childTimeline.set(account.accountId, { start: (childStarted - mapStarted) / 1000, end: elapsed(mapStarted) });
          return summary;
        }),
      ),
    );
    const targets = summaries.reduce((sum, summary) => sum + Math.max(1, summary.regions), 0);
    const scanTargets = {
      seconds: elapsed(stepStarted),
      dynamo: meter.read(),
      childSeconds,
      childTimeline,
      summaries,
      targets,
    };

    meter.reset();
    stepStarted = performance.now();
    const result = await finalizeRun(
      {
        s3: this.s3,
        runs: this.store,
        alerts: openAlertStore(this.dynamo.doc, BENCH_TABLE),
        digestMarker: new DigestMarker(this.dynamo.doc, { tableName: BENCH_TABLE, historyDays: config.historyDays }),
        slack: () => readSlackSetup(this.secrets, config.slackSecretName),
        // Slack's one message a second per webhook would only add waiting here; the posts are counted instead.
        poster: defaultSlackPoster({ minIntervalMs: 0 }),
        clock: () => bench.now,
        ...(this.events ? { events: this.events } : {}),
      },
      { runId, startedAt, listing: started.listing, expiryDays: config.expiryDays, ownerTagKey: config.ownerTagKey },
    );
    const finalize = { seconds: elapsed(stepStarted), dynamo: meter.read(), result };
    const wallSeconds = elapsed(runStarted);

    const calls = await bench.request('counters');
    const { changes } = await this.store.loadRunResults(runId);
    const { report } = result;
    const reportBytes =
      Buffer.byteLength(await getText(this.s3, report.bucket, report.jsonKey)) +
      Buffer.byteLength(await getText(this.s3, report.bucket, report.htmlKey));
    meter.reset();
    return {
      runId,
      wallSeconds,
      listTargets,
      scanTargets,
      finalizeRun: finalize,
      calls,
      slackPosts: this.slack.posts().length,
      reportBytes,
      changes,
    };
  }

  /** One hourly heartbeat check (the Heartbeat Lambda's use case), timed and metered. */
  async heartbeat(): Promise<StepMeasure & { secretsCalls: number }> {
    const { bench, config, meter } = this;
    await bench.request('resetCounters');
    meter.reset();
    // A new client: the hourly invocation mostly starts cold and reads the secret again.
    const secrets = new SecretsManagerClient({ region: config.hub.region });
    const started = performance.now();
    try {
      await heartbeat(
        {
          alerts: openAlertStore(this.dynamo.doc, BENCH_TABLE),
          runs: this.store,
          slack: () => readSlackSetup(secrets, config.slackSecretName),
          poster: defaultSlackPoster({ minIntervalMs: 0 }),
          clock: () => bench.now,
        },
        {
          periodHours: config.schedule.periodHours,
          graceHours: config.heartbeat.graceHours,
          ownerTagKey: config.ownerTagKey,
        },
      );
    } finally {
      secrets.destroy();
    }
    const seconds = elapsed(started);
    const calls = await bench.request('counters');
    return { seconds, dynamo: meter.read(), secretsCalls: calls.byService.SecretsManager ?? 0 };
  }

  async close(): Promise<void> {
    this.s3.destroy();
    this.secrets.destroy();
    this.dynamo.client.destroy();
    await this.slack.close();
  }
}

function elapsed(since: number): number {
  return (performance.now() - since) / 1000;
}
