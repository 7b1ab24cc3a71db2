/**
 * Owner routing on the real-time event path, as deployed: the hub with `routes` and the event path on, the real
 * Events Lambda between runs of the real pipeline, one local Slack receiver per destination. An alert from an event
 * reaches the certificate's owner, chosen by the daily run's rules with the account tags and OUs the last run
 * recorded, once; the next run sends it to nobody again. Before any run has recorded them, the event path routes by
 * certificate tags only and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { LocalEventBus } from '../../../local/event-bus';
import { deployHub, exampleConfig, type LocalHub, setSlackWebhooks } from '../../../local/pipeline/deploy';
import { invokeEvents } from '../../../local/pipeline/lambda-runtime';
import { runPipeline } from '../../../local/pipeline/run';
import { parseScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { arnOf, cert } from '../../unit/sim/fixture';

const START = '2026-12-01T00:00:00.000Z';
const MANAGEMENT = '111111111111';
const STOREFRONT = '222222222222';
// Not 333333333333: cdk.json's example configuration excludes it.
const WEBSHOP = '444444444444';
const REGION = 'us-east-1';
const at = (days: number) => new Date(Date.parse(START) + days * 86_400_000).toISOString();
/** In use, in its renewal window, renewing: nothing to say until its renewal fails. */
const renewing = (account: string, n: number) =>
  cert(account, REGION, n, {
    notBefore: at(-150),
    notAfter: at(48),
    renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: at(-1) },
  });

const ROUTES = {
  destinations: { platform: 'platformWebhookUrl', web: 'webWebhookUrl' },
  default: 'platform',
  rules: [{ certificateTag: 'team' }, { accountTag: 'team' }, { ou: { 'ou-ab12-11111111': 'web' } }],
  teamDigests: false,
};

/** Certificates by number: c1 fails before any run, c2 (OU) and c3 (account tag) between day 1 and day 2. */
const BEFORE_ANY_RUN = 1;
const BY_OU = 2;
const BY_ACCOUNT_TAG = 3;

describe('the Events Lambda with owner routing', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let hub: LocalHub;
  let bus: LocalEventBus;
  const receivers: Record<'platform' | 'web', SlackReceiver> = {} as never;

  /** Alerts a receiver took (digests left out), as text. */
  const alerts = (receiver: SlackReceiver) =>
    receiver
      .posts('/hook')
      .filter((post) => post.status === 200)
      .map((post) => JSON.stringify(post.body))
      .filter((text) => !/certificate digest/i.test(text));
  const about = (texts: readonly string[], n: number) => texts.filter((text) => text.includes(`c${n}.example.com`));

  const failAndDrain = async (accountId: string, n: number) => {
    sim.clock.advanceMs(3_600_000);
    sim.org.failRenewal(arnOf(accountId, REGION, n), 'CAA_ERROR');
    sim.clock.advanceMs(5_000);
    return bus.drain((batch) => invokeEvents({ sim, hub, batch }));
  };

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
            enabledRegions: [REGION, 'eu-west-1'],
            certificates: [],
          },
          {
            id: STOREFRONT,
            name: 'storefront',
            state: 'ACTIVE',
            enabledRegions: [REGION],
            parentId: 'ou-ab12-22222222',
            certificates: [renewing(STOREFRONT, BEFORE_ANY_RUN), renewing(STOREFRONT, BY_OU)],
          },
          {
            id: WEBSHOP,
            name: 'webshop',
            state: 'ACTIVE',
            enabledRegions: [REGION],
            tags: { team: 'web' },
            certificates: [renewing(WEBSHOP, BY_ACCOUNT_TAG)],
          },
        ],
      }),
    });
    dynamo = await startDynalite();
    for (const name of ['platform', 'web'] as const) receivers[name] = await startSlackReceiver();
    const config = {
      ...exampleConfig(),
      routes: ROUTES,
      events: { enabled: true, principalOrgId: sim.org.organizationId },
    };
    hub = await deployHub({ sim, dynamo, config, logLevel: 'ERROR' });
    await setSlackWebhooks(sim, hub, {
      digestWebhookUrl: '',
      alertsWebhookUrl: `${receivers.platform.url}/alerts`,
      platformWebhookUrl: `${receivers.platform.url}/hook`,
      webWebhookUrl: `${receivers.web.url}/hook`,
    });
    bus = new LocalEventBus({ org: sim.org });
  });

  afterAll(async () => {
    bus?.close();
    await Promise.all([sim?.close(), dynamo?.close(), ...Object.values(receivers).map((r) => r?.close())]);
  });

  it('routes by certificate tags only before any run recorded the accounts, to the default, saying so', async () => {
    const summaries = await failAndDrain(STOREFRONT, BEFORE_ANY_RUN);

    expect(summaries.flatMap((summary) => summary.deliveries)).toHaveLength(1);
    const platform = about(alerts(receivers.platform), BEFORE_ANY_RUN);
    expect(platform).toHaveLength(1);
    expect(platform[0]).toContain('no owner known: account tags and OUs not recorded yet');
    expect(about(alerts(receivers.web), BEFORE_ANY_RUN)).toEqual([]);
    expect(receivers.platform.posts('/alerts')).toEqual([]);
  });

  it('sends an alert from an event to the owner by OU and by account tag, once, and the next run to nobody', async () => {
    await runPipeline({ sim, dynamo, runId: 'day-1', hub });
    const before = {
      web: alerts(receivers.web).length,
      platform: alerts(receivers.platform).length,
    };

    const byOu = await failAndDrain(STOREFRONT, BY_OU);
    const byTag = await failAndDrain(WEBSHOP, BY_ACCOUNT_TAG);
    const fromEvents = {
      web: alerts(receivers.web).slice(before.web),
      platform: alerts(receivers.platform).slice(before.platform),
    };
    sim.clock.advanceDays(1);
    await runPipeline({ sim, dynamo, runId: 'day-2', hub });
    const fromDay2 = [
      ...alerts(receivers.web).slice(before.web + fromEvents.web.length),
      ...alerts(receivers.platform).slice(before.platform + fromEvents.platform.length),
    ];

    expect([...byOu, ...byTag].flatMap((summary) => summary.deliveries.map((d) => d.noticeId))).toEqual([
      `RENEWAL_FAILED#${arnOf(STOREFRONT, REGION, BY_OU)}#opened@web`,
      `RENEWAL_FAILED#${arnOf(WEBSHOP, REGION, BY_ACCOUNT_TAG)}#opened@web`,
    ]);
    expect(about(fromEvents.web, BY_OU)).toHaveLength(1);
    expect(about(fromEvents.web, BY_OU)[0]).toContain('routed by OU ou-ab12-11111111');
    expect(about(fromEvents.web, BY_ACCOUNT_TAG)).toHaveLength(1);
    expect(about(fromEvents.web, BY_ACCOUNT_TAG)[0]).toContain('routed by account tag team=web');
    expect([...about(fromEvents.platform, BY_OU), ...about(fromEvents.platform, BY_ACCOUNT_TAG)]).toEqual([]);
    expect([...about(fromDay2, BY_OU), ...about(fromDay2, BY_ACCOUNT_TAG)]).toEqual([]);
    expect(receivers.platform.posts('/alerts')).toEqual([]);
  });
});
