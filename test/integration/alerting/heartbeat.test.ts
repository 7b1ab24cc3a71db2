import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPending, type RunHeartbeatResult, runAlerting, runHeartbeat } from '../../../lambdas/alerting';
import type { HeartbeatNotice } from '../../../lambdas/core/notices';
import { day, expiringOn, target } from '../../unit/core/alerting/fixtures';
import { type Dynamo, FakeSlack, freshStore, startDynamo } from './harness';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR_MS);
const config = { periodHours: 24, graceHours: 2 };

describe('runHeartbeat against DynamoDB', () => {
  it('alerts once when runs stop, stays quiet the next hour, reminds after a day and says recovered once', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    const heartbeats: HeartbeatNotice[] = [];
    let completedAt: string | undefined = at(0).toISOString();
    const beat = (hours: number) =>
      runHeartbeat({
        store,
        runs: { latestCompletedRun: async () => (completedAt === undefined ? undefined : { completedAt }) },
        send: { heartbeat: async (n) => void heartbeats.push(n), alert: slack.send },
        now: at(hours),
        config,
      });

    const onTime = await beat(25);
    const late = await beat(27);
    const nextHour = await beat(28);
    const dayLater = await beat(51);
    completedAt = at(52).toISOString();
    const recovered = await beat(53);
    const after = await beat(54);

    expect(onTime.notice).toBeUndefined();
    expect(late.notice?.stage).toBe('stale');
    expect(nextHour.notice).toBeUndefined();
    expect(dayLater.notice?.stage).toBe('reminder');
    expect(recovered.notice).toMatchObject({ stage: 'recovered', lastCompletedAt: at(52).toISOString() });
    expect(after.notice).toBeUndefined();
    expect(heartbeats.map((n) => `${n.stage} ${n.now}`)).toEqual([
      `stale ${at(27).toISOString()}`,
      `reminder ${at(51).toISOString()}`,
      `recovered ${at(53).toISOString()}`,
    ]);
  });

  it('keeps a heartbeat message Slack refused and sends it on the next beat', async () => {
    const { store } = await freshStore(dynamo);
    let down = true;
    const heartbeats: string[] = [];
    const beat = (hours: number) =>
      runHeartbeat({
        store,
        runs: { latestCompletedRun: async () => undefined },
        send: {
          heartbeat: async (n) => {
            if (down) throw new Error('Slack answered 500 after 3 attempts');
            heartbeats.push(n.stage);
          },
          alert: async () => {},
        },
        now: at(hours),
        config,
      });

    await beat(0);
    const failed: RunHeartbeatResult = await beat(27);
    down = false;
    const retried = await beat(28);

    expect(failed).toMatchObject({ notice: { stage: 'stale' }, sent: [], failure: { message: expect.any(String) } });
    expect(failed.pending.map((n) => n.stage)).toEqual(['stale']);
    expect(retried.notice).toBeUndefined();
    expect(retried.sent.map((n) => n.stage)).toEqual(['stale']);
    expect(heartbeats).toEqual(['stale']);
  });

  it('delivers the alerts a failed run left pending, and reports a revoked webhook without going further', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    slack.mode = 'down';
    const alerting = await runAlerting({
      store,
      send: slack.send,
      now: day(0),
      certificates: [expiringOn(5, 0)],
      targets: [target()],
    });
    const beat = (hours: number) =>
      runHeartbeat({
        store,
        runs: { latestCompletedRun: async () => ({ completedAt: day(0).toISOString() }) },
        send: { heartbeat: async () => {}, alert: slack.send },
        now: new Date(day(0).getTime() + hours * HOUR_MS),
        config,
      });

    slack.mode = 'revoked';
    const revoked = await beat(1);
    slack.mode = 'up';
    const working = await beat(2);

    expect(alerting.pending).toHaveLength(1);
    expect(revoked).toMatchObject({ broken: true, alerts: { broken: true, sent: [] } });
    expect(working.alerts?.sent.map((n) => n.stage)).toEqual(['opened']);
    expect(working.broken).toBeUndefined();
    expect(slack.delivered).toHaveLength(1);
  });
});

describe('alert delivery after a crash', () => {
  it('sends a notice whose delivery crashed before it was marked again once its reservation lapses, not before', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    const now = day(0);
    await runAlerting({ store, send: slack.send, now, certificates: [expiringOn(5, 0)], targets: [target()] });
    const [state] = await store.loadActiveStates();
    // Day 2 crosses the 3-day threshold; Slack is unreachable, so the reminder stays pending.
    const crashed = await runAlerting({
      store,
      send: async () => {
        throw new Error('unreachable');
      },
      now: day(2),
      certificates: [expiringOn(5, 2)],
      targets: [target()],
    });
    const pendingId = crashed.pending[0]?.id ?? '';
    // A delivery claims it and dies before marking it delivered.
    const claimed = await store.claimNotice(state?.incidentKey ?? '', pendingId, day(2));

    const soon = await flushPending({ store, send: slack.send, now: new Date(day(2).getTime() + 60_000) });
    const later = await flushPending({ store, send: slack.send, now: new Date(day(2).getTime() + 10 * 60_000) });

    expect(claimed?.stage).toBe('reminder');
    expect(soon.sent).toEqual([]);
    expect(soon.pending.map((n) => n.id)).toEqual([pendingId]);
    expect(later.sent.map((n) => n.id)).toEqual([pendingId]);
    expect(slack.ids()).toEqual(['EXPIRING_IN_USE#0001#opened', 'EXPIRING_IN_USE#0001#reminder-3']);
  });
});
