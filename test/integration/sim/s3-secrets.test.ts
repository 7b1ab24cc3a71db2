import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimCredentials } from '../../../local/sim';
import { MANAGEMENT, MEMBER } from '../../unit/sim/fixture';
import { assumeAudit, type Harness, startFixture } from './harness';

const REGION = 'eu-west-1';

describe('simulated S3 and Secrets Manager', () => {
  let h: Harness;
  let s3: S3Client;
  let secrets: SecretsManagerClient;
  let member: SimCredentials;
  const requests: Array<{ method: string; path: string }> = [];

  beforeAll(async () => {
    h = await startFixture();
    const config = { endpoint: h.sim.url, region: REGION, credentials: h.sim.credentials, maxAttempts: 1 };
    s3 = new S3Client(config);
    s3.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { method: string; path: string };
        requests.push({ method: request.method, path: request.path });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordRequests' },
    );
    secrets = new SecretsManagerClient(config);
    member = await assumeAudit(h.sim, MEMBER);
  });
  afterAll(async () => {
    s3.destroy();
    secrets.destroy();
    await h.sim.close();
  });

  it('stores and returns text objects, addressed path-style because the endpoint is an IP address', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'work-lists' }));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: 'work-lists',
        Key: 'runs/r 1/targets.json',
        Body: '[{"accountId":"222222222222","region":"eu-west-1"}]',
        ContentType: 'application/json',
      }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'work-lists', Key: 'runs/r 1/targets.json' }));

    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(got.ContentType).toBe('application/json');
    expect(got.ETag).toBe(put.ETag);
    expect(JSON.parse(await got.Body!.transformToString())).toEqual([
      { accountId: '222222222222', region: 'eu-west-1' },
    ]);
    expect(requests.map((r) => r.path)).toEqual([
      '/work-lists/',
      '/work-lists/runs/r%201/targets.json',
      '/work-lists/runs/r%201/targets.json',
    ]);
    expect(h.sim.s3.keys('work-lists')).toEqual(['runs/r 1/targets.json']);
    expect(h.sim.counters.total({ service: 'S3', accountId: MANAGEMENT, outcome: 'ok' })).toBe(3);
  });

  it('answers NoSuchKey and NoSuchBucket the way the SDK maps them to its error classes', async () => {
    await expect(s3.send(new GetObjectCommand({ Bucket: 'work-lists', Key: 'missing.json' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new GetObjectCommand({ Bucket: 'no-such-bucket', Key: 'a' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });

  it('keeps a bucket to the account that owns it', async () => {
    const other = new S3Client({ endpoint: h.sim.url, region: REGION, credentials: member, maxAttempts: 1 });

    await expect(
      other.send(new GetObjectCommand({ Bucket: 'work-lists', Key: 'runs/r 1/targets.json' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    other.destroy();
  });

  it('creates a secret, reads it by name and by ARN, and returns the newest value after PutSecretValue', async () => {
    const created = await secrets.send(
      new CreateSecretCommand({ Name: 'cert-monitor/slack', SecretString: '{"digestWebhookUrl":""}' }),
    );
    await secrets.send(
      new PutSecretValueCommand({ SecretId: created.ARN, SecretString: '{"digestWebhookUrl":"http://x"}' }),
    );

    const byName = await secrets.send(new GetSecretValueCommand({ SecretId: 'cert-monitor/slack' }));
    const byArn = await secrets.send(new GetSecretValueCommand({ SecretId: created.ARN }));

    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:cert-monitor\/slack-.{6}$/);
    expect(byName.SecretString).toBe('{"digestWebhookUrl":"http://x"}');
    expect(byArn).toMatchObject({ ARN: created.ARN, Name: 'cert-monitor/slack', VersionStages: ['AWSCURRENT'] });
    expect(byArn.VersionId).not.toBe(created.VersionId);
  });

  it('says ResourceNotFoundException for a secret of another region or that does not exist', async () => {
    const elsewhere = new SecretsManagerClient({
      endpoint: h.sim.url,
      region: 'us-east-1',
      credentials: h.sim.credentials,
      maxAttempts: 1,
    });

    await expect(elsewhere.send(new GetSecretValueCommand({ SecretId: 'cert-monitor/slack' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(secrets.send(new GetSecretValueCommand({ SecretId: 'nope' }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      secrets.send(new CreateSecretCommand({ Name: 'cert-monitor/slack', SecretString: '{}' })),
    ).rejects.toMatchObject({ name: 'ResourceExistsException' });
    elsewhere.destroy();
  });
});
