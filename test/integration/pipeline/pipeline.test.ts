/**
 * The synthesized state machine, run by aws-local-stepfunctions with its Task states bound to the real handlers,
 * over a generated organization in the simulator, dynalite and the local Slack receiver.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../lambdas/aws/state-store';
import { SCAN_DID_NOT_COMPLETE } from '../../../lambdas/core/failures';
import { SLACK_SECRET_PLACEHOLDER } from '../../../lambdas/core/names';
import { parseReport } from '../../../lambdas/core/report';
import type { WorkItem } from '../../../lambdas/pipeline/contracts';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { exampleConfig, type LocalHub, SLACK_PATHS, setSlackWebhooks } from '../../../local/pipeline/deploy';
import { invokeHeartbeat } from '../../../local/pipeline/lambda-runtime';
import { type PipelineRun, runPipeline } from '../../../local/pipeline/run';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';

const EXTERNAL_ID = String(exampleConfig().externalId);

class LambdaServiceException extends Error {
  override readonly name = 'Lambda.ServiceException';
}

describe('the pipeline on loopback', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let slack: SlackReceiver;
  let store: DynamoStateStore;
  let hub: LocalHub;
  let denied: string;
  let day1: PipelineRun;

  const alertBodies = () => slack.posts(SLACK_PATHS.alerts).map((post) => JSON.stringify(post.body));

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({
        seed: 20261201,
        accounts: 4,
        regions: ['us-east-1', 'eu-west-1'],
        certificatesPerTarget: { min: 2, max: 5 },
        activeRegionsPerAccount: { min: 1, max: 2 },
        inactiveAccounts: false,
        externalId: EXTERNAL_ID,
      }),
    });
    [dynamo, slack] = await Promise.all([startDynalite(), startSlackReceiver()]);
    // One member account never got the audit role's trust right: every AssumeRole into it is refused.
    denied = sim.org.accounts().find((account) => account.id !== sim.org.managementAccountId)!.id;
    sim.faults.denyRole(denied);

    day1 = await runPipeline({ sim, dynamo, slack, runId: 'day-1', deploy: { logLevel: 'ERROR' } });
    hub = day1.hub;
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: hub.region, endpoint: dynamo.endpoint, credentials: sim.credentials }),
    );
    store = new DynamoStateStore({ client: doc, tableName: hub.tableName });
  });

  afterAll(async () => {
    await Promise.all([sim?.close(), dynamo?.close(), slack?.close()]);
  });

  it('stores every certificate the organization holds outside the refused account', async () => {
    const expected = sim.org
      .allCertificates()
      .filter((record) => record.accountId !== denied)
      .map((record) => record.certificate.arn)
      .sort();

    const stored = (await store.loadAllCertificates()).map((cert) => cert.arn).sort();

    expect(expected.length).toBeGreaterThan(5);
    expect(stored).toEqual(expected);
    expect(day1.output.summary).toMatchObject({ runId: 'day-1', certificates: expected.length, digest: 'sent' });
  });

  it('records the run as completed, with the refused account as a coverage failure', async () => {
    const accounts = sim.org.accounts().length;
    const scanned = (accounts - 1) * 2;

    const run = await store.latestCompletedRun();

    // One Map child per account, the refused one included: it finds the refusal itself.
    expect(day1.accounts.map((a) => a.accountId).sort()).toEqual(
      sim.org
        .accounts()
        .map((a) => a.id)
        .sort(),
    );
    expect(day1.largestPayloadBytes).toBeLessThan(4096);
    expect(run).toMatchObject({
      runId: 'day-1',
      status: 'completed',
      startedAt: day1.startedAt,
      targets: scanned + 1,
      targetsFailed: 1,
      failures: [{ accountId: denied, region: '*', errorCode: 'AccessDenied' }],
    });
    expect(Date.parse(run!.completedAt!)).toBeGreaterThanOrEqual(Date.parse(day1.startedAt));
  });

  it('writes the report next to the work list and posts the digest and the alerts to Slack', () => {
    const report = parseReport(JSON.parse(sim.s3.text(hub.bucket, 'runs/day-1/report.json') ?? 'null'));
    const digest = slack.posts(SLACK_PATHS.digest);

    expect(sim.s3.keys(hub.bucket, 'runs/day-1/')).toEqual([
      'runs/day-1/report.html',
      'runs/day-1/report.json',
      'runs/day-1/targets.json',
    ]);
    expect(report.summary.targetsFailed).toBe(1);
    expect(sim.s3.text(hub.bucket, 'runs/day-1/report.html')).toMatch(/^<!doctype html>/i);
    expect(digest).toHaveLength(1);
    expect(JSON.stringify(digest[0]?.body)).toContain(denied);
    expect(JSON.stringify(digest[0]?.body)).toContain('recorded as the baseline');
    expect(alertBodies().filter((body) => body.includes('Coverage gap') && body.includes(denied))).toHaveLength(1);
    expect(new Set(alertBodies()).size).toBe(alertBodies().length);
  });

  it("links the digest to the report's page in the S3 console and keeps the s3:// location in the run's output", () => {
    const body = JSON.stringify(slack.posts(SLACK_PATHS.digest)[0]?.body);
    const page = `https://${hub.region}.console.aws.amazon.com/s3/object/${hub.bucket}?region=${hub.region}&amp;prefix=runs%2Fday-1%2Freport.html`;

    expect(body).toContain(`<${page}|full report>`);
    expect(body).not.toContain('s3://');
    expect(day1.output.summary).toMatchObject({ report: `s3://${hub.bucket}/runs/day-1/report.html` });
  });

  it('finishes a run whose child throws, and reports that account as a scan that did not complete', async () => {
    sim.clock.advanceDays(1);
    const crashed = day1.accounts.find((account) => account.accountId !== denied)!;
    const crashedTargets = (await store.listTargetMetas()).filter((t) => t.accountId === crashed.accountId);
    const before = await Promise.all(crashedTargets.map(async (t) => (await store.loadTarget(t)).certificates.length));
    const sizes = await store.certificateCounts();
    const alertsBefore = slack.posts(SLACK_PATHS.alerts).length;

    const day2 = await runPipeline({
      sim,
      dynamo,
      runId: 'day-2',
      hooks: {
        beforeTask: (state, input) => {
          const { account } = input as { account: WorkItem };
          if (state === 'ScanTarget' && account.accountId === crashed.accountId) {
            throw new TypeError('simulated crash of the scanner');
          }
        },
      },
    });

    // The work list starts with the account whose largest region held the most, so the slowest scan starts first.
    const workList = JSON.parse(sim.s3.text(hub.bucket, 'runs/day-2/targets.json') ?? '[]') as WorkItem[];
    const largest = (accountId: string) =>
      Math.max(...[...sizes].filter(([key]) => key.startsWith(`${accountId}#`)).map(([, n]) => n));
    const counts = workList.map((item) => largest(item.accountId));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(new Set(counts).size).toBeGreaterThan(1);

    const results = await store.loadRunResults('day-2');
    const crashedResults = results.targets.filter((t) => t.accountId === crashed.accountId);
    expect(day2.failedChildren).toEqual([
      { account: expect.objectContaining(crashed), error: 'TypeError: simulated crash of the scanner' },
    ]);
    expect(crashedResults).toEqual([
      expect.objectContaining({ region: '*', status: 'error', errorCode: SCAN_DID_NOT_COMPLETE }),
    ]);
    const after = await Promise.all(crashedTargets.map(async (t) => (await store.loadTarget(t)).certificates.length));
    expect(after).toEqual(before);
    expect(await store.latestCompletedRun()).toMatchObject({ runId: 'day-2', targetsFailed: 2 });
    // The refused account was alerted on day 1; on-call is not told again, only about the new gap.
    const newAlerts = alertBodies().slice(alertsBefore);
    expect(newAlerts.filter((body) => body.includes(denied))).toHaveLength(0);
    expect(newAlerts.filter((body) => body.includes('Coverage gap') && body.includes(crashed.accountId))).toHaveLength(
      1,
    );
  });

  it('posts the digest and each alert once when FinalizeRun is retried after doing its work', async () => {
    sim.clock.advanceDays(1);
    const digestsBefore = slack.posts(SLACK_PATHS.digest).length;
    const alertsBefore = slack.posts(SLACK_PATHS.alerts).length;
    let firstAttempt: { alerts: { sent: number } } | undefined;

    const day3 = await runPipeline({
      sim,
      dynamo,
      runId: 'day-3',
      hooks: {
        afterTask: (state, _input, output) => {
          if (state !== 'FinalizeRun' || firstAttempt) return;
          firstAttempt = output as { alerts: { sent: number } };
          throw new LambdaServiceException('the invocation timed out on the way back');
        },
      },
    });

    const newAlerts = alertBodies().slice(alertsBefore);
    expect(day3.retries).toEqual({ FinalizeRun: 1 });
    expect(slack.posts(SLACK_PATHS.digest)).toHaveLength(digestsBefore + 1);
    expect(day3.output.summary).toMatchObject({ digest: 'already-sent', alerts: { queued: 0, sent: 0 } });
    // The account whose child crashed yesterday was scanned again: its coverage gap resolves, once.
    expect(firstAttempt?.alerts.sent).toBeGreaterThan(0);
    expect(newAlerts).toHaveLength(firstAttempt!.alerts.sent);
    expect(newAlerts.some((body) => body.includes('Resolved'))).toBe(true);
    expect(await store.latestCompletedRun()).toMatchObject({ runId: 'day-3', targetsFailed: 1 });
  });

  it('has the heartbeat tell on-call once when no run completed in time, through the real Heartbeat handler', async () => {
    const lastRun = Date.parse((await store.latestCompletedRun())!.completedAt!);
    const alertsBefore = slack.posts(SLACK_PATHS.alerts).length;
    const hour = 3_600_000;

    const fresh = await invokeHeartbeat({ sim, hub, now: new Date(lastRun + 2 * hour) });
    const stale = await invokeHeartbeat({ sim, hub, now: new Date(lastRun + 31 * hour) });
    const quiet = await invokeHeartbeat({ sim, hub, now: new Date(lastRun + 32 * hour) });

    expect(fresh).toEqual({ outcome: 'checked', alertsSent: 0, alertsPending: 0 });
    expect(stale).toMatchObject({ outcome: 'checked', notice: 'stale' });
    expect(quiet).toEqual({ outcome: 'checked', alertsSent: 0, alertsPending: 0 });
    expect(slack.posts(SLACK_PATHS.alerts).slice(alertsBefore)).toHaveLength(1);
  });

  it('completes a run without Slack when the secret holds the placeholder, posting nothing', async () => {
    sim.clock.advanceDays(1);
    await setSlackWebhooks(sim, hub, SLACK_SECRET_PLACEHOLDER);
    const postsBefore = slack.posts().length;

    const day4 = await runPipeline({ sim, dynamo, runId: 'day-4' });

    expect(day4.output.summary).toMatchObject({
      digest: 'not-configured',
      alerts: { outcome: 'not-configured', sent: 0 },
    });
    expect(slack.posts()).toHaveLength(postsBefore);
    expect(await store.latestCompletedRun()).toMatchObject({ runId: 'day-4', status: 'completed' });
  });
});
