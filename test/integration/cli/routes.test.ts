/**
 * `audit --routes FILE` end to end: the real CLI as a child process against a simulated organization with OUs and
 * account tags, dynalite for --state-table, and one local Slack receiver per destination. Each alert reaches the team
 * that owns its certificate (by certificate tag, account tag or OU) or the default destination marked "no owner",
 * once; each team gets its digest; the JSON report says who owns what; a bad file is refused before any scan.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../../lambdas/core/report';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { parseScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { cert } from '../../unit/sim/fixture';
import { isolatedEnv, runCli } from './harness';

const START = '2026-12-01T00:00:00.000Z';
const MANAGEMENT = '111111111111';
const WEB_ACCOUNT = '222222222222';
const DATA_ACCOUNT = '333333333333';
const REGION = 'us-east-1';
const at = (days: number) => new Date(Date.parse(START) + days * 86_400_000).toISOString();

const scenario = parseScenario({
  managementAccountId: MANAGEMENT,
  start: START,
  rootId: 'r-ab12',
  organizationalUnits: [
    { id: 'ou-ab12-11111111', name: 'Workloads' },
    { id: 'ou-ab12-22222222', name: 'Storefront', parentId: 'ou-ab12-11111111' },
  ],
  accounts: [
    { id: MANAGEMENT, name: 'management', state: 'ACTIVE', enabledRegions: [REGION] },
    {
      id: WEB_ACCOUNT,
      name: 'storefront',
      state: 'ACTIVE',
      enabledRegions: [REGION],
      parentId: 'ou-ab12-22222222',
      certificates: [
        // Its team tag names payments: that wins over the account's OU.
        cert(WEB_ACCOUNT, REGION, 1, {
          renewal: { status: 'FAILED', reason: 'CAA_ERROR', updatedAt: at(-1) },
          notBefore: at(-170),
          notAfter: at(20),
          tags: { team: 'payments' },
        }),
        // No tag: the OU below Workloads routes it to web.
        cert(WEB_ACCOUNT, REGION, 2, { notBefore: at(-190), notAfter: at(5), tags: {} }),
      ],
    },
    {
      id: DATA_ACCOUNT,
      name: 'data',
      state: 'ACTIVE',
      enabledRegions: [REGION],
      // "data" is no destination: reported, and the certificate has no owner.
      tags: { team: 'data' },
      certificates: [cert(DATA_ACCOUNT, REGION, 3, { notBefore: at(-190), notAfter: at(4), tags: { team: 'Web' } })],
    },
  ],
});

let sim: Simulator;
let dynamo: LocalDynamo;
const receivers: Record<'platform' | 'web' | 'payments', SlackReceiver> = {} as never;
let work: string;

beforeAll(async () => {
  sim = await startSimulator({ scenario });
  dynamo = await startDynalite();
  for (const name of ['platform', 'web', 'payments'] as const) receivers[name] = await startSlackReceiver();
  work = mkdtempSync(join(tmpdir(), 'audit-routes-'));
});
afterAll(async () => {
  await Promise.all([sim?.close(), dynamo?.close(), ...Object.values(receivers).map((r) => r?.close())]);
});

function routesFile(extra: Record<string, unknown> = {}): string {
  const path = join(work, `routes-${Math.random().toString(36).slice(2)}.json`);
  const table = {
    destinations: {
      platform: `${receivers.platform.url}/hook`,
      web: `${receivers.web.url}/hook`,
      payments: `${receivers.payments.url}/hook`,
    },
    default: 'platform',
    rules: [
      { certificateTag: 'owner-slack' },
      { certificateTag: 'team' },
      { accountTag: 'team' },
      { ou: { 'ou-ab12-11111111': 'web' } },
    ],
    teamDigests: true,
    ...extra,
  };
  writeFileSync(path, JSON.stringify(table));
  return path;
}

const env = () => isolatedEnv({ ...sim.env(), AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
const bodies = (receiver: SlackReceiver) => receiver.posts().map((post) => JSON.stringify(post.body));
const alertsTo = (receiver: SlackReceiver) => bodies(receiver).filter((text) => !/certificate digest/i.test(text));

describe('audit --routes', () => {
  it('routes each alert to its owner once, says why, gives each team its digest and writes the routes into the report', async () => {
    const output = join(work, 'report.json');
    const args = ['--routes', routesFile(), '--state-table', 'routes-state', '--as-of', START, '--output', output];

    const first = await runCli(args, env());
    const second = await runCli(args, env());

    expect([first.code, second.code]).toEqual([0, 0]);
    const payments = alertsTo(receivers.payments);
    const web = alertsTo(receivers.web);
    const platform = alertsTo(receivers.platform);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toContain('routed by tag team=payments');
    expect(web).toHaveLength(1);
    expect(web[0]).toContain('routed by OU ou-ab12-11111111');
    expect(platform).toHaveLength(1);
    expect(platform[0]).toContain('no owner');
    expect(bodies(receivers.web).filter((t) => t.includes('web: certificate digest'))).toHaveLength(2);
    expect(bodies(receivers.platform).find((t) => t.includes('📬 Routing'))).toContain(
      'platform 1 · web 1 · payments 1',
    );

    const report = ReportSchema.parse(JSON.parse(readFileSync(output, 'utf8')));
    expect(Object.fromEntries(report.certificates.map((c) => [c.domainName, c.route]))).toEqual({
      'c1.example.com': { destination: 'payments', rule: 'certificateTag:team' },
      'c2.example.com': { destination: 'web', rule: 'ou:ou-ab12-11111111' },
      'c3.example.com': { destination: 'platform', rule: 'default' },
    });
    expect(report.routingProblems?.map((p) => [p.rule, p.value])).toEqual([
      ['accountTag:team', 'data'],
      ['certificateTag:team', 'Web'],
    ]);
    expect(report.targets.find((t) => t.accountId === DATA_ACCOUNT)?.routingProblems).toHaveLength(2);
    expect(first.messages.some((line) => line.includes('2 tag value(s) named no destination'))).toBe(true);
  });

  it.each([
    [{ default: 'nobody' }, 'default: "nobody" is not a destination (destinations: platform, web, payments)'],
    [{ rules: [{ tag: 'team' }] }, 'rules.0: a rule is one of'],
    [{ destinations: { platform: 'http://hooks.slack.com/x' } }, 'destinations.platform: must be an https:// Slack'],
  ])('refuses a bad routing table before scanning, naming the problem (%j)', async (extra, message) => {
    const before = sim.counters.total({ service: 'ACM' });

    const run = await runCli(['--routes', routesFile(extra)], env());

    expect(run.code).toBe(1);
    expect(run.messages.join('\n')).toContain(message);
    expect(run.messages.join('\n')).not.toContain('hooks.slack.com/x');
    expect(sim.counters.total({ service: 'ACM' })).toBe(before);
  });

  it('says a routes file that is missing or not JSON is so', async () => {
    const notJson = join(work, 'broken.json');
    writeFileSync(notJson, '{"destinations": ');

    const missing = await runCli(['--routes', join(work, 'nope.json')], env());
    const broken = await runCli(['--routes', notJson], env());

    expect(missing.code).toBe(1);
    expect(missing.messages.join('\n')).toContain(
      `cannot read --routes ${join(work, 'nope.json')}: the file does not exist`,
    );
    expect(broken.code).toBe(1);
    expect(broken.messages.join('\n')).toContain(`--routes ${notJson} is not JSON`);
  });
});
