/**
 * The first step of a run: record it as started, list the accounts to scan and write the work list the Distributed
 * Map reads, one item per account, those that held the largest target first. Only Organizations is called: each
 * account's role and regions are its child's business, so this step takes seconds even for 5,000 accounts. Safe to
 * retry: every write is keyed by the run.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InactiveAccount } from '../aws/organizations';
import type { SkippedTarget } from '../core/events/skip';
import type { RunStore, TargetSizes } from '../core/ports';
import { largestAccountsFirst } from '../core/work-order';
import type { AccountRoutingNeeds } from '../scan/account-routing';
import { listAccounts } from '../scan/list-accounts';
import type { ScanLogger } from '../scan/scan-target';
import type { RunListing, WorkListItem } from './contracts';
import { putWorkList, workListKey } from './work-bucket';

export interface StartRunDeps {
  s3: S3Client;
  store: Pick<RunStore, 'recordRunStarted'> & Partial<TargetSizes>;
  /**
   * The Organizations client of this run (the hub's credentials, or an organization-read role's session named
   * after the run); needed when the accounts are the organization's. Closed once the accounts are listed.
   */
  organizations?: (runId: string) => { client: OrganizationsClient; close(): void };
  logger?: ScanLogger;
  /**
   * The account-regions this run may leave unlisted as clean, when the event path watches them
   * (core/events/skip.ts); absent: every region is listed.
   */
  cleanTargets?: (now: Date) => Promise<SkippedTarget[]>;
}

export interface StartRunInput {
  runId: string;
  startedAt: string;
  bucket: string;
  accounts: 'organization' | string[];
  exclude: string[];
  /** Owner routing's account and OU rules: each work item then carries its account's tags and OUs. */
  routing?: AccountRoutingNeeds;
}

export interface StartRunResult {
  /** The state machine's payload: where the work list is. */
  listing: RunListing;
  accounts: WorkListItem[];
  inactiveAccounts: InactiveAccount[];
}

export async function startRun(deps: StartRunDeps, input: StartRunInput): Promise<StartRunResult> {
  const { runId, startedAt, bucket } = input;
  await deps.store.recordRunStarted({ runId, startedAt });

  const needsOrganizations =
    input.accounts === 'organization' || input.routing?.accountTags === true || input.routing?.ous === true;
  const organizations = needsOrganizations ? deps.organizations?.(runId) : undefined;
  let listed: Awaited<ReturnType<typeof listAccounts>>;
  try {
    listed = await listAccounts(organizations ? { organizations: organizations.client } : {}, input);
  } finally {
    organizations?.close();
  }

  // The Distributed Map starts children in work-list order: the biggest account first, so it does not finish last.
  const ordered = deps.store.certificateCounts
    ? largestAccountsFirst(listed.accounts, await deps.store.certificateCounts())
    : listed.accounts;
  const clean = deps.cleanTargets ? await deps.cleanTargets(new Date(startedAt)) : [];
  const skipByAccount = new Map<string, Array<{ region: string; lastListedAt: string }>>();
  for (const target of clean) {
    const list = skipByAccount.get(target.accountId) ?? [];
    list.push({ region: target.region, lastListedAt: target.lastListedAt });
    skipByAccount.set(target.accountId, list);
  }
  const accounts = ordered.map((account): WorkListItem => {
    const routing = listed.routing?.get(account.id);
    const { accountId: _accountId, ...facts } = routing ?? { accountId: account.id };
    const skip = skipByAccount.get(account.id);
    return {
      accountId: account.id,
      ...(account.name ? { accountName: account.name } : {}),
      ...(skip ? { skip: skip.sort((a, b) => (a.region < b.region ? -1 : 1)) } : {}),
      ...(routing !== undefined ? { routing: facts } : {}),
    };
  });
  if (clean.length > 0) deps.logger?.info('account-regions left unlisted as clean', { runId, targets: clean.length });
  const key = workListKey(runId);
  await putWorkList(deps.s3, bucket, key, accounts);
  if (listed.inactiveAccounts.length > 0) {
    deps.logger?.info('organization accounts not scanned because they are not ACTIVE', {
      runId,
      accounts: listed.inactiveAccounts.map((account) => `${account.id} (${account.state})`),
    });
  }
  return {
    listing: { runId, startedAt, bucket, key, accountCount: accounts.length },
    accounts,
    inactiveAccounts: listed.inactiveAccounts,
  };
}
