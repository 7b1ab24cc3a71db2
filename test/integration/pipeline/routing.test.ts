/**
 * Owner routing in the deployed pipeline, run on loopback: `certMonitor.routes` names keys of the Slack secret,
 * ListTargets reads the accounts' tags and OUs into the work list, FinalizeRun routes each alert to its owner's
 * webhook (one local receiver per destination), falls back to the default for a broken one and reports it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { deployHub, exampleConfig, type LocalHub, setSlackWebhooks } from '../../../local/pipeline/deploy';
import { invokeHeartbeat } from '../../../local/pipeline/lambda-runtime';
import { type PipelineRun, runPipeline } from '../../../local/pipeline/run';
import { parseScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { cert } from '../../unit/sim/fixture';

const START = '2026-12-01T00:00:00.000Z';
const MANAGEMENT = '111111111111';
const STOREFRONT = '222222222222';
const PAYMENTS = '444444444444';
const REGION = 'us-east-1';
const at = (days: number) => new Date(Date.parse(START) + days * 86_400_000).toISOString();
const expiring = (account: string, n: number, tags: Record<string, string> = {}) =>
  cert(account, REGION, n, { notBefore: at(-190), notAfter: at(5), tags });

const ROUTES = {
  destinations: { platform: 'platformWebhookUrl', web: 'webWebhookUrl', payments: 'paymentsWebhookUrl' },
  default: 'platform',
  rules: [{ certificateTag: 'team' }, { accountTag: 'team' }, { ou: { 'ou-ab12-11111111': 'web' } }],
  teamDigests: true,
};

describe('the pipeline with owner routing', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  const receivers: Record<'platform' | 'web' | 'payments', SlackReceiver> = {} as never;
  let run: PipelineRun;
  let hub: LocalHub;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: parseScenario({
        managementAccountId: MANAGEMENT,
        start: START,
        organizationalUnits: [
          { id: 'ou-ab12-11111111', name: 'Workloads' },
          { id: 'ou-ab12-22222222', name: 'Storefront', parentId: 'ou-ab12-11111111' },
        ],
        accounts: [
          {
            id: MANAGEMENT,
            name: 'management',
            state: 'ACTIVE',
            enabledRegions: [REGION, 'eu-west-1'], // the hub's region in cdk.json's example
            certificates: [expiring(MANAGEMENT, 1)],
          },
          {
            id: STOREFRONT,
            name: 'storefront',
            state: 'ACTIVE',
            enabledRegions: [REGION],
            parentId: 'ou-ab12-22222222',
            certificates: [expiring(STOREFRONT, 2)],
          },
          {
            id: PAYMENTS,
            name: 'payments',
            state: 'ACTIVE',
            enabledRegions: [REGION],
            tags: { team: 'payments' },
            certificates: [expiring(PAYMENTS, 3), expiring(PAYMENTS, 4, { team: 'web' })],
          },
        ],
      }),
    });
    dynamo = await startDynalite();
    for (const name of ['platform', 'web', 'payments'] as const) receivers[name] = await startSlackReceiver();
    receivers.payments.breakWebhook('/hook', 404, 'no_service');

    hub = await deployHub({ sim, dynamo, config: { ...exampleConfig(), routes: ROUTES }, logLevel: 'ERROR' });
    await setSlackWebhooks(sim, hub, {
      digestWebhookUrl: '',
      alertsWebhookUrl: `${receivers.platform.url}/alerts`,
      platformWebhookUrl: `${receivers.platform.url}/hook`,
      webWebhookUrl: `${receivers.web.url}/hook`,
      paymentsWebhookUrl: `${receivers.payments.url}/hook`,
    });
    run = await runPipeline({ sim, dynamo, runId: 'day-1', hub });
  });

  afterAll(async () => {
    await Promise.all([sim?.close(), dynamo?.close(), ...Object.values(receivers).map((r) => r?.close())]);
  });

  it('writes each account’s tags and OUs into the work list', () => {
    const byId = new Map(run.accounts.map((item) => [item.accountId, item as { routing?: unknown }]));
    expect(byId.get(STOREFRONT)?.routing).toEqual({ tags: {}, ouPath: ['ou-ab12-22222222', 'ou-ab12-11111111'] });
    expect(byId.get(PAYMENTS)?.routing).toEqual({ tags: { team: 'payments' }, ouPath: [] });
  });

  it('routes each alert to its owner, the broken destination’s to the default, and reports the broken webhook', () => {
    const alerts = (receiver: SlackReceiver) =>
      receiver
        .posts('/hook')
        .filter((post) => post.status === 200)
        .map((post) => JSON.stringify(post.body))
        .filter((text) => !/certificate digest/i.test(text));

    const web = alerts(receivers.web);
    const platform = alerts(receivers.platform);
    expect(web.map((t) => t.match(/routed by [^"\\]+/)?.[0])).toEqual([
      'routed by OU ou-ab12-11111111',
      'routed by tag team=web',
    ]);
    expect(platform).toHaveLength(2);
    expect(platform.filter((t) => t.includes('no owner'))).toHaveLength(1);
    expect(
      platform.filter((t) => t.includes('Meant for *payments*') && t.includes('routed by account tag team=payments')),
    ).toHaveLength(1);
    expect(receivers.platform.posts('/alerts')).toEqual([]);
    expect(run.output.summary).toMatchObject({ alerts: { outcome: 'broken', sent: 4, pending: 0 } });
    const digest = receivers.platform
      .posts('/hook')
      .map((post) => JSON.stringify(post.body))
      .find((t) => t.includes('📬 Routing'));
    expect(digest).toContain('*Broken webhook:* *payments*');
  });

  it('lets the heartbeat read the secret with the destinations the table names, and deliver what is left pending', async () => {
    receivers.payments.repairWebhook('/hook');

    const beat = await invokeHeartbeat({ sim, hub, now: new Date(Date.parse(START) + 3_600_000) });

    expect(beat).toMatchObject({ outcome: 'checked', alertsSent: 0, alertsPending: 0 });
  });
});
