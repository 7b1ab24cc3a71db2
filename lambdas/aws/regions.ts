/**
 * The regions to scan in one account: those enabled there (Account ListRegions, called with the account's own
 * audit-role credentials), or an explicit list. Calls into an opt-in region that is not enabled fail, so the
 * enabled list is the default.
 */
import { type AccountClient, ListRegionsCommand, type ListRegionsCommandOutput } from '@aws-sdk/client-account';
import { adapterCause } from '../core/failures';
import { WHOLE_ACCOUNT } from '../core/model';
import { looksLikeRegion } from '../core/regions';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** What the audit role must allow for this adapter. */
export const ACCOUNT_ACTIONS = ['account:ListRegions'] as const;

export class RegionsError extends AwsAdapterError {
  constructor(accountId: string, error: unknown) {
    const code = awsErrorCode(error);
    super(`cannot list the enabled regions of ${accountId} (${code}: ${awsErrorMessage(error)})`, {
      accountId,
      region: WHOLE_ACCOUNT,
      code,
      operation: 'Account.ListRegions',
      likelyCause: adapterCause(code, 'account:ListRegions', awsErrorMessage(error)),
      cause: error,
    });
  }
}

/** ENABLED and ENABLED_BY_DEFAULT regions of the account whose credentials the client holds, all pages, sorted. */
export async function listEnabledRegions(client: AccountClient, accountId: string): Promise<string[]> {
  const regions = new Set<string>();
  let nextToken: string | undefined;
  do {
    let page: ListRegionsCommandOutput;
    try {
      page = await client.send(
        new ListRegionsCommand({
          RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'],
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
    } catch (error) {
      throw new RegionsError(accountId, error);
    }
    for (const region of page.Regions ?? []) {
      if (region.RegionName) regions.add(region.RegionName);
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return [...regions].sort();
}

/** Regions given by name (config or command line): checked for shape, de-duplicated, sorted. */
export function explicitRegions(names: readonly string[]): string[] {
  const unique = [...new Set(names.map((name) => name.trim()).filter((name) => name.length > 0))];
  const invalid = unique.filter((name) => !looksLikeRegion(name));
  if (invalid.length > 0) throw new Error(`not an AWS region name: ${invalid.join(', ')}`);
  return unique.sort();
}
