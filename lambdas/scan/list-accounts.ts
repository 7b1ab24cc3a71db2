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
import type { AccountRouting } from '../core/routing';
import { type AccountRoutingNeeds, readAccountRouting } from './account-routing';

export interface ListAccountsDeps {
  /** Needed when accounts are 'organization': hub credentials, or those of an organization-read role. */
  organizations?: OrganizationsClient;
}

export interface ListAccountsInput {
  accounts: 'organization' | readonly string[];
  exclude?: readonly string[];
  /** Owner routing's account and OU rules: what to read from Organizations about each listed account. */
  routing?: AccountRoutingNeeds;
}

export interface ListAccountsOutput {
  /** Sorted by account id. */
  accounts: AccountRef[];
  /** Organization accounts left out because they are not ACTIVE (suspended, closing, ...). */
  inactiveAccounts: InactiveAccount[];
  /** Owner routing: each listed account's tags and OUs, when asked for and an Organizations client is given. */
  routing?: Map<string, AccountRouting>;
}

export async function listAccounts(deps: ListAccountsDeps, input: ListAccountsInput): Promise<ListAccountsOutput> {
  const excluded = new Set(explicitAccounts(input.exclude ?? []).map((account) => account.id));
  let listed: Omit<ListAccountsOutput, 'routing'>;
  if (input.accounts !== 'organization') {
    listed = { accounts: explicitAccounts(input.accounts).filter((a) => !excluded.has(a.id)), inactiveAccounts: [] };
  } else {
    if (!deps.organizations) throw new Error('listing the organization needs an Organizations client');
    const { active, inactive } = await listOrganizationAccounts(deps.organizations);
    listed = {
      accounts: active.filter((account) => !excluded.has(account.id)),
      inactiveAccounts: inactive.filter((account) => !excluded.has(account.id)),
    };
  }
  // Explicit accounts are routed too: their tags and OUs are the organization's, whoever chose to scan them.
  if (input.routing === undefined || deps.organizations === undefined) return listed;
  const ids = listed.accounts.map((account) => account.id);
  return { ...listed, routing: await readAccountRouting(deps.organizations, ids, input.routing) };
}
