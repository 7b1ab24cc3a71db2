/**
 * The event path as deployed: the hub synthesized with `events.enabled`, the real Events Lambda handler invoked with
 * SQS batches from the loopback bus, between two runs of the real pipeline. A renewal that fails between the runs
 * reaches the alerts webhook at once, and the next run does not send it again.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../lambdas/aws/state-store';
import type { TargetResult } from '../../../lambdas/core/model';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { LocalEventBus } from '../../../local/event-bus';
import { exampleConfig, type LocalHub, SLACK_PATHS } from '../../../local/pipeline/deploy';
import { invokeEvents } from '../../../local/pipeline/lambda-runtime';
import { runPipeline } from '../../../local/pipeline/run';
import { type CertRecord, generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';

const EXTERNAL_ID = String(exampleConfig().externalId);

describe('the Events Lambda between two runs of the pipeline', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let slack: SlackReceiver;
  let hub: LocalHub;
  let bus: LocalEventBus;
  let failing: CertRecord;
  let day1Targets: TargetResult[];

  const alertTexts = () => slack.posts(SLACK_PATHS.alerts).map((post) => JSON.stringify(post.body));

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({
        seed: 7,
        accounts: 3,
        // Two of the four regions of each account hold certificates; the other two are empty.
        regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'],
        certificatesPerTarget: { min: 2, max: 4 },
        activeRegionsPerAccount: { min: 2, max: 2 },
        inactiveAccounts: false,
        externalId: EXTERNAL_ID,
      }),
    });
    [dynamo, slack] = await Promise.all([startDynalite(), startSlackReceiver()]);
    const config = { ...exampleConfig(), events: { enabled: true, principalOrgId: sim.org.organizationId } };
    const day1 = await runPipeline({ sim, dynamo, slack, runId: 'day-1', deploy: { config, logLevel: 'ERROR' } });
    hub = day1.hub;
    day1Targets = await new DynamoStateStore({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: hub.region, endpoint: dynamo.endpoint, credentials: sim.credentials }),
      ),
      tableName: hub.tableName,
    })
      .loadRunResults('day-1')
      .then((results) => results.targets);
    bus = new LocalEventBus({ org: sim.org });
    const candidate = sim.org
      .allCertificates()
      .find(
        (record) =>
          record.certificate.type === 'AMAZON_ISSUED' &&
          sim.org.statusOf(record.certificate) === 'ISSUED' &&
          record.certificate.renewal?.status !== 'FAILED' &&
          record.certificate.inUseBy.length > 0 &&
          sim.org.account(record.accountId)?.roles.length,
      );
    if (!candidate) throw new Error('seed 7 has no certificate whose renewal can fail');
    failing = candidate;
  });

  afterAll(async () => {
    bus?.close();
    await Promise.all([sim?.close(), dynamo?.close(), slack?.close()]);
  });

  it('alerts on-call from the event, once, and the next run sends it again to nobody', async () => {
    const before = alertTexts().length;

    sim.clock.advanceMs(8 * 3_600_000);
    sim.org.failRenewal(failing.certificate.arn, 'CAA_ERROR');
    sim.clock.advanceMs(5_000);
    const summaries = await bus.drain((batch) => invokeEvents({ sim, hub, batch }));
    const fromEvent = alertTexts().slice(before);
    sim.clock.advanceDays(1);
    await runPipeline({ sim, dynamo, slack, runId: 'day-2', hub });
    const fromDay2 = alertTexts().slice(before + fromEvent.length);

    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.rescanned).toEqual([{ accountId: failing.accountId, region: failing.region, status: 'ok' }]);
    expect(summaries[0]?.deliveries.map((d) => d.noticeId)).toEqual([
      `RENEWAL_FAILED#${failing.certificate.arn}#opened`,
    ]);
    expect(fromEvent).toHaveLength(1);
    expect(fromEvent[0]).toContain(failing.certificate.domainName);
    expect(fromDay2.filter((text) => text.includes(failing.certificate.domainName))).toEqual([]);
  });

  it("lists in the next digest the changes the event rescans found, which that run's own scans no longer see", () => {
    const digest = JSON.stringify(slack.posts(SLACK_PATHS.digest).at(-1)?.body);

    expect(digest).toContain('renewal status changed');
    expect(digest).toContain('seen in real time, from events');
  });

  it('leaves most empty, unmarked regions unlisted the next day, and says so in the record and the digest', async () => {
    const store = new DynamoStateStore({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: hub.region, endpoint: dynamo.endpoint, credentials: sim.credentials }),
      ),
      tableName: hub.tableName,
    });
    const day2 = await store.latestCompletedRun();
    const day2Targets = (await store.loadRunResults('day-2')).targets;
    const empty = day1Targets.filter((target) => target.status === 'ok' && target.certificateCount === 0);

    expect(empty.length).toBeGreaterThan(3);
    expect(day2?.runId).toBe('day-2');
    expect(day2?.skippedClean).toBeGreaterThan(0);
    // Skipped regions are reported, not scanned: they have no result of their own in the run.
    expect(day2Targets.length).toBe((day2?.targets ?? 0) - (day2?.skippedClean ?? 0));
    expect(day2?.failures).toEqual([]);
    expect(JSON.stringify(slack.posts(SLACK_PATHS.digest).at(-1)?.body)).toContain('left unlisted as clean');
  });
});
