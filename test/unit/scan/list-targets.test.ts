import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { listTargets } from '../../../lambdas/scan/list-targets';

const stsMock = mockClient(STSClient);
const organizationsMock = mockClient(OrganizationsClient);
const accountMock = mockClient(AccountClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const deps = {
  sts: new STSClient({ region: 'us-east-1', credentials }),
  organizations: new OrganizationsClient({ region: 'us-east-1', credentials }),
  clientConfig: { region: 'us-east-1' },
};
const input = { roleName: 'CertAuditReadOnly', externalId: 'x', runId: 'r1' };
const DENIED = '222222222222';

beforeEach(() => {
  stsMock.reset();
  organizationsMock.reset();
  accountMock.reset();
  organizationsMock.on(ListAccountsCommand).resolves({
    Accounts: [
      { Id: '111111111111', Name: 'prod', State: 'ACTIVE' },
      { Id: DENIED, Name: 'denied', State: 'ACTIVE' },
      { Id: '333333333333', Name: 'dev', State: 'ACTIVE' },
      { Id: '444444444444', Name: 'gone', State: 'SUSPENDED' },
    ],
  });
  stsMock.on(AssumeRoleCommand).callsFake(async (request: { RoleArn: string }) => {
    if (request.RoleArn.includes(DENIED)) {
      throw Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    }
    return {
      Credentials: {
        AccessKeyId: 'k',
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    };
  });
  accountMock.on(ListRegionsCommand).resolves({
    Regions: [
      { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
    ],
  });
});

describe('listTargets', () => {
  it('makes a target of every enabled region of every active account, and a coverage gap of a refused account', async () => {
    const { targets, failures, inactiveAccounts } = await listTargets(deps, {
      ...input,
      accounts: 'organization',
      regions: 'enabled',
    });

    expect(targets).toEqual([
      { accountId: '111111111111', accountName: 'prod', region: 'eu-west-1' },
      { accountId: '111111111111', accountName: 'prod', region: 'us-east-1' },
      { accountId: '333333333333', accountName: 'dev', region: 'eu-west-1' },
      { accountId: '333333333333', accountName: 'dev', region: 'us-east-1' },
    ]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      accountId: DENIED,
      accountName: 'denied',
      region: '*',
      status: 'error',
      errorCode: 'AccessDenied',
      certificateCount: 0,
      apiCalls: { 'STS.AssumeRole': 1 },
    });
    expect(failures[0]?.errorMessage).toMatch(/ExternalId/);
    expect(inactiveAccounts).toEqual([{ id: '444444444444', name: 'gone', state: 'SUSPENDED' }]);
    expect(accountMock.commandCalls(ListRegionsCommand)).toHaveLength(2);
  });

  it('takes explicit accounts and regions, less the excluded, without listing the organization or regions', async () => {
    const { targets } = await listTargets(deps, {
      ...input,
      accounts: ['333333333333', '111111111111'],
      exclude: ['333333333333'],
      regions: ['us-west-2', 'eu-central-1'],
    });

    expect(targets).toEqual([
      { accountId: '111111111111', region: 'eu-central-1' },
      { accountId: '111111111111', region: 'us-west-2' },
    ]);
    expect(organizationsMock.commandCalls(ListAccountsCommand)).toHaveLength(0);
    expect(accountMock.commandCalls(ListRegionsCommand)).toHaveLength(0);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(1);
  });

  it('makes a coverage gap of an account whose enabled regions cannot be read', async () => {
    accountMock.on(ListRegionsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    const { targets, failures } = await listTargets(deps, { ...input, accounts: ['111111111111'], regions: 'enabled' });

    expect(targets).toEqual([]);
    expect(failures[0]).toMatchObject({ accountId: '111111111111', region: '*', errorCode: 'AccessDeniedException' });
  });
});
