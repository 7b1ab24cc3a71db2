import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushPending, runAlerting } from '../../../lambdas/alerting';
import { alertStatePk } from '../../../lambdas/aws/alert-store';
import type { AlertStore } from '../../../lambdas/core/alerting/store';
import { AlertStateConflictError } from '../../../lambdas/core/alerting/store';
import type { AssessedCertificate, TargetResult } from '../../../lambdas/core/model';
import { day, expiringOn, target } from '../../unit/core/alerting/fixtures';
import { type Dynamo, FakeSlack, freshStore, startDynamo } from './harness';

let dynamo: Dynamo;
beforeAll(async () => {
  dynamo = await startDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const OTHER_ARN = 'arn:aws:acm:us-east-1:222222222222:certificate/0002';

/** Day n of a small organization: an imported certificate expiring on day 20 (re-imported on day 20), and a renewal
 * that fails in account 2 from day 2 until it is fixed on day 9; account 2 cannot be scanned on day 5. */
function organization(n: number): { certificates: AssessedCertificate[]; targets: TargetResult[] } {
  const imported = n < 20 ? expiringOn(20, n, { type: 'IMPORTED' }) : expiringOn(385, n, { type: 'IMPORTED' });
  const account2 = { accountId: '222222222222', region: 'us-east-1' };
  const failing = expiringOn(40, n, {
    ...account2,
    arn: OTHER_ARN,
    renewalStatus: n >= 2 && n < 9 ? 'FAILED' : 'SUCCESS',
  });
  const account2Down = n === 5;
  return {
    certificates: account2Down ? [imported] : [imported, failing],
    targets: [
      target(),
      target(
        account2Down ? { ...account2, status: 'error', errorCode: 'AccessDenied', errorMessage: 'denied' } : account2,
      ),
    ],
  };
}

describe('runAlerting against DynamoDB', () => {
  it('delivers every alert exactly once over 25 days even though Slack is down for one of them', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    const results = [];
    for (let n = 0; n < 25; n++) {
      slack.mode = n === 13 ? 'down' : 'up';
      results.push(await runAlerting({ store, send: slack.send, now: day(n), ...organization(n) }));
    }

    expect(slack.ids()).toEqual([
      `RENEWAL_FAILED#${OTHER_ARN}#opened`,
      'COVERAGE_GAP#222222222222#us-east-1#opened',
      'COVERAGE_GAP#222222222222#us-east-1#resolved',
      'EXPIRING_IN_USE#0001#opened',
      `RENEWAL_FAILED#${OTHER_ARN}#resolved`,
      // Day 13's reminder waited for day 14, then went out before anything queued later.
      'EXPIRING_IN_USE#0001#reminder-7',
      'EXPIRING_IN_USE#0001#reminder-3',
      'EXPIRING_IN_USE#0001#reminder-1',
      'EXPIRING_IN_USE#0001#resolved',
    ]);
    expect(results[13]).toMatchObject({ sent: [], failure: { noticeId: expect.stringContaining('reminder-7') } });
    expect(results[13]?.pending.map((n) => n.stage)).toEqual(['reminder']);
    expect(results[13]?.broken).toBeUndefined();
    expect(results[14]?.sent.map((n) => n.stage)).toEqual(['reminder']);
    expect(results[24]).toMatchObject({ sent: [], pending: [], queued: [] });
  });

  it('sends nothing twice when FinalizeRun is retried twice with the same input', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    const input = { store, send: slack.send, now: day(3), ...organization(3) };

    const first = await runAlerting(input);
    const second = await runAlerting({ ...input, now: new Date(day(3).getTime() + 120_000) });
    const third = await runAlerting({ ...input, now: new Date(day(3).getTime() + 240_000) });

    expect(first.sent.map((n) => n.stage)).toEqual(['opened']);
    expect(second).toMatchObject({ sent: [], pending: [], queued: [] });
    expect(third).toMatchObject({ sent: [], pending: [], queued: [] });
    expect(slack.delivered).toHaveLength(1);
  });

  it('sends each alert once when two runs overlap', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    const input = { store, send: slack.send, now: day(6), ...organization(6) };

    await Promise.all([runAlerting(input), runAlerting(input), runAlerting(input)]);

    expect(slack.ids().sort()).toEqual([`RENEWAL_FAILED#${OTHER_ARN}#opened`, 'EXPIRING_IN_USE#0001#opened'].sort());
  });

  it('re-plans from fresh states when another writer changed them between its read and its write', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    const inputFor = (s: AlertStore) => ({ store: s, send: slack.send, now: day(6), ...organization(6) });
    let interfered = false;
    // The first save of this run is preceded by a whole competing run: its plan is stale when it writes.
    const racing: AlertStore = Object.create(store, {
      saveStates: {
        value: async (...args: Parameters<AlertStore['saveStates']>) => {
          if (!interfered) {
            interfered = true;
            await runAlerting(inputFor(store));
          }
          return store.saveStates(...args);
        },
      },
    });

    const result = await runAlerting(inputFor(racing));

    expect(interfered).toBe(true);
    expect(result.queued).toEqual([]);
    expect(slack.delivered).toHaveLength(2);
    // A plan written over newer state is refused, not applied.
    const [stale] = await store.loadStates([`RENEWAL_FAILED#${OTHER_ARN}`]);
    await expect(store.saveStates([{ ...stale!, version: stale!.version - 1 }], day(6))).rejects.toBeInstanceOf(
      AlertStateConflictError,
    );
  });

  it('stops at a revoked webhook, reports it, and delivers everything in order once it works again', async () => {
    const { store } = await freshStore(dynamo);
    const slack = new FakeSlack();
    slack.mode = 'revoked';

    const broken = await runAlerting({ store, send: slack.send, now: day(6), ...organization(6) });
    slack.mode = 'up';
    const hourLater = await flushPending({ store, send: slack.send, now: new Date(day(6).getTime() + 3_600_000) });

    expect(broken).toMatchObject({ broken: true, sent: [] });
    expect(broken.pending).toHaveLength(2);
    expect(slack.attempts).toBe(3);
    expect(hourLater.sent.map((n) => n.id)).toEqual(broken.pending.map((n) => n.id));
    expect(hourLater.pending).toEqual([]);
  });

  it('takes a resolved incident out of the active index with a 30-day TTL, and lists active ones without a Scan', async () => {
    const { store, tableName } = await freshStore(dynamo);
    const slack = new FakeSlack();
    await runAlerting({ store, send: slack.send, now: day(2), ...organization(2) });
    await runAlerting({ store, send: slack.send, now: day(9), ...organization(9) });

    const { Item } = await dynamo.doc.send(
      new GetCommand({ TableName: tableName, Key: { pk: alertStatePk(`RENEWAL_FAILED#${OTHER_ARN}`), sk: 'STATE' } }),
    );
    expect(Item).toMatchObject({ kind: 'alert-state', state: { status: 'resolved', pending: [] } });
    expect(Item?.expiresAt).toBe(Math.floor(day(9).getTime() / 1000) + 30 * 86_400);
    expect(Item?.gsi1pk).toBeUndefined();
    expect((await store.loadActiveStates()).map((s) => s.incidentKey)).toEqual([
      'EXPIRING_IN_USE#arn:aws:acm:eu-west-1:111111111111:certificate/0001',
    ]);
    expect(dynamo.commands).not.toContain('ScanCommand');
  });
});
