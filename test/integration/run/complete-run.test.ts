/**
 * The CLI and the deployed pipeline finish a run with the same code: one simulated organization (a failed renewal,
 * an imported certificate expiring in use, an account whose audit role refuses), audited once by the pipeline's
 * FinalizeRun and once by `audit --state-table`, each against a table of its own. Whatever differs between the two
 * (the digest, the alerts, the run record) is a copy of the completion that drifted.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../lambdas/aws/state-store';
import { createStateTableClient } from '../../../lambdas/aws/store/client';
import { parseArgs } from '../../../lambdas/cli/args';
import { defaultDeps, runAuditCommand } from '../../../lambdas/cli/run-audit';
import type { RunRecord } from '../../../lambdas/core/ports';
import type { SlackMessage } from '../../../lambdas/core/slack';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { exampleConfig, SLACK_PATHS } from '../../../local/pipeline/deploy';
import { type PipelineRun, runPipeline } from '../../../local/pipeline/run';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { teamAccount } from '../cli/harness';

const EXTERNAL_ID = String(exampleConfig().externalId);
const CLI_TABLE = 'cli-state';

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * A message as both paths render it, with what names the run taken out: its id, where its report lives, and the
 * unfurl flags the Slack delivery adds to what the receiver records.
 */
function comparable(message: unknown, runId: string): unknown {
  const {
    unfurl_links: _links,
    unfurl_media: _media,
    ...rest
  } = JSON.parse(
    JSON.stringify(message)
      .replace(/ · <https?:[^>|]*\|full report>/g, '')
      .replaceAll(runId, '<run>'),
  ) as Record<string, unknown>;
  return rest;
}

function sameRun(record: RunRecord | undefined): Partial<RunRecord> {
  const { runId: _runId, startedAt: _startedAt, completedAt: _completedAt, ...rest } = record ?? ({} as RunRecord);
  return rest;
}

describe('completing a run', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let slack: SlackReceiver;
  let pipeline: PipelineRun;
  let cliRunId = '';
  let cliExit: number;
  const cliPosts: Array<{ label: string; message: SlackMessage }> = [];

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({
        seed: 20261213,
        accounts: 3,
        regions: ['us-east-1', 'eu-west-1'],
        certificatesPerTarget: { min: 1, max: 4 },
        activeRegionsPerAccount: { min: 1, max: 2 },
        inactiveAccounts: false,
        externalId: EXTERNAL_ID,
      }),
    });
    // Expiry dates half a day off the run's time: the pipeline's clock moves on while it runs, and a date on the
    // exact day boundary would read one day apart.
    sim.org.addAccount(teamAccount(new Date(sim.clock.nowMs() + 12 * 3_600_000).toISOString()));
    const refused = sim.org.accounts().find((account) => account.id !== sim.org.managementAccountId)?.id;
    if (refused === undefined) throw new Error('the scenario has no member account');
    sim.faults.denyRole(refused);
    [dynamo, slack] = await Promise.all([startDynalite(), startSlackReceiver()]);

    pipeline = await runPipeline({ sim, dynamo, slack, runId: 'pipeline-1', deploy: { logLevel: 'ERROR' } });

    const saved = { ...process.env };
    Object.assign(process.env, sim.env(), { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const { dns: _systemDns, destroy, ...deps } = await defaultDeps();
    try {
      const parsed = parseArgs([
        '--exclude-accounts',
        '333333333333',
        '--external-id',
        EXTERNAL_ID,
        '--state-table',
        CLI_TABLE,
        '--slack-webhook-url',
        'https://hooks.slack.com/services/T0/B0/DIGEST',
        '--alerts-webhook-url',
        'https://hooks.slack.com/services/T0/B0/ALERTS',
        '--describe-rate',
        '100',
      ]);
      if (parsed.kind !== 'run') throw new Error(`bad arguments: ${JSON.stringify(parsed)}`);
      cliExit = await runAuditCommand(
        parsed.options,
        { stdout: new Sink(), stderr: new Sink() },
        {
          ...deps,
          clock: () => sim.clock.now(),
          slackPoster: (_url, label) => ({
            post: async (message) => {
              cliPosts.push({ label, message });
            },
          }),
        },
      );
    } finally {
      destroy();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
    cliRunId = (await runRecord(CLI_TABLE))?.runId ?? '';
  }, 120_000);

  afterAll(async () => {
    await Promise.all([sim?.close(), dynamo?.close(), slack?.close()]);
  });

  async function runRecord(tableName: string): Promise<RunRecord | undefined> {
    const { client } = createStateTableClient({
      region: 'us-east-1',
      endpoint: dynamo.endpoint,
      credentials: sim.credentials,
    });
    try {
      return await new DynamoStateStore({
        client: DynamoDBDocumentClient.from(client),
        tableName,
      }).latestCompletedRun();
    } finally {
      client.destroy();
    }
  }

  it('posts the same first-run digest, baseline section included', () => {
    const pipelineDigests = slack.posts(SLACK_PATHS.digest).map((post) => comparable(post.body, 'pipeline-1'));
    const cliDigests = cliPosts
      .filter((post) => post.label === 'digest')
      .map((post) => comparable(post.message, cliRunId));

    expect(cliExit).toBe(2);
    expect(pipelineDigests).toHaveLength(1);
    expect(JSON.stringify(pipelineDigests[0])).toContain('First run');
    expect(cliDigests).toEqual(pipelineDigests);
  });

  it('sends on-call the same alerts', () => {
    const pipelineAlerts = slack
      .posts(SLACK_PATHS.alerts)
      .map((post) => JSON.stringify(comparable(post.body, 'pipeline-1')));
    const cliAlerts = cliPosts
      .filter((post) => post.label === 'alerts')
      .map((post) => JSON.stringify(comparable(post.message, cliRunId)));

    // The failed renewal, the imported certificate expiring in use, the refused account at least.
    expect(pipelineAlerts.length).toBeGreaterThanOrEqual(3);
    expect(pipelineAlerts.some((text) => text.includes('pay.team.example.com'))).toBe(true);
    expect(cliAlerts.sort()).toEqual(pipelineAlerts.sort());
  });

  it('records the same completed run where the heartbeat looks', async () => {
    const pipelineRecord = await runRecord(pipeline.hub.tableName);
    const cliRecord = await runRecord(CLI_TABLE);

    expect(pipelineRecord?.runId).toBe('pipeline-1');
    expect(cliRecord?.runId).toMatch(/^cli-/);
    expect(pipelineRecord?.targetsFailed).toBeGreaterThanOrEqual(1);
    expect(sameRun(cliRecord)).toEqual(sameRun(pipelineRecord));
  });
});
