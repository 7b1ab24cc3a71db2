/**
 * The deployed pipeline (ListTargets, ScanTarget children, FinalizeRun with its alert lease and digest marker) over
 * several days, its state table behind the fault proxy. Each day the same organization is run twice: once against
 * a table without faults (the baseline), once against a busy one, the proxy switching between two dynalite
 * instances, since the handlers capture the table's endpoint at their cold start. On-call must hear the same
 * things on the same days from both, and every report must list every certificate of every target it read.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable } from '../../../lambdas/aws/table';
import { STATE_TABLE_FAILED } from '../../../lambdas/core/failures';
import { parseReport } from '../../../lambdas/core/report';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { type DynamoFaultProxy, startDynamoFaultProxy } from '../../../local/dynamo-fault-proxy';
import { exampleConfig, type LocalHub } from '../../../local/pipeline/deploy';
import { runPipeline } from '../../../local/pipeline/run';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { compareWorlds, type FaultDay, type FaultWorld, noticeIdOf } from '../../../local/state-table-faults';

const DAYS = 5;
const SEED = 777;
const BUSY = { writeThrottle: 0.15, writeAnswerLost: 0.15, readServerError: 0.1, readThrottle: 0.05 };

describe('the pipeline against a busy state table', () => {
  let sim: Simulator;
  let baseTable: LocalDynamo;
  let faultTable: LocalDynamo;
  let proxy: DynamoFaultProxy;
  const digests: { base: number[]; fault: number[] } = { base: [], fault: [] };
  // One receiver for both worlds (the handlers keep the Slack secret they read); runs are sequential, so each
  // run's alerts are the posts it added.
  let slack: SlackReceiver;
  const worlds: { base: FaultWorld; fault: FaultWorld } = {
    base: { days: [], proxy: emptyCounts(), retries: { retries: 0, exhausted: 0, byType: {} } },
    fault: { days: [], proxy: emptyCounts(), retries: { retries: 0, exhausted: 0, byType: {} } },
  };

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({
        seed: SEED,
        accounts: 4,
        regions: ['us-east-1', 'eu-west-1'],
        certificatesPerTarget: { min: 1, max: 6 },
        activeRegionsPerAccount: { min: 1, max: 2 },
        inactiveAccounts: false,
        externalId: String(exampleConfig().externalId),
      }),
    });
    [baseTable, faultTable, slack] = await Promise.all([startDynalite(), startDynalite(), startSlackReceiver()]);
    proxy = await startDynamoFaultProxy({ upstream: baseTable.endpoint, seed: SEED });
    // The hub's tables are created through the proxy in both dynalite instances.
    const endpoint = { endpoint: proxy.endpoint, close: async () => undefined };
    let hub: LocalHub | undefined;
    for (let day = 0; day < DAYS; day++) {
      if (day > 0) {
        sim.org.churn(SEED + day, { fraction: 0.15 });
        sim.clock.advanceDays(1);
      }
      const now = sim.clock.now();
      for (const world of ['base', 'fault'] as const) {
        proxy.setUpstream(world === 'base' ? baseTable.endpoint : faultTable.endpoint);
        proxy.setRates(world === 'base' ? {} : BUSY);
        proxy.clearForced();
        if (world === 'fault') {
          // The answers to the first two alert-lease claims and to the digest's claim are lost, every day.
          proxy.force('answerLost', 2, 'UpdateItem', '":lease"');
          proxy.force('answerLost', 1, 'PutItem', '"digest-marker"');
          sim.faults.fail({ service: 'ACM', count: 1 });
          sim.faults.throttle({ service: 'ACM', count: 2 });
          sim.faults.fail({ service: 'STS', count: 1 });
        }
        const before = slack.posts('/alerts').length;
        const digestsBefore = slack.posts('/digest').length;
        let run: Awaited<ReturnType<typeof runPipeline>>;
        try {
          run = await runPipeline({
            sim,
            dynamo: endpoint,
            slack,
            runId: `${world}-day-${day}`,
            now,
            ...(hub ? { hub } : { deploy: { logLevel: 'SILENT' } }),
          });
        } finally {
          sim.faults.clear();
        }
        if (day === 0 && world === 'base') {
          // The second world's table, as CloudFormation would have made it.
          proxy.setUpstream(faultTable.endpoint);
          const client = new DynamoDBClient({
            region: run.hub.region,
            endpoint: faultTable.endpoint,
            credentials: sim.credentials,
          });
          await ensureTable(client, run.hub.tableName);
          client.destroy();
        }
        hub = run.hub;
        const report = parseReport(JSON.parse(sim.s3.text(run.hub.bucket, `runs/${run.runId}/report.json`) ?? 'null'));
        const listed = new Set(report.certificates.map((cert) => cert.arn));
        digests[world].push(slack.posts('/digest').length - digestsBefore);
        const entry: FaultDay = {
          day,
          exitCode: 0,
          alerts: slack
            .posts('/alerts')
            .slice(before)
            .filter((post) => post.status === 200)
            .map((post) => noticeIdOf(post.body)),
          report,
          missing: report.targets
            .filter((target) => target.status !== 'error')
            .flatMap((target) => sim.org.certificatesIn(target.accountId, target.region).map((r) => r.certificate.arn))
            .filter((arn) => !listed.has(arn)),
          stateTableTargets: report.targets.filter((target) => target.errorCode === STATE_TABLE_FAILED).length,
        };
        worlds[world].days.push(entry);
      }
    }
    worlds.fault.proxy = proxy.counts();
  }, 300_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([sim?.close(), baseTable?.close(), faultTable?.close(), slack?.close()]);
  });

  it('meets every kind of fault', () => {
    expect(worlds.fault.proxy.throttled).toBeGreaterThan(20);
    expect(worlds.fault.proxy.answersLost).toBeGreaterThan(10);
    expect(worlds.fault.proxy.serverErrors).toBeGreaterThan(5);
  });

  it('tells on-call the same things on the same days: nothing lost, nothing twice, no page about the table', () => {
    const comparison = compareWorlds(worlds.base, worlds.fault);

    expect(worlds.base.days.flatMap((day) => day.alerts).length).toBeGreaterThan(2);
    expect(comparison).toMatchObject({
      noise: [],
      lost: [],
      duplicates: [],
      delayed: [],
      coverageGapPages: 0,
      monitorHealthPages: 0,
    });
  });

  it('posts each day’s digest once, its claim’s lost answer recognised', () => {
    expect(digests.fault).toEqual(Array.from({ length: DAYS }, () => 1));
    expect(digests.base).toEqual(digests.fault);
  });

  it('reports every certificate of every target it read, and the same targets as without faults', () => {
    const comparison = compareWorlds(worlds.base, worlds.fault);
    const summary = (world: FaultWorld) =>
      world.days.map((day) => ({
        certificates: day.report.summary.certificates,
        targets: day.report.targets.map((t) => `${t.accountId}/${t.region}/${t.status}`),
      }));

    expect(comparison.missingCertificates).toBe(0);
    const stateTableTroubles = worlds.fault.days.flatMap((day) =>
      day.report.targets.filter((target) => target.errorCode === STATE_TABLE_FAILED).map((t) => t.errorMessage),
    );
    expect(stateTableTroubles).toEqual([]);
    expect(comparison.stateTableTargets).toBe(0);
    expect(summary(worlds.fault)).toEqual(summary(worlds.base));
  });
});

function emptyCounts(): FaultWorld['proxy'] {
  return { requests: 0, forwarded: 0, throttled: 0, serverErrors: 0, answersLost: 0, byOperation: {} };
}
