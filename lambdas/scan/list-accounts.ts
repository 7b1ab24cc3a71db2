/**
 * The accounts of a run: the organization's ACTIVE accounts, or an explicit list, less the excluded ones. Only
 * Organizations is called here (a few hundred paged calls for 5,000 accounts); each account's role and regions are
 * its own scan's business, so this step stays short however large the organization grows.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  type AccountRef,
  explicitAccounts,
  type InactiveAccount,
  listOrganizationAccounts,
} from '../aws/organizations';

export interface ListAccountsDeps {
  /** Needed when accounts are 'organization': hub credentials, or those of an organization-read role. */
  organizations?: OrganizationsClient;
}

export interface ListAccountsInput {
  accounts: 'organization' | readonly string[];
  exclude?: readonly string[];
}

export interface ListAccountsOutput {
  /** Sorted by account id. */
  accounts: AccountRef[];
  /** Organization accounts left out because they are not ACTIVE (suspended, closing, ...). */
  inactiveAccounts: InactiveAccount[];
}

export async function listAccounts(deps: ListAccountsDeps, input: ListAccountsInput): Promise<ListAccountsOutput> {
  const excluded = new Set(explicitAccounts(input.exclude ?? []).map((account) => account.id));
  if (input.accounts !== 'organization') {
    return { accounts: explicitAccounts(input.accounts).filter((a) => !excluded.has(a.id)), inactiveAccounts: [] };
  }
  if (!deps.organizations) throw new Error('listing the organization needs an Organizations client');
  const { active, inactive } = await listOrganizationAccounts(deps.organizations);
  return {
    accounts: active.filter((account) => !excluded.has(account.id)),
    inactiveAccounts: inactive.filter((account) => !excluded.has(account.id)),
  };
}
