import { ListRegionsCommand } from '@aws-sdk/client-account';
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_ID, MANAGEMENT, MEMBER, START, SUSPENDED } from '../../unit/sim/fixture';
import { assumeAudit, clients, type Harness, startFixture } from './harness';

describe('simulated STS', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  const roleArn = `arn:aws:iam::${MEMBER}:role/CertAuditReadOnly`;

  it('answers GetCallerIdentity for the management principal', async () => {
    const identity = await clients.sts(h.sim).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: MANAGEMENT, Arn: h.sim.principalArn });
  });

  it('assumes the audit role with the right ExternalId; the session acts as the member account', async () => {
    // Act
    const answer = await clients.sts(h.sim).send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'scan',
        ExternalId: EXTERNAL_ID,
        DurationSeconds: 900,
      }),
    );
    const session = {
      accessKeyId: answer.Credentials?.AccessKeyId as string,
      secretAccessKey: answer.Credentials?.SecretAccessKey as string,
      sessionToken: answer.Credentials?.SessionToken,
    };
    const identity = await clients.sts(h.sim, { credentials: session }).send(new GetCallerIdentityCommand({}));

    // Assess
    expect(answer.Credentials?.Expiration?.toISOString()).toBe(new Date(Date.parse(START) + 900_000).toISOString());
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/CertAuditReadOnly/scan`);
    expect(identity).toMatchObject({
      Account: MEMBER,
      Arn: `arn:aws:sts::${MEMBER}:assumed-role/CertAuditReadOnly/scan`,
    });
  });

  it.each([
    ['a wrong ExternalId', { RoleArn: roleArn, ExternalId: 'wrong' }],
    ['no ExternalId', { RoleArn: roleArn }],
    ['a missing role', { RoleArn: `arn:aws:iam::${MEMBER}:role/Nope`, ExternalId: EXTERNAL_ID }],
    ['a role that trusts another account', { RoleArn: `arn:aws:iam::${MEMBER}:role/Foreign` }],
    ['a suspended account', { RoleArn: `arn:aws:iam::${SUSPENDED}:role/CertAuditReadOnly` }],
  ])('denies AssumeRole with %s (403 AccessDenied)', async (_case, input) => {
    await expect(
      clients.sts(h.sim).send(new AssumeRoleCommand({ ...input, RoleSessionName: 'scan' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('not authorized to perform: sts:AssumeRole'),
    });
  });

  it('denies a role the faults deny, and allows it again', async () => {
    h.sim.faults.denyRole(MEMBER);
    await expect(assumeAudit(h.sim)).rejects.toMatchObject({ name: 'AccessDenied' });
    h.sim.faults.allowRole(MEMBER);
    await expect(assumeAudit(h.sim)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it('refuses a member principal that the role does not trust', async () => {
    const memberUser = h.sim.issueUserCredentials(MEMBER);
    await expect(
      clients
        .sts(h.sim, { credentials: memberUser })
        .send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'scan', ExternalId: EXTERNAL_ID })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('answers InvalidClientTokenId (403) in a region the caller has not enabled', async () => {
    await expect(
      clients.sts(h.sim, { region: 'me-south-1' }).send(new GetCallerIdentityCommand({})),
    ).rejects.toMatchObject({
      name: 'InvalidClientTokenId',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('rejects a DurationSeconds longer than the role allows', async () => {
    await expect(
      clients.sts(h.sim).send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: 'scan',
          ExternalId: EXTERNAL_ID,
          DurationSeconds: 7200,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
  });

  it('expires a session when the simulation clock passes its Expiration', async () => {
    // Prepare
    const session = await assumeAudit(h.sim);
    const sts = clients.sts(h.sim, { credentials: session });
    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: MEMBER });

    // Act
    h.sim.clock.advanceMs(3_600_000);

    // Assess
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'ExpiredTokenException',
      $metadata: { httpStatusCode: 400 },
    });
    h.sim.clock.set(START);
  });

  describe('session policies', () => {
    async function assumeWith(policy: string) {
      const answer = await clients
        .sts(h.sim)
        .send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'scan', ExternalId: EXTERNAL_ID, Policy: policy }),
        );
      return {
        packedPolicySize: answer.PackedPolicySize,
        credentials: {
          accessKeyId: answer.Credentials?.AccessKeyId as string,
          secretAccessKey: answer.Credentials?.SecretAccessKey as string,
          sessionToken: answer.Credentials?.SessionToken,
        },
      };
    }
    const allow = (...actions: string[]) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

    it('leaves the session only what the policy allows: an action outside it is AccessDenied', async () => {
      const { credentials, packedPolicySize } = await assumeWith(allow('account:ListRegions'));

      const regions = await clients.account(h.sim, { credentials }).send(new ListRegionsCommand({}));
      const listing = clients.acm(h.sim, { credentials }).send(new ListCertificatesCommand({}));

      expect(regions.Regions?.length).toBeGreaterThan(0);
      await expect(listing).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining(
          'not authorized to perform: acm:ListCertificates because no session policy allows the acm:ListCertificates action',
        ),
      });
      expect(packedPolicySize).toBeGreaterThan(0);
    });

    it('matches wildcards, and an explicit Deny wins over an Allow', async () => {
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'acm:List*', Resource: '*' },
          { Effect: 'Allow', Action: 'account:*', Resource: '*' },
          { Effect: 'Deny', Action: 'account:ListRegions', Resource: '*' },
        ],
      });
      const { credentials } = await assumeWith(policy);

      await expect(clients.acm(h.sim, { credentials }).send(new ListCertificatesCommand({}))).resolves.toBeDefined();
      await expect(clients.account(h.sim, { credentials }).send(new ListRegionsCommand({}))).rejects.toMatchObject({
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      });
    });

    it.each([
      ['not JSON', '{', 'MalformedPolicyDocumentException'],
      ['no statement', JSON.stringify({ Version: '2012-10-17', Statement: [] }), 'MalformedPolicyDocumentException'],
      [
        'longer than 2,048 characters',
        allow(...Array.from({ length: 200 }, (_, i) => `acm:Action${i}`)),
        'ValidationError',
      ],
    ])('refuses a session policy that is %s', async (_case, policy, code) => {
      await expect(assumeWith(policy)).rejects.toMatchObject({ name: code, $metadata: { httpStatusCode: 400 } });
    });
  });
});
