/**
 * The accounts to scan: the organization's ACTIVE accounts (from the management account or a delegated
 * administrator), or an explicit list; and, for owner routing, each account's tags and the OUs above it.
 */
import {
  type Account,
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  ListParentsCommand,
  ListTagsForResourceCommand,
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

/** What ListTargets (and the CLI listing the organization) call; none supports resource-level permissions. */
export const ORGANIZATIONS_LIST_ACTIONS = ['organizations:ListAccounts'] as const;
/** What owner routing adds: each account's tags and its parents, read where the accounts are listed. */
export const ORGANIZATIONS_ROUTING_ACTIONS = [
  'organizations:ListTagsForResource',
  'organizations:ListParents',
] as const;

export class OrganizationsError extends AwsAdapterError {
  constructor(error: unknown, operation = 'Organizations.ListAccounts', accountId = '*') {
    const code = awsErrorCode(error);
    const what =
      operation === 'Organizations.ListAccounts'
        ? "cannot list the organization's accounts"
        : `cannot read ${operation === 'Organizations.ListParents' ? 'the OUs above' : 'the tags of'} account ${accountId}`;
    super(`${what} (${code}: ${awsErrorMessage(error)})`, {
      accountId,
      region: WHOLE_ACCOUNT,
      code,
      operation,
      likelyCause: likelyCause(code),
      cause: error,
    });
  }
}

function likelyCause(code: string): string {
  switch (code) {
    case 'AccessDeniedException':
    case 'AccessDenied':
      return 'Organizations answers only the management account or a delegated administrator, and ListTagsForResource and ListParents need their own permissions; set the organization-read role, or list the accounts explicitly';
    case 'TargetNotFoundException':
    case 'ChildNotFoundException':
      return 'the account left the organization while it was being read';
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

/** An account's tags in Organizations, every page (Organizations may split them and may answer an empty page). */
export async function listAccountTags(client: OrganizationsClient, accountId: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    try {
      const page = await client.send(
        new ListTagsForResourceCommand({ ResourceId: accountId, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      for (const tag of page.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
      nextToken = page.NextToken || undefined;
    } catch (error) {
      throw new OrganizationsError(error, 'Organizations.ListTagsForResource', accountId);
    }
  } while (nextToken);
  return tags;
}

/** OUs nest at most five levels below the root; a longer walk means an answer that never reaches the root. */
const MAX_OU_DEPTH = 5;

/**
 * The OUs above accounts, walked up with ListParents to the root. Each OU's parent is asked once per instance
 * (one run): accounts of one OU share the walk above it, so 5,000 accounts in 50 OUs cost 5,050 calls, not 25,000.
 */
export class OuAncestry {
  private readonly parents = new Map<string, Promise<{ id: string; type: string }>>();

  constructor(private readonly client: OrganizationsClient) {}

  /** The OUs holding the account, nearest first, without the root. */
  async pathOf(accountId: string): Promise<string[]> {
    const path: string[] = [];
    let child = accountId;
    for (let depth = 0; depth <= MAX_OU_DEPTH; depth++) {
      const parent = await this.parentOf(child, accountId);
      if (parent.type !== 'ORGANIZATIONAL_UNIT') return path;
      path.push(parent.id);
      child = parent.id;
    }
    throw new OrganizationsError(
      Object.assign(new Error(`no root within ${MAX_OU_DEPTH} OU levels above the account`), { name: 'InvalidOuTree' }),
      'Organizations.ListParents',
      accountId,
    );
  }

  private parentOf(childId: string, accountId: string): Promise<{ id: string; type: string }> {
    // Accounts are each asked once anyway; caching OUs only keeps the cache as small as the OU tree.
    const cached = this.parents.get(childId);
    if (cached) return cached;
    const asked = this.askParent(childId, accountId);
    if (childId.startsWith('ou-')) {
      this.parents.set(childId, asked);
      // A failed answer is not kept: the next account under this OU asks again.
      asked.catch(() => this.parents.delete(childId));
    }
    return asked;
  }

  private async askParent(childId: string, accountId: string): Promise<{ id: string; type: string }> {
    try {
      const { Parents } = await this.client.send(new ListParentsCommand({ ChildId: childId }));
      // Organizations allows one parent per child; the first is the one.
      const parent = Parents?.[0];
      if (parent?.Id === undefined || parent.Type === undefined) {
        throw Object.assign(new Error(`ListParents named no parent of ${childId}`), { name: 'EmptyParents' });
      }
      return { id: parent.Id, type: parent.Type };
    } catch (error) {
      if (error instanceof OrganizationsError) throw error;
      throw new OrganizationsError(error, 'Organizations.ListParents', accountId);
    }
  }
}
