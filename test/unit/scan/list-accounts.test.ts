import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { listAccounts } from '../../../lambdas/scan/list-accounts';

const organizationsMock = mockClient(OrganizationsClient);
const organizations = new OrganizationsClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

beforeEach(() => {
  organizationsMock.reset();
  organizationsMock.on(ListAccountsCommand).resolves({
    Accounts: [
      { Id: '111111111111', Name: 'prod', State: 'ACTIVE' },
      { Id: '333333333333', Name: 'dev', State: 'ACTIVE' },
      { Id: '444444444444', Name: 'gone', State: 'SUSPENDED' },
    ],
  });
});

describe('listAccounts', () => {
  it('lists the active accounts of the organization and keeps the others apart', async () => {
    const { accounts, inactiveAccounts } = await listAccounts({ organizations }, { accounts: 'organization' });

    expect(accounts).toEqual([
      { id: '111111111111', name: 'prod' },
      { id: '333333333333', name: 'dev' },
    ]);
    expect(inactiveAccounts).toEqual([{ id: '444444444444', name: 'gone', state: 'SUSPENDED' }]);
  });

  it('takes explicit accounts less the excluded, without calling Organizations', async () => {
    const { accounts } = await listAccounts(
      { organizations },
      { accounts: ['333333333333', '111111111111'], exclude: ['333333333333'] },
    );

    expect(accounts).toEqual([{ id: '111111111111' }]);
    expect(organizationsMock.commandCalls(ListAccountsCommand)).toHaveLength(0);
  });

  it('leaves excluded organization accounts out, active or not', async () => {
    const { accounts, inactiveAccounts } = await listAccounts(
      { organizations },
      { accounts: 'organization', exclude: ['111111111111', '444444444444'] },
    );

    expect(accounts.map((account) => account.id)).toEqual(['333333333333']);
    expect(inactiveAccounts).toEqual([]);
  });
});
