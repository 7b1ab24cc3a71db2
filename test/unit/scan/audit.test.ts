import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { type AuditProgress, runAudit } from '../../../lambdas/scan/audit';

describe('runAudit', () => {
  it('scans every account, keeps refused accounts as coverage gaps and reports progress by account', async () => {
    mockClient(AccountClient)
      .on(ListRegionsCommand)
      .resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    mockClient(STSClient)
      .on(AssumeRoleCommand)
      .callsFake(async (request: { RoleArn: string }) => {
        if (request.RoleArn.includes('222222222222')) throw Object.assign(new Error('no'), { name: 'AccessDenied' });
        return {
          Credentials: { AccessKeyId: 'k', SecretAccessKey: 's', Expiration: new Date(Date.now() + 3_600_000) },
        };
      });
    const acm = mockClient(ACMClient);
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [
        { CertificateArn: 'arn:1', DomainName: 'a.example.com', Status: 'ISSUED', Type: 'IMPORTED' },
      ],
    });
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: 'arn:1' } });
    acm.on(ListTagsForCertificateCommand).resolves({ Tags: [] });
    const progress: AuditProgress[] = [];

    const result = await runAudit(
      { sts: new STSClient({ region: 'us-east-1' }), clientConfig: { region: 'us-east-1' } },
      {
        accounts: ['111111111111', '222222222222'],
        regions: 'enabled',
        roleName: 'CertAuditReadOnly',
        runId: 'r1',
        now: new Date('2026-11-27T06:00:00Z'),
      },
      (p) => progress.push(p),
    );

    expect(result.targets.map((t) => [t.accountId, t.region, t.status])).toEqual([
      ['222222222222', '*', 'error'],
      ['111111111111', 'eu-west-1', 'ok'],
      ['111111111111', 'us-east-1', 'ok'],
    ]);
    expect(result.certificates).toHaveLength(2);
    expect(result.changes.every((c) => c.type === 'NEW')).toBe(true);
    expect(progress.at(0)).toEqual({ accountsTotal: 2, accountsDone: 0, targetsDone: 0, certificates: 0 });
    expect(progress.at(-1)).toMatchObject({ accountsTotal: 2, accountsDone: 2, targetsDone: 3, certificates: 2 });
  });
});

describe('runAudit with one account opened at a time', () => {
  it('opens the next account as soon as the last one is listed, without waiting for its describes', async () => {
    const events: string[] = [];
    mockClient(STSClient)
      .on(AssumeRoleCommand)
      .callsFake(async (request: { RoleArn: string }) => ({
        Credentials: {
          AccessKeyId: request.RoleArn.includes('111111111111') ? 'k1' : 'k2',
          SecretAccessKey: 's',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      }));
    const acm = mockClient(ACMClient);
    const accountOf = async (client: ACMClient) =>
      (await client.config.credentials()).accessKeyId === 'k1' ? 'A' : 'B';
    acm.on(ListCertificatesCommand).callsFake(async (_input, getClient) => {
      const account = await accountOf(getClient() as ACMClient);
      events.push(`list ${account}`);
      return {
        CertificateSummaryList: [
          { CertificateArn: `arn:${account}`, DomainName: 'a.example.com', Status: 'ISSUED', Type: 'IMPORTED' },
        ],
      };
    });
    acm.on(DescribeCertificateCommand).callsFake(async (_input, getClient) => {
      const account = await accountOf(getClient() as ACMClient);
      if (account === 'A') await new Promise((resolve) => setTimeout(resolve, 300));
      events.push(`described ${account}`);
      return { Certificate: { CertificateArn: `arn:${account}` } };
    });
    acm.on(ListTagsForCertificateCommand).resolves({ Tags: [] });

    const result = await runAudit(
      { sts: new STSClient({ region: 'us-east-1' }), clientConfig: { region: 'us-east-1' } },
      {
        accounts: ['111111111111', '222222222222'],
        regions: ['us-east-1'],
        roleName: 'CertAuditReadOnly',
        runId: 'r1',
        now: new Date('2026-11-27T06:00:00Z'),
        accountConcurrency: 1,
      },
    );

    expect(result.targets.map((t) => t.status)).toEqual(['ok', 'ok']);
    expect(events.indexOf('list B')).toBeLessThan(events.indexOf('described A'));
  });
});
