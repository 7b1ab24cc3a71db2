import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAlertStore } from '../../../lambdas/aws/alert-store';
import { ensureTable } from '../../../lambdas/aws/table';
import type { AlertNotice } from '../../../lambdas/core/notices';
import { SlackDeliveryError, SlackWebhookBrokenError } from '../../../lambdas/slack';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';

export interface Dynamo {
  local: LocalDynamo;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** Names of the DynamoDB commands sent so far. */
  commands: string[];
  close(): Promise<void>;
}

export async function startDynamo(): Promise<Dynamo> {
  const local = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  const doc = DynamoDBDocumentClient.from(client);
  return {
    local,
    client,
    doc,
    commands,
    close: async () => {
      client.destroy();
      await local.close();
    },
  };
}

let tables = 0;

/** A fresh table per test, so tests do not see each other's alerts. */
export async function freshStore(dynamo: Dynamo): Promise<{ store: DynamoAlertStore; tableName: string }> {
  tables += 1;
  const tableName = `alerts-${tables}`;
  await ensureTable(dynamo.client, tableName);
  return { store: new DynamoAlertStore(dynamo.doc, { tableName }), tableName };
}

/** Slack as the sender sees it: records what it delivered; can be told to fail like a down or revoked webhook. */
export class FakeSlack {
  readonly delivered: AlertNotice[] = [];
  attempts = 0;
  mode: 'up' | 'down' | 'revoked' = 'up';

  readonly send = async (notice: AlertNotice): Promise<void> => {
    this.attempts += 1;
    // Let concurrent deliveries interleave, as a real HTTP post would.
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.mode === 'down')
      throw new SlackDeliveryError(3, 503, 'HTTP 503', 'https://hooks.slack.com/services/T/B/…');
    if (this.mode === 'revoked')
      throw new SlackWebhookBrokenError(404, 'no_service', 'https://hooks.slack.com/services/T/B/…');
    this.delivered.push(notice);
  };

  ids(): string[] {
    return this.delivered.map((n) => n.id.replace('arn:aws:acm:eu-west-1:111111111111:certificate/', ''));
  }
}
