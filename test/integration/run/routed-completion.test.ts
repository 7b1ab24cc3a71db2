/**
 * A run's completion with owner routing, against real Slack webhooks on loopback (one local receiver per
 * destination) and the alert store on DynamoDB: every alert reaches its owner once, says why, a broken destination
 * falls back to the default without loss or duplicates, each team gets its digest and the default the whole
 * organization's, and the report says who owns what.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AssessedCertificate, TargetResult } from '../../../lambdas/core/model';
import type { Report } from '../../../lambdas/core/report';
import { parseRoutes } from '../../../lambdas/core/routing';
import { type CompleteRunDeps, type CompleteRunInput, completeRun } from '../../../lambdas/run/complete-run';
import { urlsFromTable } from '../../../lambdas/run/routed-slack';
import { defaultSlackPoster } from '../../../lambdas/wiring/slack';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { day, expiringOn, target } from '../../unit/core/alerting/fixtures';
import { type Dynamo, freshStore, startDynamo } from '../alerting/harness';

const A = '111111111111';
const B = '222222222222';
const arn = (account: string, id: string) => `arn:aws:acm:eu-west-1:${account}:certificate/${id}`;

let dynamo: Dynamo;
const receivers: Record<'platform' | 'web' | 'payments', SlackReceiver> = {} as never;
beforeAll(async () => {
  dynamo = await startDynamo();
  for (const name of ['platform', 'web', 'payments'] as const) receivers[name] = await startSlackReceiver();
});
afterAll(async () => {
  await dynamo.close();
  for (const receiver of Object.values(receivers)) await receiver.close();
});
beforeEach(() => {
  for (const receiver of Object.values(receivers)) receiver.clear();
});

function routes() {
  return parseRoutes(
    {
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
    },
    'url',
    'routes.json',
  );
}

/** Web's renewal fails (by tag), account B's certificate expires (by account tag payments), one has no owner. */
const certificates: AssessedCertificate[] = [
  expiringOn(40, 1, { arn: arn(A, 'web'), tags: { team: 'web' }, renewalStatus: 'FAILED' }),
  expiringOn(5, 1, { accountId: B, arn: arn(B, 'pay'), tags: {} }),
  expiringOn(6, 1, { arn: arn(A, 'none'), tags: { team: 'mobile' } }),
];
const targets: TargetResult[] = [target(), target({ accountId: B })];

async function complete(store: CompleteRunDeps['alerts'], runId = 'run-1') {
  const config = routes();
  let published: Report | undefined;
  const deps: CompleteRunDeps = {
    ...(store ? { alerts: store } : {}),
    slack: async () => ({ kind: 'configured', webhooks: {} }),
    poster: defaultSlackPoster({ maxAttempts: 1, backoffMs: 1 }),
    clock: () => day(1),
  };
  const input: CompleteRunInput = {
    runId,
    startedAt: day(1).toISOString(),
    now: day(1),
    expiryDays: 30,
    ownerTagKey: 'team',
    targets,
    certificates,
    changes: [],
    previousRun: undefined,
    publishReport: async (report) => {
      published = report;
      return 'report.html';
    },
    routing: {
      config,
      accounts: new Map([[B, { accountId: B, tags: { team: 'payments' } }]]),
      urls: urlsFromTable(config),
    },
  };
  const completion = await completeRun(deps, input);
  return { completion, report: published };
}

const texts = (receiver: SlackReceiver) => receiver.posts().map((post) => JSON.stringify(post.body));
const alertsTo = (receiver: SlackReceiver) => texts(receiver).filter((t) => !/certificate digest/i.test(t));

describe('completing a run with owner routing', () => {
  it('sends each alert to its owner once saying why, the unowned one to the default marked no owner', async () => {
    const { store } = await freshStore(dynamo);

    const { completion } = await complete(store);
    await complete(store); // a retried completion sends nothing twice

    const web = alertsTo(receivers.web);
    const payments = alertsTo(receivers.payments);
    const platform = alertsTo(receivers.platform);
    expect(web).toHaveLength(1);
    expect(web[0]).toContain('renewal failed');
    expect(web[0]).toContain('routed by tag team=web');
    expect(payments).toHaveLength(1);
    expect(payments[0]).toContain('routed by account tag team=payments');
    expect(platform).toHaveLength(1);
    expect(platform[0]).toContain('no owner');
    expect(completion.alerts).toMatchObject({ outcome: 'sent', sent: 3, pending: 0 });
  });

  it('posts each team its own digest and the default the organization’s, with routing and the problems', async () => {
    const { completion } = await complete(undefined);

    const webDigest = texts(receivers.web).find((t) => t.includes('web: certificate digest'));
    const orgDigest = texts(receivers.platform).find((t) => t.includes('📬 Routing'));
    expect(webDigest).toContain('1 certificate routed here');
    expect(webDigest).not.toContain(arn(B, 'pay').split('/')[1]);
    expect(texts(receivers.payments).some((t) => t.includes('payments: certificate digest'))).toBe(true);
    expect(orgDigest).toContain('platform 1 · web 1 · payments 1');
    expect(orgDigest).toContain('value `mobile`');
    expect(completion.routing?.teamDigests).toEqual({ web: 'sent', payments: 'sent' });
    expect(completion.digest).toBe('sent');
  });

  it('writes each certificate’s route and the routing problems into the report', async () => {
    const { report } = await complete(undefined);

    const routesByArn = Object.fromEntries((report?.certificates ?? []).map((c) => [c.arn, c.route]));
    expect(routesByArn).toEqual({
      [arn(A, 'web')]: { destination: 'web', rule: 'certificateTag:team' },
      [arn(B, 'pay')]: { destination: 'payments', rule: 'accountTag:team' },
      [arn(A, 'none')]: { destination: 'platform', rule: 'default' },
    });
    expect(report?.routingProblems).toEqual([
      {
        value: 'mobile',
        rule: 'certificateTag:team',
        reason: 'names no destination (destinations: platform, web, payments)',
      },
    ]);
  });

  it('falls back to the default for a broken destination, names it in the digest and raises the broken outcome; nothing lost or twice', async () => {
    const { store } = await freshStore(dynamo);
    receivers.web.breakWebhook('/hook', 410, 'channel_is_archived');

    const { completion } = await complete(store, 'run-broken');
    const again = await complete(store, 'run-broken');
    receivers.web.repairWebhook('/hook');

    const platform = texts(receivers.platform);
    const fellBack = platform.filter((t) => t.includes('Meant for *web*'));
    expect(fellBack).toHaveLength(1);
    expect(fellBack[0]).toContain('routed by tag team=web');
    expect(receivers.web.posts().filter((p) => p.status === 200)).toEqual([]);
    expect(platform.find((t) => t.includes('📬 Routing'))).toContain('*Broken webhook:* *web*');
    expect(completion.alerts).toMatchObject({ outcome: 'broken', sent: 3, pending: 0 });
    expect(completion.routing).toMatchObject({ brokenDestinations: ['web'], fellBack: 1 });
    expect(again.completion.alerts).toMatchObject({ queued: 0, sent: 0, pending: 0 });
  });
});
