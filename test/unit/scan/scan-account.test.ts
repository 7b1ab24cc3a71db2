import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RoleCredentials } from '../../../lambdas/aws/credentials';
import type { TargetScan } from '../../../lambdas/core/ports';
import { scanAccount } from '../../../lambdas/scan/scan-account';

const stsMock = mockClient(STSClient);
const accountMock = mockClient(AccountClient);
const acmMock = mockClient(ACMClient);
const NOW = new Date('2026-11-27T06:00:00Z');

function roles(): RoleCredentials {
  return new RoleCredentials({
    sts: new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    roleName: 'CertAuditReadOnly',
    externalId: 'x',
    runId: 'r1',
  });
}

/** A store that records what it is given and knows nothing before. */
function recordingStore() {
  const saved: TargetScan[] = [];
  return {
    saved,
    store: {
      loadTarget: async () => ({ certificates: [] }),
      saveTargetScan: async (scan: TargetScan) => {
        saved.push(scan);
      },
    },
  };
}

beforeEach(() => {
  for (const mock of [stsMock, accountMock, acmMock]) mock.reset();
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'k',
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
  accountMock.on(ListRegionsCommand).resolves({
    Regions: [
      { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
    ],
  });
  acmMock.on(ListCertificatesCommand).resolves({
    CertificateSummaryList: [
      { CertificateArn: 'arn:1', DomainName: 'a.example.com', Status: 'ISSUED', Type: 'IMPORTED' },
    ],
  });
  acmMock.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: 'arn:1' } });
  acmMock.on(ListTagsForCertificateCommand).resolves({ Tags: [] });
});

describe('scanAccount', () => {
  it('assumes the role once and scans every enabled region, saving each region on its own', async () => {
    const { store, saved } = recordingStore();

    const scan = await scanAccount(
      { roles: roles(), clientConfig: { region: 'us-east-1' }, store },
      { runId: 'r1', account: { id: '111111111111', name: 'prod' }, regions: 'enabled', now: NOW },
    );

    expect(scan.results.map((r) => [r.region, r.status]).sort()).toEqual([
      ['eu-west-1', 'ok'],
      ['us-east-1', 'ok'],
    ]);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(accountMock.commandCalls(ListRegionsCommand)).toHaveLength(1);
    expect(saved.map((s) => s.result.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(scan.results.every((r) => r.accountName === 'prod')).toBe(true);
    // The role and the region listing are counted once, on one of the regions.
    const assumeRoles = scan.results.map((r) => r.apiCalls['STS.AssumeRole'] ?? 0);
    expect(assumeRoles.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('makes one coverage gap of the whole account when its role is refused, and saves it', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejects(Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' }));
    const { store, saved } = recordingStore();

    const scan = await scanAccount(
      { roles: roles(), clientConfig: { region: 'us-east-1' }, store },
      { runId: 'r1', account: { id: '222222222222', name: 'denied' }, regions: 'enabled', now: NOW },
    );

    expect(scan.results).toHaveLength(1);
    expect(scan.results[0]).toMatchObject({
      accountId: '222222222222',
      accountName: 'denied',
      region: '*',
      status: 'error',
      errorCode: 'AccessDenied',
      certificateCount: 0,
    });
    expect(scan.results[0]?.errorMessage).toMatch(/ExternalId/);
    expect(saved.map((s) => s.result.region)).toEqual(['*']);
    expect(acmMock.commandCalls(ListCertificatesCommand)).toHaveLength(0);
  });

  it('makes one coverage gap of the whole account when its enabled regions cannot be read', async () => {
    accountMock.on(ListRegionsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    const scan = await scanAccount(
      { roles: roles(), clientConfig: { region: 'us-east-1' } },
      { runId: 'r1', account: { id: '111111111111' }, regions: 'enabled', now: NOW },
    );

    expect(scan.results).toEqual([
      expect.objectContaining({ accountId: '111111111111', region: '*', errorCode: 'AccessDeniedException' }),
    ]);
  });

  it('scans explicit regions without listing them', async () => {
    const scan = await scanAccount(
      { roles: roles(), clientConfig: { region: 'us-east-1' } },
      { runId: 'r1', account: { id: '111111111111' }, regions: ['us-west-2', 'eu-central-1'], now: NOW },
    );

    expect(scan.results.map((r) => r.region).sort()).toEqual(['eu-central-1', 'us-west-2']);
    expect(accountMock.commandCalls(ListRegionsCommand)).toHaveLength(0);
  });

  it('keeps the other regions going when one fails, and records the failed one as its error', async () => {
    acmMock.on(ListCertificatesCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as ACMClient).config.region();
      if (region === 'eu-west-1') throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
      return { CertificateSummaryList: [] };
    });

    const scan = await scanAccount(
      { roles: roles(), clientConfig: { region: 'us-east-1' } },
      { runId: 'r1', account: { id: '111111111111' }, regions: 'enabled', now: NOW },
    );

    const byRegion = Object.fromEntries(scan.results.map((r) => [r.region, r]));
    expect(byRegion['eu-west-1']).toMatchObject({ status: 'error', errorCode: 'AccessDeniedException' });
    expect(byRegion['us-east-1']).toMatchObject({ status: 'ok' });
  });

  it('turns a store that fails one region into that region’s error, not the account’s', async () => {
    const failing = {
      loadTarget: async (target: { region: string }) => {
        if (target.region === 'eu-west-1') throw new Error('table unreadable');
        return { certificates: [] };
      },
      saveTargetScan: async () => {},
    };

    const scan = await scanAccount(
      { roles: roles(), clientConfig: { region: 'us-east-1' }, store: failing },
      { runId: 'r1', account: { id: '111111111111' }, regions: 'enabled', now: NOW },
    );

    const byRegion = Object.fromEntries(scan.results.map((r) => [r.region, r]));
    expect(byRegion['eu-west-1']).toMatchObject({ status: 'error', errorMessage: 'table unreadable' });
    expect(byRegion['us-east-1']).toMatchObject({ status: 'ok' });
  });
});
