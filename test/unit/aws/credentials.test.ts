import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { CallCounter } from '../../../lambdas/aws/call-counter';
import {
  AssumeRoleError,
  RoleCredentials,
  roleSessionName,
  SESSION_POLICY_MAX_CHARS,
} from '../../../lambdas/aws/credentials';
import { sessionPolicy } from '../../../lambdas/aws/permissions';
import { ROLE_SESSION_PREFIX } from '../../../lambdas/core/names';

const sts = mockClient(STSClient);
const client = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const HOUR = 3_600_000;

function issued(key: string, expiresAt: number) {
  return {
    Credentials: { AccessKeyId: key, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(expiresAt) },
  };
}

beforeEach(() => sts.reset());

describe('roleSessionName', () => {
  it('starts with the product prefix and keeps only characters STS accepts, at most 64', () => {
    const name = roleSessionName('run 2026-11-27T06:00:00Z/ü#'.repeat(4));

    expect(name.startsWith(`${ROLE_SESSION_PREFIX}-`)).toBe(true);
    expect(name.length).toBeLessThanOrEqual(64);
    expect(name).toMatch(/^[\w+=,.@-]{2,64}$/);
  });

  it('keeps a short run id whole', () => {
    expect(roleSessionName('20261127T0600Z')).toBe(`${ROLE_SESSION_PREFIX}-20261127T0600Z`);
  });
});

describe('RoleCredentials', () => {
  it('assumes the audit role with the ExternalId and the session name', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('k1', Date.now() + HOUR));
    const roles = new RoleCredentials({ sts: client, roleName: 'CertAuditReadOnly', externalId: 'ext-1', runId: 'r1' });

    const credentials = await roles.get('111111111111');

    expect(credentials).toMatchObject({ accessKeyId: 'k1', secretAccessKey: 's', sessionToken: 't' });
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toMatchObject({
      RoleArn: 'arn:aws:iam::111111111111:role/CertAuditReadOnly',
      ExternalId: 'ext-1',
      RoleSessionName: `${ROLE_SESSION_PREFIX}-r1`,
    });
  });

  it('passes the session policy as AssumeRole Policy, so the session holds only those actions', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('k1', Date.now() + HOUR));
    const roles = new RoleCredentials({
      sts: client,
      roleName: 'R',
      runId: 'r1',
      sessionPolicy: sessionPolicy('scanTarget'),
    });

    await roles.get('111111111111');

    const policy = sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.Policy;
    expect(JSON.parse(policy ?? '{}')).toEqual(sessionPolicy('scanTarget'));
    expect(policy?.length).toBeLessThanOrEqual(SESSION_POLICY_MAX_CHARS);
  });

  it('sends no Policy without a session policy, and refuses one longer than AssumeRole takes', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('k1', Date.now() + HOUR));
    await new RoleCredentials({ sts: client, roleName: 'R', runId: 'r1' }).get('111111111111');
    const huge = {
      ...sessionPolicy('scanTarget'),
      Statement: [
        {
          Sid: 'Many',
          Effect: 'Allow' as const,
          Action: Array.from({ length: 200 }, (_, i) => `acm:A${i}`),
          Resource: '*' as const,
        },
      ],
    };

    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input.Policy).toBeUndefined();
    expect(() => new RoleCredentials({ sts: client, roleName: 'R', runId: 'r1', sessionPolicy: huge })).toThrow(
      /session policy is \d+ characters; AssumeRole takes at most 2048/,
    );
  });

  it('reuses credentials per account, shares a call in flight, and records the call once', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('k1', Date.now() + HOUR));
    const roles = new RoleCredentials({ sts: client, roleName: 'R', runId: 'r1' });
    const calls = new CallCounter();

    await Promise.all([roles.get('111111111111', calls), roles.get('111111111111', calls)]);
    await roles.get('111111111111', calls);
    await roles.get('222222222222', calls);

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
    expect(calls.snapshot()).toEqual({ 'STS.AssumeRole': 2 });
  });

  it('assumes again when the cached credentials are close to expiry', async () => {
    let now = 1_000_000;
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(issued('k1', now + 10 * 60_000))
      .resolvesOnce(issued('k2', now + HOUR));
    const roles = new RoleCredentials({ sts: client, roleName: 'R', runId: 'r1', clock: () => new Date(now) });

    expect((await roles.get('111111111111')).accessKeyId).toBe('k1');
    now += 6 * 60_000;
    expect((await roles.get('111111111111')).accessKeyId).toBe('k2');
  });

  it('explains AccessDenied with the likely causes and does not remember the failure', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' }))
      .resolves(issued('k1', Date.now() + HOUR));
    const roles = new RoleCredentials({ sts: client, roleName: 'R', externalId: 'x', runId: 'r1' });

    const error = await roles.get('111111111111').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AssumeRoleError);
    expect(error).toMatchObject({ accountId: '111111111111', region: '*', code: 'AccessDenied' });
    expect((error as Error).message).toMatch(/trust policy/);
    expect((error as Error).message).toMatch(/ExternalId/);
    expect((error as Error).message).toMatch(/service control policy/);
    expect((await roles.get('111111111111')).accessKeyId).toBe('k1');
  });

  it('supports a role path and another partition in the role ARN', async () => {
    const roles = new RoleCredentials({ sts: client, roleName: 'audit/Cert', runId: 'r', partition: 'aws-us-gov' });

    expect(await roles.roleArn('111111111111')).toBe('arn:aws-us-gov:iam::111111111111:role/audit/Cert');
  });

  it('assumes the role in the partition of the hub region when none is given (GovCloud, China)', async () => {
    sts.on(AssumeRoleCommand).resolves(issued('k1', Date.now() + HOUR));
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    for (const [region, partition] of [
      ['us-gov-west-1', 'aws-us-gov'],
      ['cn-northwest-1', 'aws-cn'],
      ['eu-west-1', 'aws'],
    ]) {
      const hub = new STSClient({ region, credentials });
      const roles = new RoleCredentials({ sts: hub, roleName: 'CertAuditReadOnly', runId: 'r' });

      await roles.get('111111111111');

      expect(sts.commandCalls(AssumeRoleCommand).at(-1)?.args[0].input.RoleArn).toBe(
        `arn:${partition}:iam::111111111111:role/CertAuditReadOnly`,
      );
      hub.destroy();
    }
  });
});
