/**
 * The completion every run shares, with its stores in memory: what decides the digest's changes section, when a run
 * is recorded, and that the report is published before Slack is tried.
 */
import { describe, expect, it } from 'vitest';
import type { Change, TargetResult } from '../../../lambdas/core/model';
import type { RunRecord } from '../../../lambdas/core/ports';
import { buildReport } from '../../../lambdas/core/report';
import type { SlackMessage } from '../../../lambdas/core/slack';
import { type CompleteRunDeps, type CompleteRunInput, completeRun } from '../../../lambdas/run/complete-run';
import { SlackWebhookBrokenError } from '../../../lambdas/slack';
import { arnOf, certificate, NOW } from '../core/certificate-fixture';

const TARGET: TargetResult = {
  accountId: '111111111111',
  region: 'eu-west-1',
  status: 'ok',
  certificateCount: 2,
  apiCalls: {},
  durationMs: 100,
  startedAt: NOW.toISOString(),
};
const KEPT = certificate({ arn: arnOf(1), domainName: 'kept.example.com' });
const ADDED = certificate({ arn: arnOf(2), domainName: 'added.example.com' });

interface Recorded {
  events: string[];
  posts: Array<{ label: string; message: SlackMessage }>;
  recorded: RunRecord[];
}

function deps(recorded: Recorded, options: { withRuns?: boolean; digestFails?: boolean } = {}): CompleteRunDeps {
  return {
    ...(options.withRuns
      ? {
          runs: {
            recordRunCompleted: async (run: RunRecord) => {
              recorded.recorded.push(run);
            },
          },
        }
      : {}),
    slack: async () => ({
      kind: 'configured',
      webhooks: { digestWebhookUrl: 'https://hooks.slack.com/services/T/B/D' },
    }),
    poster: (_url, label) => ({
      post: async (message) => {
        recorded.events.push(`post ${label}`);
        if (options.digestFails)
          throw new SlackWebhookBrokenError(404, 'no_service', 'https://hooks.slack.com/***', label);
        recorded.posts.push({ label, message });
      },
    }),
    clock: () => NOW,
  };
}

function input(recorded: Recorded, overrides: Partial<CompleteRunInput> = {}): CompleteRunInput {
  return {
    runId: 'run-2',
    startedAt: NOW.toISOString(),
    now: NOW,
    expiryDays: 30,
    ownerTagKey: 'owner',
    targets: [TARGET],
    certificates: [KEPT, ADDED],
    changes: [],
    previousRun: undefined,
    publishReport: async () => {
      recorded.events.push('publish');
      return 'report.html';
    },
    ...overrides,
  };
}

const digestText = (recorded: Recorded) => JSON.stringify(recorded.posts.find((p) => p.label === 'digest')?.message);
const fresh = (): Recorded => ({ events: [], posts: [], recorded: [] });

describe('completeRun', () => {
  it('shows the baseline in the digest and records the run when the run store has no completed run yet', async () => {
    const recorded = fresh();

    const completion = await completeRun(deps(recorded, { withRuns: true }), input(recorded));

    expect(completion.digest).toBe('sent');
    expect(digestText(recorded)).toContain('First run');
    expect(recorded.recorded).toEqual([completion.run]);
    expect(completion.run).toMatchObject({ runId: 'run-2', status: 'completed', certificates: 2, changes: 0 });
  });

  it('without a run store, records nothing, shows no baseline and lists the changes since the earlier report', async () => {
    const recorded = fresh();
    const earlier = buildReport({ runId: 'run-1', generatedAt: NOW, targets: [TARGET], certificates: [KEPT] });

    const completion = await completeRun(deps(recorded), input(recorded, { earlier }));

    expect(recorded.recorded).toEqual([]);
    expect(digestText(recorded)).not.toContain('First run');
    expect(digestText(recorded)).toContain('added.example.com');
    expect(completion.alerts.outcome).toBe('not-configured');
  });

  it('lists the run’s own changes once a previous run completed, not those since an earlier report', async () => {
    const recorded = fresh();
    const previousRun = { runId: 'run-1', startedAt: NOW.toISOString(), status: 'completed' } as RunRecord;
    const earlier = buildReport({ runId: 'run-0', generatedAt: NOW, targets: [TARGET], certificates: [] });
    const renewed: Change = {
      type: 'RENEWED',
      accountId: KEPT.accountId,
      region: KEPT.region,
      arn: KEPT.arn,
      domainName: KEPT.domainName,
      summary: 'renewed until 2027-01-01',
    };

    await completeRun(
      deps(recorded, { withRuns: true }),
      input(recorded, { previousRun, earlier, changes: [renewed], certificates: [KEPT] }),
    );

    expect(digestText(recorded)).toContain('renewed until 2027-01-01');
    expect(digestText(recorded)).not.toContain('First run');
  });

  it('publishes the report before Slack is tried and returns why the digest was not delivered', async () => {
    const recorded = fresh();

    const completion = await completeRun(deps(recorded, { digestFails: true }), input(recorded));

    expect(recorded.events).toEqual(['publish', 'post digest']);
    expect(completion.digest).toBe('broken');
    expect(completion.digestFailure).toMatch(/no_service/);
  });
});
