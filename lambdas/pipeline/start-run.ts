/**
 * The first step of a run: record it as started, list its targets, write the work list the Distributed Map reads,
 * and record every account that cannot be scanned at all (a refused audit role) as that run's failed target, so
 * FinalizeRun, the digest and the coverage-gap alert see it. Safe to retry: every write is keyed by the run.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { STSClient } from '@aws-sdk/client-sts';
import type { ClientConfig } from '../aws/clients';
import type { InactiveAccount } from '../aws/organizations';
import type { Target, TargetResult } from '../core/model';
import type { RunStore, SnapshotStore, TargetSizes } from '../core/ports';
import { largestFirst } from '../core/work-order';
import { listTargets } from '../scan/list-targets';
import type { ScanLogger } from '../scan/scan-target';
import type { RunListing } from './contracts';
import { putWorkList, workListKey } from './work-bucket';

export interface StartRunDeps {
  /** STS with the hub's credentials: assumes the audit role in each account. */
  sts: STSClient;
  s3: S3Client;
  store: Pick<SnapshotStore, 'saveTargetScan'> & Pick<RunStore, 'recordRunStarted'> & Partial<TargetSizes>;
  /**
   * The Organizations client of this run (the hub's credentials, or an organization-read role's session named
   * after the run); needed when the accounts are the organization's. Closed once the accounts are listed.
   */
  organizations?: (runId: string) => { client: OrganizationsClient; close(): void };
  /** Region and retries of the per-account clients. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  logger?: ScanLogger;
}

export interface StartRunInput {
  runId: string;
  startedAt: string;
  bucket: string;
  accounts: 'organization' | string[];
  exclude: string[];
  regions: 'enabled' | string[];
  roleName: string;
  externalId?: string;
}

export interface StartRunResult {
  /** The state machine's payload: where the work list is. */
  listing: RunListing;
  targets: Target[];
  /** Accounts that cannot be scanned (region `'*'`), already recorded as this run's failed targets. */
  failures: TargetResult[];
  inactiveAccounts: InactiveAccount[];
}

export async function startRun(deps: StartRunDeps, input: StartRunInput): Promise<StartRunResult> {
  const { runId, startedAt, bucket } = input;
  await deps.store.recordRunStarted({ runId, startedAt });

  const organizations = input.accounts === 'organization' ? deps.organizations?.(runId) : undefined;
  let listed: Awaited<ReturnType<typeof listTargets>>;
  try {
    listed = await listTargets(
      {
        sts: deps.sts,
        clientConfig: deps.clientConfig,
        ...(organizations ? { organizations: organizations.client } : {}),
      },
      {
        runId,
        accounts: input.accounts,
        exclude: input.exclude,
        regions: input.regions,
        roleName: input.roleName,
        ...(input.externalId ? { externalId: input.externalId } : {}),
      },
    );
  } finally {
    organizations?.close();
  }

  // The Distributed Map starts children in work-list order: the biggest target first, so it does not finish last.
  const targets = deps.store.certificateCounts
    ? largestFirst(listed.targets, await deps.store.certificateCounts())
    : listed.targets;
  const key = workListKey(runId);
  await putWorkList(deps.s3, bucket, key, targets);
  for (const failure of listed.failures) {
    deps.logger?.warn('account cannot be scanned', {
      runId,
      accountId: failure.accountId,
      region: failure.region,
      errorCode: failure.errorCode,
      errorMessage: failure.errorMessage,
    });
    await deps.store.saveTargetScan({
      runId,
      scannedAt: failure.startedAt,
      result: failure,
      certificates: [],
      changes: [],
    });
  }
  if (listed.inactiveAccounts.length > 0) {
    deps.logger?.info('organization accounts not scanned because they are not ACTIVE', {
      runId,
      accounts: listed.inactiveAccounts.map((account) => `${account.id} (${account.state})`),
    });
  }
  return {
    listing: { runId, startedAt, bucket, key, targetCount: targets.length },
    targets,
    failures: listed.failures,
    inactiveAccounts: listed.inactiveAccounts,
  };
}
