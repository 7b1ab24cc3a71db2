import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRouting, flushRouted, runAlerting, runHeartbeat } from '../../../lambdas/alerting';
import type { AssessedCertificate, TargetResult } from '../../../lambdas/core/model';
import type { AlertNotice } from '../../../lambdas/core/notices';
import { incidentRoutes, parseRoutes, routeRun } from '../../../lambdas/core/routing';
import { SlackDeliveryError, SlackWebhookBrokenError } from '../../../lambdas/slack';
import { day, expiringOn, target } from '../../unit/core/alerting/fixtures';
import { type Dynamo, freshStore, startDynamo } from './harness';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const ROUTES = parseRoutes(
  {
    destinations: { platform: 'p', web: 'w', payments: 'pay' },
    default: 'platform',
    rules: [{ certificateTag: 'team' }],
  },
  'secretKey',
  'routes',
);
const ACCOUNT = '111111111111';
const arn = (id: string) => `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/${id}`;

/** Three certificates of three owners in one target: web's and payments' renewals fail, an untagged one expires. */
function organization(n: number, targetDown = false): { certificates: AssessedCertificate[]; targets: TargetResult[] } {
  return {
    certificates: [
      expiringOn(40, n, { arn: arn('web'), tags: { team: 'web' }, renewalStatus: 'FAILED' }),
      expiringOn(40, n, { arn: arn('pay'), tags: { team: 'payments' }, renewalStatus: 'FAILED' }),
      expiringOn(6, n, { arn: arn('none'), tags: { team: 'Web ' } }),
    ],
    targets: [targetDown ? target({ status: 'error', errorCode: 'AccessDenied', errorMessage: 'denied' }) : target()],
  };
}

/** One local Slack per destination: records what each received, and can be down or revoked. */
class Receivers {
  readonly received: Array<{ destination: string; id: string; fallbackFrom?: string }> = [];
  readonly modes = new Map<string, 'up' | 'down' | 'revoked'>();
  readonly send = async (destination: string, notice: AlertNotice, fallbackFrom?: string) => {
    const mode = this.modes.get(destination) ?? 'up';
    if (mode === 'down') throw new SlackDeliveryError(3, 503, 'HTTP 503', `https://hooks.slack.com/${destination}`);
    if (mode === 'revoked')
      throw new SlackWebhookBrokenError(410, 'channel_is_archived', `https://hooks.slack.com/${destination}`);
    this.received.push({
      destination,
      id: notice.id.replace(`arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/`, ''),
      ...(fallbackFrom ? { fallbackFrom } : {}),
    });
  };
  to(destination: string): string[] {
    return this.received.filter((r) => r.destination === destination).map((r) => r.id);
  }
}

function routingFor(org: ReturnType<typeof organization>, receivers: Receivers): AlertRouting {
  const run = routeRun(ROUTES, org.certificates, org.targets, new Map());
  return {
    defaultDestination: ROUTES.default,
    routesOf: (incident) => incidentRoutes(run, incident),
    send: receivers.send,
  };
}

describe('runAlerting with owner routing', () => {
  it('sends each incident to its owner once, the unowned one to the default marked no owner, and a coverage gap to every owner once', async () => {
    const { store } = await freshStore(dynamo);
    const receivers = new Receivers();

    const first = organization(1);
    const opened = await runAlerting({
      store,
      send: failSend,
      now: day(1),
      ...first,
      routing: routingFor(first, receivers),
    });
    const gap = organization(2, true);
    await runAlerting({ store, send: failSend, now: day(2), ...gap, routing: routingFor(first, receivers) });

    expect(receivers.to('web')).toEqual([
      'RENEWAL_FAILED#web#opened@web',
      `COVERAGE_GAP#${ACCOUNT}#eu-west-1#opened@web`,
    ]);
    expect(receivers.to('payments')).toEqual([
      'RENEWAL_FAILED#pay#opened@payments',
      `COVERAGE_GAP#${ACCOUNT}#eu-west-1#opened@payments`,
    ]);
    expect(receivers.to('platform')).toEqual([
      'EXPIRING_IN_USE#none#opened@platform',
      `COVERAGE_GAP#${ACCOUNT}#eu-west-1#opened@platform`,
    ]);
    const unowned = opened.sent.find((n) => n.destination === 'platform');
    expect(unowned?.route).toEqual({ destination: 'platform', rule: 'default' });
    expect(opened.sent.find((n) => n.destination === 'web')?.route).toEqual({
      destination: 'web',
      rule: 'certificateTag:team',
      value: 'web',
    });
  });

  it('sends nothing twice when the same run is completed three times', async () => {
    const { store } = await freshStore(dynamo);
    const receivers = new Receivers();
    const org = organization(1);
    for (let attempt = 0; attempt < 3; attempt++) {
      await runAlerting({ store, send: failSend, now: day(1), ...org, routing: routingFor(org, receivers) });
    }
    expect(receivers.received).toHaveLength(3);
  });

  it('falls back to the default for each message of a broken destination, says so, and reports it; nothing lost or twice', async () => {
    const { store } = await freshStore(dynamo);
    const receivers = new Receivers();
    receivers.modes.set('web', 'revoked');
    const org = organization(1);

    const result = await runAlerting({
      store,
      send: failSend,
      now: day(1),
      ...org,
      routing: routingFor(org, receivers),
    });
    const again = await runAlerting({
      store,
      send: failSend,
      now: day(1),
      ...org,
      routing: routingFor(org, receivers),
    });

    expect(receivers.to('web')).toEqual([]);
    expect(receivers.received.filter((r) => r.destination === 'platform')).toEqual([
      { destination: 'platform', id: 'EXPIRING_IN_USE#none#opened@platform' },
      { destination: 'platform', id: 'RENEWAL_FAILED#web#opened@web', fallbackFrom: 'web' },
    ]);
    expect(receivers.to('payments')).toEqual(['RENEWAL_FAILED#pay#opened@payments']);
    expect(result).toMatchObject({ broken: true, brokenDestinations: ['web'], pending: [] });
    expect(result.fellBack?.map((n) => n.destination)).toEqual(['web']);
    expect(again).toMatchObject({ sent: [], pending: [], queued: [] });
  });

  it('keeps a destination that is down pending without holding up the others, and delivers it once when it is back', async () => {
    const { store } = await freshStore(dynamo);
    const receivers = new Receivers();
    receivers.modes.set('payments', 'down');
    const org = organization(1);

    const down = await runAlerting({ store, send: failSend, now: day(1), ...org, routing: routingFor(org, receivers) });
    receivers.modes.set('payments', 'up');
    const later = await flushRouted({
      store,
      now: new Date(day(1).getTime() + 3_600_000),
      routing: { defaultDestination: 'platform', send: receivers.send },
    });

    expect(down.broken).toBeUndefined();
    expect(down.pending.map((n) => n.id)).toEqual([`RENEWAL_FAILED#${arn('pay')}#opened@payments`]);
    expect(down.failure?.message).toContain('503');
    expect(later.sent.map((n) => n.destination)).toEqual(['payments']);
    expect(receivers.received.map((r) => r.destination).sort()).toEqual(['payments', 'platform', 'web']);
  });

  it('raises the alarm when the default destination itself is broken, keeping its messages pending', async () => {
    const { store } = await freshStore(dynamo);
    const receivers = new Receivers();
    receivers.modes.set('platform', 'revoked');
    receivers.modes.set('web', 'revoked');
    const org = organization(1);

    const result = await runAlerting({
      store,
      send: failSend,
      now: day(1),
      ...org,
      routing: routingFor(org, receivers),
    });

    expect(result.broken).toBe(true);
    expect(receivers.to('payments')).toEqual(['RENEWAL_FAILED#pay#opened@payments']);
    expect(result.pending.map((n) => n.destination).sort()).toEqual(['platform', 'web']);
  });
});

describe('the heartbeat with owner routing', () => {
  it('delivers what a run left pending to the destination it was queued for, not to the alerts webhook', async () => {
    const { store } = await freshStore(dynamo);
    const receivers = new Receivers();
    receivers.modes.set('payments', 'down');
    const org = organization(1);
    await runAlerting({ store, send: failSend, now: day(1), ...org, routing: routingFor(org, receivers) });
    receivers.modes.set('payments', 'up');
    const heartbeats: string[] = [];

    const beat = await runHeartbeat({
      store,
      runs: { latestCompletedRun: async () => ({ completedAt: day(1).toISOString() }) },
      send: { heartbeat: async (notice) => void heartbeats.push(notice.stage), alert: failSend },
      now: new Date(day(1).getTime() + 3_600_000),
      config: { periodHours: 24, graceHours: 6 },
      routing: { defaultDestination: 'platform', send: receivers.send },
    });

    expect(beat.alerts?.sent.map((n) => n.id)).toEqual([`RENEWAL_FAILED#${arn('pay')}#opened@payments`]);
    expect(receivers.to('payments')).toEqual(['RENEWAL_FAILED#pay#opened@payments']);
    expect(heartbeats).toEqual([]);
  });
});

/** With routing, runAlerting sends through the routing; the single-webhook sender must not be used. */
async function failSend(): Promise<void> {
  throw new Error('the single-webhook sender was used with routing on');
}
