/**
 * The audit CLI against a state table the deployed event path writes to: its digest lists the changes the event
 * rescans found since its previous run (its own scan no longer sees them) and says when the event path looks broken,
 * as FinalizeRun's digest does. The event path's record is written here as the Events Lambda writes it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoEventStore } from '../../../lambdas/aws/event-store';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { isolatedEnv, runCli, TEAM_ACCOUNT, TEAM_CERTS, teamAccount } from './harness';

let sim: Simulator;
let slack: SlackReceiver;
let dynamo: LocalDynamo;

beforeAll(async () => {
  sim = await startSimulator({
    scenario: generateScenario({ seed: 3, accounts: 1, regions: ['us-east-1'], inactiveAccounts: false }),
  });
  sim.org.addAccount(teamAccount(sim.clock.toISOString()));
  [slack, dynamo] = await Promise.all([startSlackReceiver(), startDynalite()]);
});

afterAll(async () => {
  await Promise.all([sim?.close(), slack?.close(), dynamo?.close()]);
});

describe('the audit CLI with a state table the event path uses', () => {
  it('lists the event rescans’ changes since its previous run in the digest', async () => {
    const args = [
      '--accounts',
      TEAM_ACCOUNT,
      '--regions',
      'us-east-1',
      '--state-table',
      'cli-events',
      '--slack-webhook-url',
      `${slack.url}/digest`,
      '--describe-rate',
      '100',
    ];
    const env = isolatedEnv({ ...sim.env(), AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const first = await runCli(args, env);
    expect(first.code).toBe(0);

    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const events = new DynamoEventStore(DynamoDBDocumentClient.from(client), 'cli-events');
      const at = new Date().toISOString();
      await events.recordArrivals(1, at, at);
      await events.recordChanges('events-between-runs', at, [
        {
          type: 'RENEWED',
          arn: TEAM_CERTS.renewing,
          accountId: TEAM_ACCOUNT,
          region: 'us-east-1',
          domainName: 'renewing.team.example.com',
          summary: 'renewed: valid until 2027-06-18',
        },
      ]);
    } finally {
      client.destroy();
    }
    const second = await runCli(args, env);

    expect(second.code).toBe(0);
    const digest = JSON.stringify(slack.posts('/digest').at(-1)?.body);
    expect(digest).toContain('1 renewed');
    expect(digest).toContain('1 seen in real time, from events');
  });
});
