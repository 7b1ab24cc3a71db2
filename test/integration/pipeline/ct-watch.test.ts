/**
 * The hourly CT watch as the CtWatch Lambda runs it, on dynalite and the local CT API: a foreign issuance alerts
 * on-call within the poll that finds it and never again, every other open incident is left alone, and every
 * DynamoDB request it sends is one its grant (TABLE_ACCESS.ctWatch) allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertState } from '../../../lambdas/core/alerting/planner';
import type { SlackMessage } from '../../../lambdas/core/slack';
import { HttpCtApi } from '../../../lambdas/net/ct-api';
import { watchCertificateTransparency } from '../../../lambdas/pipeline/ct-watch';
import { TABLE_ACCESS } from '../../../lambdas/pipeline/table-access';
import { openAlertStore, openCtStore } from '../../../lambdas/wiring/stores';
import { logForeignLetsEncrypt } from '../../../local/ct/seed';
import { type LocalCtApi, startLocalCtApi } from '../../../local/ct/server';
import { type Harness, newStore, startHarness } from '../aws/store/harness';

const NOW = new Date('2026-12-01T12:00:00Z');

describe('watchCertificateTransparency', () => {
  let harness: Harness;
  let ct: LocalCtApi;

  beforeAll(async () => {
    [harness, ct] = await Promise.all([startHarness(), startLocalCtApi({ now: () => NOW.getTime() })]);
  });
  afterAll(async () => {
    await Promise.all([harness.close(), ct.close()]);
  });

  it('alerts once for a foreign issuance, leaves other incidents alone, within its table grant', async () => {
    // Prepare: an open coverage gap from the daily run must not be resolved by the hourly watch.
    const snapshot = await newStore(harness);
    const { tableName } = snapshot;
    const alerts = openAlertStore(harness.doc, tableName);
    const gap: AlertState = {
      incidentKey: 'COVERAGE_GAP#333333333333#us-east-1',
      kind: 'COVERAGE_GAP',
      status: 'open',
      openedAt: NOW.toISOString(),
      lastStage: 'opened',
      remindersSent: [],
      incident: {
        key: 'COVERAGE_GAP#333333333333#us-east-1',
        kind: 'COVERAGE_GAP',
        accountId: '333333333333',
        region: 'us-east-1',
      },
      pending: [],
      version: 0,
      episode: 1,
    };
    await alerts.saveStates([gap], NOW);
    await logForeignLetsEncrypt(ct, 'example.com', NOW, 'forgotten.example.com');
    const posted: SlackMessage[] = [];
    const deps = {
      api: new HttpCtApi({ baseUrl: ct.url }),
      store: openCtStore(harness.doc, tableName, () => NOW),
      snapshot,
      alerts,
      slack: async () => ({
        kind: 'configured' as const,
        webhooks: { alertsWebhookUrl: 'https://hooks.slack.com/services/T/B/X' },
      }),
      poster: () => ({
        post: async (message: SlackMessage) => {
          posted.push(message);
        },
      }),
      clock: () => NOW,
    };
    harness.counter.reset();
    // Act
    const first = await watchCertificateTransparency(deps, {
      domains: ['example.com'],
      allow: [],
      ownerTagKey: 'owner',
    });
    const second = await watchCertificateTransparency(deps, {
      domains: ['example.com'],
      allow: [],
      ownerTagKey: 'owner',
    });
    // Assess
    expect(first.alerts).toMatchObject({ sent: 1, outcome: 'sent' });
    expect(second.alerts.sent).toBe(0);
    expect(posted.map((m) => m.text)).toEqual([expect.stringContaining('forgotten.example.com')]);
    const [stored] = await alerts.loadStates([gap.incidentKey]);
    expect(stored?.status).toBe('open');
    for (const operation of Object.keys(harness.counter.requests)) {
      expect(TABLE_ACCESS.ctWatch.actions, `CtWatch sends ${operation}`).toContain(`dynamodb:${operation}`);
    }
  });
});
