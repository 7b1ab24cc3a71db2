/**
 * The accounts to scan: the organization's ACTIVE accounts (from the management account or a delegated
 * administrator), or an explicit list.
 */
import {
  type Account,
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { isAccountId } from '../core/aws-ids';
import { WHOLE_ACCOUNT } from '../core/model';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** An account to scan. */
export interface AccountRef {
  id: string;
  name?: string;
}

/** An account of the organization that is not scanned, and why. */
export interface InactiveAccount extends AccountRef {
  state: string;
}

export class OrganizationsError extends AwsAdapterError {
  constructor(error: unknown) {
    const code = awsErrorCode(error);
    super(`cannot list the organization's accounts (${code}: ${awsErrorMessage(error)})`, {
      accountId: '*',
      region: WHOLE_ACCOUNT,
      code,
      operation: 'Organizations.ListAccounts',
      likelyCause: likelyCause(code),
      cause: error,
    });
  }
}

function likelyCause(code: string): string {
  switch (code) {
    case 'AccessDeniedException':
    case 'AccessDenied':
      return 'ListAccounts works only from the management account or a delegated administrator; set the organization-read role, or list the accounts explicitly';
    case 'AWSOrganizationsNotInUseException':
      return 'this account is not in an organization; list the accounts explicitly';
    default:
      return 'see the AWS error message';
  }
}

/**
 * `State` is the account's lifecycle (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION); the retired
 * `Status` (ACTIVE, SUSPENDED, PENDING_CLOSURE) is read only when a response has no State.
 */
function accountState(account: Account): string {
  return account.State ?? account.Status ?? 'UNKNOWN';
}

/** Every ACTIVE account, following NextToken through empty pages; the others are returned apart. */
export async function listOrganizationAccounts(
  client: OrganizationsClient,
): Promise<{ active: AccountRef[]; inactive: InactiveAccount[] }> {
  const active: AccountRef[] = [];
  const inactive: InactiveAccount[] = [];
  let nextToken: string | undefined;
  do {
    let page: ListAccountsCommandOutput;
    try {
      page = await client.send(new ListAccountsCommand({ ...(nextToken ? { NextToken: nextToken } : {}) }));
    } catch (error) {
      throw new OrganizationsError(error);
    }
    for (const account of page.Accounts ?? []) {
      if (!account.Id) continue;
      const ref: AccountRef = { id: account.Id, ...(account.Name ? { name: account.Name } : {}) };
      const state = accountState(account);
      if (state === 'ACTIVE') active.push(ref);
      else inactive.push({ ...ref, state });
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return { active: sortById(active), inactive: sortById(inactive) };
}

/** Accounts given by id (config or command line): checked, de-duplicated, sorted. */
export function explicitAccounts(ids: readonly string[]): AccountRef[] {
  const unique = [...new Set(ids.map((id) => id.trim()).filter((id) => id.length > 0))];
  const invalid = unique.filter((id) => !isAccountId(id));
  if (invalid.length > 0) throw new Error(`not an AWS account id (12 digits): ${invalid.join(', ')}`);
  return sortById(unique.map((id) => ({ id })));
}

function sortById<T extends AccountRef>(accounts: T[]): T[] {
  return accounts.sort((a, b) => a.id.localeCompare(b.id));
}
