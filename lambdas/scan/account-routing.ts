/**
 * What owner routing needs from Organizations about the accounts of a run: their tags and the OUs above them, read
 * where the accounts are listed (ListTargets, the CLI), only for the rules that use them. One account that cannot be
 * read costs only its own routing (the reason travels with it and is reported); a refusal for the whole
 * organization (AccessDenied) is asked once, not once per account.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { awsErrorCode } from '../aws/errors';
import { listAccountTags, OrganizationsError, OuAncestry } from '../aws/organizations';
import type { AccountRouting } from '../core/routing';

export interface AccountRoutingNeeds {
  accountTags: boolean;
  ous: boolean;
}

/** Accounts read at once: Organizations' quota is shared by the whole organization's callers. */
const CONCURRENCY = 4;

/** Codes after which asking about another account would only be refused again. */
const ORGANIZATION_WIDE = new Set(['AccessDeniedException', 'AccessDenied', 'AWSOrganizationsNotInUseException']);

function reasonOf(error: unknown, what: string): string {
  const code = error instanceof OrganizationsError ? error.code : awsErrorCode(error);
  const cause = error instanceof OrganizationsError ? error.likelyCause : undefined;
  return `${what} unreadable (${code})${cause && cause !== 'see the AWS error message' ? `: ${cause}` : ''}`;
}

export async function readAccountRouting(
  client: OrganizationsClient,
  accountIds: readonly string[],
  needs: AccountRoutingNeeds,
): Promise<Map<string, AccountRouting>> {
  const result = new Map<string, AccountRouting>();
  if (!needs.accountTags && !needs.ous) return result;
  const ancestry = new OuAncestry(client);
  const refused: { tags?: string; ous?: string } = {};

  const readOne = async (accountId: string) => {
    const routing: AccountRouting = { accountId };
    if (needs.accountTags) {
      if (refused.tags !== undefined) routing.tagsError = refused.tags;
      else {
        try {
          routing.tags = await listAccountTags(client, accountId);
        } catch (error) {
          routing.tagsError = reasonOf(error, 'account tags');
          if (ORGANIZATION_WIDE.has(awsErrorCode(error))) refused.tags = routing.tagsError;
        }
      }
    }
    if (needs.ous) {
      if (refused.ous !== undefined) routing.ouError = refused.ous;
      else {
        try {
          routing.ouPath = await ancestry.pathOf(accountId);
        } catch (error) {
          routing.ouError = reasonOf(error, 'the OUs above the account');
          if (ORGANIZATION_WIDE.has(awsErrorCode(error))) refused.ous = routing.ouError;
        }
      }
    }
    result.set(accountId, routing);
  };

  const queue = [...accountIds];
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await readOne(id);
    }),
  );
  return result;
}
