/**
 * The deployed pipeline with the probe feature set, on loopback: the synthesized state machine with the real
 * handlers, ScanTarget discovering and probing each account's endpoints (real TLS servers, the loopback DNS server,
 * the simulator's root trusted through NODE_EXTRA_CA_CERTS), FinalizeRun probing the user's endpoint, reporting and
 * alerting. A renewal a load balancer did not pick up pages once, and resolves once the endpoints serve it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../../lambdas/core/report';
import { type SimDnsServer, startDnsServer } from '../../../local/dns/server';
import { simulatedZones } from '../../../local/dns/zones';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { exampleConfig, SLACK_PATHS } from '../../../local/pipeline/deploy';
import { type PipelineRun, runPipeline } from '../../../local/pipeline/run';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { type EndpointWorld, startEndpointWorld, withEndpointRecords } from '../../../local/tls/endpoint-world';

const DAY_MS = 86_400_000;
const EXTERNAL_ID = String(exampleConfig().externalId);

let sim: Simulator;
let dynamo: LocalDynamo;
let slack: SlackReceiver;
let world: EndpointWorld;
let dns: SimDnsServer;
let renewed: string;
let day1: PipelineRun;

const alerts = () => slack.posts(SLACK_PATHS.alerts).map((post) => JSON.stringify(post.body));
const report = (runId: string) =>
  parseReport(JSON.parse(sim.s3.text(day1.hub.bucket, `runs/${runId}/report.json`) ?? 'null'));
const serveDns = () => {
  dns.data = withEndpointRecords(simulatedZones(sim.org.allCertificates().map((r) => r.certificate)), world);
};

beforeAll(async () => {
  sim = await startSimulator({
    scenario: generateScenario({
      seed: 20261201,
      accounts: 3,
      regions: ['us-east-1', 'eu-west-1'],
      certificatesPerTarget: { min: 2, max: 4 },
      activeRegionsPerAccount: { min: 1, max: 2 },
      inactiveAccounts: false,
      externalId: EXTERNAL_ID,
    }),
  });
  const now = sim.clock.nowMs();
  renewed =
    sim.org
      .allCertificates()
      .map((r) => r.certificate)
      .filter((c) => c.type === 'AMAZON_ISSUED' && c.inUseBy.length > 0 && sim.org.statusOf(c) === 'ISSUED')
      .filter((c) => Date.parse(c.notAfter ?? '') - now > 60 * DAY_MS)
      .sort((a, b) => (a.arn < b.arn ? -1 : 1))[0]?.arn ?? '';
  if (renewed === '') throw new Error('the seed lacks a healthy in-use certificate');
  [dynamo, slack, dns] = await Promise.all([startDynalite(), startSlackReceiver(), startDnsServer({ records: [] })]);
  world = await startEndpointWorld({ org: sim.org, now: () => sim.clock.now() });
  serveDns();
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-probe-'));
  writeFileSync(join(dir, 'root.pem'), world.caPem);
  // Read by the handlers at cold start, as a Lambda reads it from its configuration.
  process.env.NODE_EXTRA_CA_CERTS = join(dir, 'root.pem');

  day1 = await runPipeline({
    sim,
    dynamo,
    slack,
    runId: 'day-1',
    deploy: {
      logLevel: 'ERROR',
      config: {
        ...exampleConfig(),
        features: ['probe'],
        dnsDiagnosis: { servers: [dns.address], timeoutMs: 1_000 },
        // Outside ACM and nowhere in DNS: reported unreachable, never paged on a first failure.
        probe: { endpoints: ['gone.outside.example.net:8443'] },
      },
    },
  });
});

afterAll(async () => {
  delete process.env.NODE_EXTRA_CA_CERTS;
  await Promise.all([sim?.close(), dynamo?.close(), slack?.close(), dns?.close(), world?.close()]);
});

describe('the pipeline with the probe feature set', () => {
  it('reports every endpoint the accounts serve from, all of them as ACM holds them, and the user endpoint', () => {
    const endpoints = report('day-1').endpoints ?? [];

    expect(endpoints.filter((e) => e.source !== 'file' && e.status === 'ok').length).toBeGreaterThan(3);
    expect(endpoints.flatMap((e) => e.findings).filter((f) => f === 'SERVED_MISMATCH')).toEqual([]);
    expect(endpoints.find((e) => e.source === 'file')).toMatchObject({
      host: 'gone.outside.example.net',
      status: 'unreachable',
      error: { reason: 'no-address' },
    });
    expect(alerts().some((body) => body.includes('Endpoint'))).toBe(false);
  });

  it('pages once when a renewal is not picked up by the endpoints, and resolves when they serve it', async () => {
    await world.pin(renewed);
    sim.clock.advanceDays(1);
    sim.org.renew(renewed);
    await world.sync();
    await runPipeline({ sim, dynamo, slack, runId: 'day-2', hub: day1.hub });
    const opened = alerts().filter((body) => body.includes('Endpoint serves another certificate'));

    await world.pickUp(renewed);
    sim.clock.advanceDays(1);
    await runPipeline({ sim, dynamo, slack, runId: 'day-3', hub: day1.hub });

    expect(opened).toHaveLength(1);
    expect(
      report('day-2')
        .endpoints?.filter((e) => e.findings.includes('SERVED_MISMATCH'))
        .every((e) => e.certificateArn === renewed),
    ).toBe(true);
    expect(
      alerts().filter((body) => body.includes('Resolved: endpoint serves its ACM certificate again')),
    ).toHaveLength(1);
    expect(report('day-3').summary.byFinding.SERVED_MISMATCH).toBe(0);
  });
});
