import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSlackWebhooks, SlackSecretError } from '../../../lambdas/aws/slack-secret';
import { SLACK_SECRET_PLACEHOLDER } from '../../../lambdas/core/names';

const SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:cert-monitor/slack-AbCdEf';
const DIGEST = 'https://hooks.slack.com/services/T1/B1/digestSecretToken';
const ALERTS = 'https://hooks.slack.com/services/T1/B2/alertsSecretToken';

const secrets = mockClient(SecretsManagerClient);
let client: SecretsManagerClient;

function holding(value: unknown) {
  secrets
    .on(GetSecretValueCommand)
    .resolves({ SecretString: typeof value === 'string' ? value : JSON.stringify(value) });
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected loading the secret to fail');
}

beforeEach(() => {
  secrets.reset();
  // A new client per test: the cache lives with the client, as it does across warm Lambda invocations.
  client = new SecretsManagerClient({ region: 'eu-west-1' });
});

afterEach(() => {
  client.destroy();
});

describe('loadSlackWebhooks', () => {
  it('returns both webhook URLs', async () => {
    holding({ digestWebhookUrl: DIGEST, alertsWebhookUrl: ALERTS });

    expect(await loadSlackWebhooks(client, SECRET_ID)).toEqual({ digestWebhookUrl: DIGEST, alertsWebhookUrl: ALERTS });
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: SECRET_ID });
  });

  it('reads the placeholder the stack sets as "Slack not configured"', async () => {
    holding(SLACK_SECRET_PLACEHOLDER);

    expect(await loadSlackWebhooks(client, SECRET_ID)).toEqual({});
  });

  it('treats a missing or null key as that webhook not configured', async () => {
    holding({ alertsWebhookUrl: ALERTS, digestWebhookUrl: null });

    const webhooks = await loadSlackWebhooks(client, SECRET_ID);

    expect(webhooks.digestWebhookUrl).toBeUndefined();
    expect(webhooks.alertsWebhookUrl).toBe(ALERTS);
  });

  it('reuses the value within maxAgeMs and reads again after it', async () => {
    holding({ digestWebhookUrl: DIGEST });
    let clock = 1_000;
    const options = { maxAgeMs: 60_000, clock: () => new Date(clock) };

    await loadSlackWebhooks(client, SECRET_ID, options);
    clock += 59_000;
    await loadSlackWebhooks(client, SECRET_ID, options);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    clock += 2_000;
    holding({ digestWebhookUrl: DIGEST, alertsWebhookUrl: ALERTS });
    expect(await loadSlackWebhooks(client, SECRET_ID, options)).toEqual({
      digestWebhookUrl: DIGEST,
      alertsWebhookUrl: ALERTS,
    });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('makes one call for concurrent first reads', async () => {
    holding({ digestWebhookUrl: DIGEST });

    await Promise.all([loadSlackWebhooks(client, SECRET_ID), loadSlackWebhooks(client, SECRET_ID)]);

    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('does not remember a failed read', async () => {
    holding('not json');
    await expect(loadSlackWebhooks(client, SECRET_ID)).rejects.toBeInstanceOf(SlackSecretError);

    holding({ digestWebhookUrl: DIGEST });

    expect(await loadSlackWebhooks(client, SECRET_ID)).toEqual({ digestWebhookUrl: DIGEST });
  });

  it('explains a value that is not JSON without printing it', async () => {
    holding(DIGEST);

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID));

    expect(error).toBeInstanceOf(SlackSecretError);
    expect(error.message).toContain(`Slack secret ${SECRET_ID}: the value is not JSON`);
    expect(error.message).toContain(`aws secretsmanager put-secret-value --secret-id ${SECRET_ID} --secret-string '{`);
    expect(error.message).not.toContain('digestSecretToken');
  });

  it('refuses a plain http webhook (the digest would travel in cleartext) unless it is on this machine', async () => {
    holding({
      digestWebhookUrl: 'http://hooks.slack.com/services/T1/B1/digestSecretToken',
      alertsWebhookUrl: 'http://127.0.0.1:8080/alerts',
    });

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID));

    expect(error.message).toContain('digestWebhookUrl must be an https:// Slack incoming webhook address');
    expect(error.message).not.toContain('alertsWebhookUrl must be');
    expect(error.message).not.toContain('digestSecretToken');
  });

  it('names the key whose URL is malformed, without printing it', async () => {
    holding({
      digestWebhookUrl: 'ftp://hooks.slack.com/services/T1/B1/digestSecretToken',
      alertsWebhookUrl: 'nope-alertsSecretToken',
    });

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID));

    expect(error.message).toContain('digestWebhookUrl must be an https:// Slack incoming webhook address');
    expect(error.message).toContain('alertsWebhookUrl must be an https:// Slack incoming webhook address');
    expect(error.message).not.toContain('SecretToken');
  });

  it('names a misspelt key', async () => {
    holding({ digestWebhookURL: DIGEST });

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID));

    expect(error.message).toContain('unknown key(s) digestWebhookURL (expected digestWebhookUrl, alertsWebhookUrl)');
    expect(error.message).not.toContain('digestSecretToken');
  });

  it('says the secret is missing when Secrets Manager does not find it', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }),
      );

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID));

    expect(error).toMatchObject({ secretId: SECRET_ID, errorCode: 'ResourceNotFoundException' });
    expect(error.message).toContain('it does not exist or has no value yet');
    expect(error.message).toContain('put-secret-value');
  });

  it('refuses a binary secret', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID));

    expect(error.message).toContain('binary value');
  });
});

describe('loadSlackWebhooks with owner routing', () => {
  const WEB = 'https://hooks.slack.com/services/T1/B3/webSecretToken';

  it('returns the destinations the routing table names by their secret keys, an empty one absent', async () => {
    holding({ digestWebhookUrl: DIGEST, alertsWebhookUrl: '', webWebhookUrl: WEB, dataWebhookUrl: '' });

    const webhooks = await loadSlackWebhooks(client, SECRET_ID, {
      destinationKeys: ['webWebhookUrl', 'dataWebhookUrl'],
    });

    expect(webhooks).toEqual({ digestWebhookUrl: DIGEST, destinations: { webWebhookUrl: WEB } });
  });

  it('still refuses a key no routing table names, listing the keys it expects, never a value', async () => {
    holding({ digestWebhookUrl: DIGEST, webWebhookUrl: WEB });

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID, { destinationKeys: ['dataWebhookUrl'] }));

    expect(error).toBeInstanceOf(SlackSecretError);
    expect(error.message).toContain(
      'unknown key(s) webWebhookUrl (expected digestWebhookUrl, alertsWebhookUrl, dataWebhookUrl)',
    );
    expect(error.message).not.toContain('webSecretToken');
  });

  it('refuses a destination that is not an https webhook address, by its key', async () => {
    holding({ webWebhookUrl: 'http://hooks.slack.com/services/T1/B3/webSecretToken' });

    const error = await failureOf(loadSlackWebhooks(client, SECRET_ID, { destinationKeys: ['webWebhookUrl'] }));

    expect(error.message).toContain('webWebhookUrl must be an https:// Slack incoming webhook address');
    expect(error.message).not.toContain('webSecretToken');
  });
});
