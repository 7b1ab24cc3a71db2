import { AccessDeniedException, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { explicitAccounts, listOrganizationAccounts, OrganizationsError } from '../../../lambdas/aws/organizations';

const organizations = mockClient(OrganizationsClient);
const client = new OrganizationsClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
});

beforeEach(() => organizations.reset());

describe('listOrganizationAccounts', () => {
  it('keeps ACTIVE accounts by State and reads the retired Status only when State is absent', async () => {
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: '111111111111', Name: 'prod', State: 'ACTIVE' },
        { Id: '222222222222', Name: 'closing', State: 'PENDING_CLOSURE', Status: 'ACTIVE' },
        { Id: '333333333333', Name: 'legacy', Status: 'ACTIVE' },
        { Id: '444444444444', Name: 'suspended', State: 'SUSPENDED' },
        { Id: '555555555555', Name: 'old-suspended', Status: 'SUSPENDED' },
      ],
    });

    const { active, inactive } = await listOrganizationAccounts(client);

    expect(active).toEqual([
      { id: '111111111111', name: 'prod' },
      { id: '333333333333', name: 'legacy' },
    ]);
    expect(inactive.map((a) => [a.id, a.state])).toEqual([
      ['222222222222', 'PENDING_CLOSURE'],
      ['444444444444', 'SUSPENDED'],
      ['555555555555', 'SUSPENDED'],
    ]);
  });

  it('follows NextToken through empty pages', async () => {
    organizations
      .on(ListAccountsCommand)
      .resolvesOnce({ Accounts: [], NextToken: 'a' })
      .resolvesOnce({ Accounts: [], NextToken: 'b' })
      .resolvesOnce({ Accounts: [{ Id: '111111111111', State: 'ACTIVE' }] });

    const { active } = await listOrganizationAccounts(client);

    expect(active).toEqual([{ id: '111111111111' }]);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(3);
  });

  it('explains a refusal: only the management account or a delegated administrator may list', async () => {
    organizations.on(ListAccountsCommand).rejects(new AccessDeniedException({ message: 'no', $metadata: {} }));

    const error = await listOrganizationAccounts(client).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(OrganizationsError);
    expect(error).toMatchObject({ code: 'AccessDeniedException' });
    expect((error as Error).message).toMatch(/delegated administrator/);
  });
});

describe('explicitAccounts', () => {
  it('trims, de-duplicates and sorts', () => {
    expect(explicitAccounts([' 222222222222', '111111111111', '222222222222', ''])).toEqual([
      { id: '111111111111' },
      { id: '222222222222' },
    ]);
  });

  it('rejects what is not a 12-digit id, naming it', () => {
    expect(() => explicitAccounts(['12345', '111111111111'])).toThrow(/12345/);
  });
});
