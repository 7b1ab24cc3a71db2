/**
 * The work list of a run: every account to scan (the organization's ACTIVE accounts, or an explicit list, less the
 * excluded ones) times its regions (those enabled in the account, or an explicit list). The audit role is assumed
 * in every account here, so an account whose role is refused is reported once, as a coverage gap covering all its
 * regions (region `'*'`), instead of failing region by region later. The other accounts go on.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import { CallCounter, type ClientConfig, createAccountClient } from '../aws/clients';
import { RoleCredentials } from '../aws/credentials';
import { AwsAdapterError } from '../aws/errors';
import {
  type AccountRef,
  explicitAccounts,
  type InactiveAccount,
  listOrganizationAccounts,
} from '../aws/organizations';
import { sessionPolicy } from '../aws/permissions';
import { explicitRegions, listEnabledRegions } from '../aws/regions';
import type { Target, TargetResult } from '../core/model';

/** Accounts prepared at once (AssumeRole, ListRegions). */
export const DEFAULT_ACCOUNT_CONCURRENCY = 10;

export interface ListTargetsDeps {
  /** STS with the hub's credentials: assumes the audit role in each account. */
  sts: STSClient;
  /** Needed when accounts are 'organization': hub credentials, or those of an organization-read role. */
  organizations?: OrganizationsClient;
  /** Region and retries of the Account clients made with each account's audit-role credentials. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  /** A credentials cache to share with the scans that follow (the CLI's); made from the input otherwise. */
  roles?: RoleCredentials;
  /** @default DEFAULT_ACCOUNT_CONCURRENCY */
  accountConcurrency?: number;
  /** The clock credentials expiry and failure times are read from. @default the system clock */
  now?: () => Date;
}

export interface ListTargetsInput {
  accounts: 'organization' | string[];
  exclude?: string[];
  regions: 'enabled' | string[];
  roleName: string;
  externalId?: string;
  runId: string;
}

export interface ListTargetsOutput {
  /** Sorted by account, then region. */
  targets: Target[];
  /** Accounts that cannot be scanned at all: status error, region '*'. */
  failures: TargetResult[];
  /** Organization accounts left out because they are not ACTIVE (suspended, closing, ...). */
  inactiveAccounts: InactiveAccount[];
}

export async function listTargets(deps: ListTargetsDeps, input: ListTargetsInput): Promise<ListTargetsOutput> {
  const roles =
    deps.roles ??
    new RoleCredentials({
      sts: deps.sts,
      roleName: input.roleName,
      runId: input.runId,
      sessionPolicy: sessionPolicy('listTargets'),
      ...(input.externalId ? { externalId: input.externalId } : {}),
      ...(deps.now ? { now: () => (deps.now as () => Date)().getTime() } : {}),
    });
  if (roles.roleName !== input.roleName) {
    throw new Error(`the credentials cache is for role ${roles.roleName}, not ${input.roleName}`);
  }
  const fixedRegions = input.regions === 'enabled' ? undefined : explicitRegions(input.regions);
  const { accounts, inactiveAccounts } = await accountsToScan(deps, input);

  const limit = pLimit(deps.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY);
  const outcomes = await Promise.all(
    accounts.map((account) =>
      limit(() => prepareAccount(account, roles, deps, fixedRegions, (deps.now ?? (() => new Date()))())),
    ),
  );
  const targets = outcomes.flatMap((outcome) => outcome.targets);
  const failures = outcomes.flatMap((outcome) => (outcome.failure ? [outcome.failure] : []));
  return { targets, failures, inactiveAccounts };
}

async function accountsToScan(
  deps: ListTargetsDeps,
  input: ListTargetsInput,
): Promise<{ accounts: AccountRef[]; inactiveAccounts: InactiveAccount[] }> {
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

async function prepareAccount(
  account: AccountRef,
  roles: RoleCredentials,
  deps: ListTargetsDeps,
  fixedRegions: string[] | undefined,
  startedAt: Date,
): Promise<{ targets: Target[]; failure?: TargetResult }> {
  const calls = new CallCounter();
  const clock = performance.now();
  const named = account.name ? { accountName: account.name } : {};
  try {
    await roles.get(account.id, calls);
    let regions = fixedRegions;
    if (!regions) {
      const client = createAccountClient({
        ...deps.clientConfig,
        credentials: roles.provider(account.id, calls),
        calls,
      });
      try {
        regions = await listEnabledRegions(client, account.id);
      } finally {
        client.destroy();
      }
    }
    return { targets: regions.map((region) => ({ accountId: account.id, ...named, region })) };
  } catch (error) {
    if (!(error instanceof AwsAdapterError)) throw error;
    return {
      targets: [],
      failure: {
        accountId: account.id,
        ...named,
        region: '*',
        status: 'error',
        errorCode: error.code,
        errorMessage: error.message,
        certificateCount: 0,
        apiCalls: calls.snapshot(),
        durationMs: Math.round(performance.now() - clock),
        startedAt: startedAt.toISOString(),
      },
    };
  }
}
