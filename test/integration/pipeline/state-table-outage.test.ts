/**
 * The deployed pipeline on a day its state table refuses every BatchWriteItem (after the client's and the store's
 * retries): the scans read ACM fine, so FinalizeRun's report still lists every certificate read (marked not stored),
 * the targets are partial with the monitor's own cause, nobody is paged about a coverage gap, and on-call hears one
 * monitor-health message, resolved the next day when the table works again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_TABLE_FAILED } from '../../../lambdas/core/failures';
import { parseReport, type Report } from '../../../lambdas/core/report';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { type DynamoFaultProxy, startDynamoFaultProxy } from '../../../local/dynamo-fault-proxy';
import { exampleConfig, type LocalHub } from '../../../local/pipeline/deploy';
import { runPipeline } from '../../../local/pipeline/run';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { importExpiringCertificate, noticeIdOf } from '../../../local/state-table-faults';

const SEED = 9090;

describe('the pipeline on a day its state table refuses the snapshot', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let proxy: DynamoFaultProxy;
  let slack: SlackReceiver;
  const days: Array<{ report: Report; alerts: string[]; missing: string[] }> = [];
  let imported: string;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({
        seed: SEED,
        accounts: 5,
        regions: ['us-east-1', 'eu-west-1'],
        certificatesPerTarget: { min: 1, max: 5 },
        activeRegionsPerAccount: { min: 2, max: 2 },
        inactiveAccounts: false,
        externalId: String(exampleConfig().externalId),
      }),
    });
    [dynamo, slack] = await Promise.all([startDynalite(), startSlackReceiver()]);
    proxy = await startDynamoFaultProxy({ upstream: dynamo.endpoint, seed: SEED });
    let hub: LocalHub | undefined;
    for (let day = 0; day < 3; day++) {
      if (day > 0) {
        sim.org.churn(SEED + day, { fraction: 0.2 });
        sim.clock.advanceDays(1);
      }
      proxy.clearForced();
      if (day === 1) {
        // Imported into a target that holds certificates already, in use and expiring in 5 days: an alert is due.
        imported = importExpiringCertificate(sim);
        proxy.force('throttle', 1_000_000, 'BatchWriteItem');
      }
      const before = slack.posts('/alerts').length;
      const run = await runPipeline({
        sim,
        dynamo: { endpoint: proxy.endpoint, close: async () => undefined },
        slack,
        runId: `day-${day}`,
        ...(hub ? { hub } : { deploy: { logLevel: 'SILENT' } }),
      });
      hub = run.hub;
      const report = parseReport(JSON.parse(sim.s3.text(hub.bucket, `runs/day-${day}/report.json`) ?? 'null'));
      const listed = new Set(report.certificates.map((cert) => cert.arn));
      days.push({
        report,
        alerts: slack
          .posts('/alerts')
          .slice(before)
          .map((post) => noticeIdOf(post.body)),
        missing: report.targets
          .filter((target) => target.status !== 'error')
          .flatMap((target) => sim.org.certificatesIn(target.accountId, target.region).map((r) => r.certificate.arn))
          .filter((arn) => !listed.has(arn)),
      });
    }
  }, 300_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all([sim?.close(), dynamo?.close(), slack?.close()]);
  });

  it('reports every certificate read that day, marked not stored, its targets partial for the monitor’s table', () => {
    const { report, missing } = days[1]!;
    const failing = report.targets.filter((target) => target.errorCode === STATE_TABLE_FAILED);

    expect(failing.length).toBeGreaterThan(3);
    expect(failing.every((target) => target.status === 'partial')).toBe(true);
    expect(failing[0]!.errorMessage).toMatch(/the monitor's state table could not store this scan/);
    expect(missing).toEqual([]);
    const failed = new Set(failing.map((target) => `${target.accountId}#${target.region}`));
    const inFailed = report.certificates.filter((cert) => failed.has(`${cert.accountId}#${cert.region}`));
    expect(inFailed.length).toBeGreaterThan(0);
    expect(inFailed.every((cert) => cert.notStored === true)).toBe(true);
    expect(report.certificates.find((cert) => cert.arn === imported)).toMatchObject({ notStored: true });
  });

  it('alerts on a certificate first read that day without waiting for the table, and only once', () => {
    const opened = `EXPIRING_IN_USE#${imported}#opened`;

    expect(days[1]!.alerts).toContain(opened);
    expect(days.flatMap((day) => day.alerts).filter((id) => id === opened)).toHaveLength(1);
  });

  it('pages nobody about a coverage gap; tells on-call once about the table, and once that it is over', () => {
    const all = days.flatMap((day) => day.alerts);

    expect(all.filter((id) => id.startsWith('COVERAGE_GAP#'))).toEqual([]);
    expect(days[1]!.alerts.filter((id) => id.startsWith('MONITOR_STATE_TABLE#'))).toEqual([
      'MONITOR_STATE_TABLE#state-table#opened',
    ]);
    expect(days[2]!.alerts.filter((id) => id.startsWith('MONITOR_STATE_TABLE#'))).toEqual([
      'MONITOR_STATE_TABLE#state-table#resolved',
    ]);
  });

  it('stores everything again the next day', () => {
    const { report, missing } = days[2]!;

    expect(missing).toEqual([]);
    expect(report.targets.filter((target) => target.errorCode === STATE_TABLE_FAILED)).toEqual([]);
    expect(report.certificates.some((cert) => cert.notStored === true)).toBe(false);
  });
});
