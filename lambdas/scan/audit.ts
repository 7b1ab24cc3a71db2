/**
 * A whole audit in one process, as the CLI and the benchmark run it: list the accounts, then scan each with the same
 * per-account scan the pipeline's Map children run (one role session per account, its regions side by side, each
 * paced under its own quota).
 *
 * Accounts are opened a bounded number at a time, but an account gives up its place as soon as its regions are
 * listed: from then on it only describes, paced by its own quotas. So on a first audit, when nothing says which
 * account is the largest, every account is listed within moments and the largest target starts describing at once,
 * instead of waiting behind accounts that were merely listed before it.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import type { ClientConfig, OpenTargetClients } from '../aws/clients';
import { RoleCredentials } from '../aws/credentials';
import type { InactiveAccount } from '../aws/organizations';
import { enabledFeatureSets, sessionPolicy } from '../aws/permissions';
import type { AccountZones } from '../core/diagnosis/zones';
import { type Certificate, type Change, isWholeAccount, type TargetResult } from '../core/model';
import { DEFAULT_EXPIRY_DAYS } from '../core/names';
import {
  type Clock,
  type EndpointStore,
  type SnapshotStore,
  systemClock,
  type TargetSizes,
  type ZoneStore,
} from '../core/ports';
import type { AccountRouting } from '../core/routing';
import { largestAccountsFirst } from '../core/work-order';
import type { ProbeEndpoint } from '../net/tls-probe';
import { type ListAccountsInput, listAccounts } from './list-accounts';
import { type ScanAccountOutput, scanAccount } from './scan-account';
import type { ScanLogger, ScanOptions } from './scan-target';

/**
 * Accounts being opened and listed at once (AssumeRole, ListRegions, ListCertificates), as many as the pipeline's
 * Distributed Map runs children by default. Describes are paced per region and are not counted against it.
 */
export const DEFAULT_ACCOUNT_CONCURRENCY = 40;

export interface AuditDeps {
  /** STS with the caller's credentials: assumes the audit role in each account. */
  sts: STSClient;
  /** Needed when accounts are 'organization'. */
  organizations?: OrganizationsClient;
  /** Hub region and retry settings; target clients take the target's region. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  /** With TargetSizes (the DynamoDB store has it), the accounts that held the most certificates are scanned first. */
  store?: SnapshotStore & Partial<TargetSizes> & Partial<ZoneStore>;
  logger?: ScanLogger;
  /** Replaces the audit-role clients of each region (tests, or credentials obtained another way). */
  openClients?: OpenTargetClients;
  /** The clock the audit's time and credentials expiry are read from. @default the system clock */
  clock?: Clock;
  /** With the `probe` feature set: the TLS probe of each account's endpoints (absent: discovered, not probed). */
  probe?: ProbeEndpoint;
  /** With the `probe` feature set: where each account's probed endpoints are kept, and read back from. */
  endpoints?: EndpointStore;
}

export interface AuditOptions extends ListAccountsInput {
  regions: 'enabled' | readonly string[];
  roleName: string;
  externalId?: string;
  runId: string;
  /** The audit's time; @default now */
  now?: Date;
  /** @default DEFAULT_ACCOUNT_CONCURRENCY */
  accountConcurrency?: number;
  scan?: Partial<ScanOptions>;
  /**
   * The optional feature sets to run (as `certMonitor.features`): `dns-diagnosis` lists each account's zones,
   * `probe` discovers and probes the endpoints of its in-use certificates.
   */
  features?: readonly string[];
  /** SERVED_EXPIRING's threshold. @default DEFAULT_EXPIRY_DAYS */
  expiryDays?: number;
  /** Probes in flight at once in one account. */
  probeConcurrency?: number;
}

export interface AuditProgress {
  accountsTotal: number;
  accountsDone: number;
  /** Account-regions finished so far (an account that could not be opened counts as one). */
  targetsDone: number;
  certificates: number;
  /** The target just finished; absent for the first call, made once the accounts are known. */
  last?: TargetResult;
}

export interface AuditResult {
  /** Every target's result: per account, its regions, or one result for the whole account (region '*'). */
  targets: TargetResult[];
  certificates: Certificate[];
  changes: Change[];
  inactiveAccounts: InactiveAccount[];
  /** Throttling answers over every target (each retried by the SDK). */
  throttles: number;
  /** The hosted zones of the accounts whose zones were listed (the `dns-diagnosis` feature set). */
  zones: AccountZones[];
  /** Owner routing: each account's tags and OUs in Organizations, when `routing` asked for them. */
  accountRouting?: Map<string, AccountRouting>;
}

export async function runAudit(
  deps: AuditDeps,
  options: AuditOptions,
  onProgress?: (progress: AuditProgress) => void,
): Promise<AuditResult> {
  const clock = deps.clock ?? systemClock;
  const now = options.now ?? clock();
  const roles = new RoleCredentials({
    sts: deps.sts,
    roleName: options.roleName,
    runId: options.runId,
    clock,
    // The CLI scans accounts as the ScanTarget Lambda does, so its sessions hold the same actions.
    sessionPolicy: sessionPolicy('scanTarget', options.features),
    ...(options.externalId ? { externalId: options.externalId } : {}),
  });
  const hostedZones = enabledFeatureSets(options.features).includes('dns-diagnosis');
  const probe = enabledFeatureSets(options.features).includes('probe')
    ? {
        expiryDays: options.expiryDays ?? DEFAULT_EXPIRY_DAYS,
        ...(deps.probe ? { probe: deps.probe } : {}),
        ...(options.probeConcurrency !== undefined ? { concurrency: options.probeConcurrency } : {}),
      }
    : undefined;
  const zoneStore = deps.store?.saveAccountZones && deps.store.loadAllZones ? (deps.store as ZoneStore) : undefined;
  const listed = await listAccounts(deps.organizations ? { organizations: deps.organizations } : {}, options);
  const accounts = deps.store?.certificateCounts
    ? largestAccountsFirst(listed.accounts, await deps.store.certificateCounts())
    : listed.accounts;

  const progress: AuditProgress = { accountsTotal: accounts.length, accountsDone: 0, targetsDone: 0, certificates: 0 };
  onProgress?.({ ...progress });
  const listing = pLimit(options.accountConcurrency ?? DEFAULT_ACCOUNT_CONCURRENCY);
  const scans = await Promise.all(
    accounts.map(async (account) => {
      let scan!: Promise<ScanAccountOutput>;
      // The place is held until the account's regions are listed (or its scan ends, whichever comes first).
      await listing(
        () =>
          new Promise<void>((listed) => {
            scan = scanAccount(
              {
                roles,
                clientConfig: deps.clientConfig,
                ...(deps.store ? { store: deps.store } : {}),
                ...(zoneStore ? { zones: zoneStore } : {}),
                ...(deps.endpoints ? { endpoints: deps.endpoints } : {}),
                ...(deps.logger ? { logger: deps.logger } : {}),
                ...(deps.openClients ? { openClients: deps.openClients } : {}),
              },
              {
                runId: options.runId,
                account,
                regions: options.regions,
                now,
                hostedZones,
                ...(probe ? { probe } : {}),
                ...(options.scan ? { options: options.scan } : {}),
                onListed: listed,
                onResult: (result, figures) => {
                  progress.targetsDone++;
                  progress.certificates += figures.certificates;
                  onProgress?.({ ...progress, last: result });
                },
              },
            );
            scan.then(
              () => listed(),
              () => listed(),
            );
          }),
      );
      const done = await scan;
      progress.accountsDone++;
      onProgress?.({ ...progress });
      return done;
    }),
  );
  const targets = scans.flatMap((scan) => scan.results);
  return {
    // Accounts that could not be opened at all first: they are what a reader must fix before anything else.
    targets: [...targets.filter(isWholeAccount), ...targets.filter((target) => !isWholeAccount(target))],
    certificates: scans.flatMap((scan) => scan.certificates),
    changes: scans.flatMap((scan) => scan.changes),
    inactiveAccounts: listed.inactiveAccounts,
    throttles: scans.reduce((sum, scan) => sum + scan.throttles, 0),
    zones: scans.flatMap((scan) => (scan.zones ? [scan.zones] : [])),
    ...(listed.routing ? { accountRouting: listed.routing } : {}),
  };
}
