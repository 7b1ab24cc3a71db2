/**
 * A whole audit in one process: list the targets, then scan them a bounded number at a time (the regions of one
 * account run side by side, each paced under its own quota). The CLI and the benchmark call this; the pipeline
 * runs listTargets and scanTarget as separate Lambdas instead.
 */
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import { auditRoleClients, type ClientConfig, type OpenTargetClients } from '../aws/clients';
import { RoleCredentials } from '../aws/credentials';
import type { InactiveAccount } from '../aws/organizations';
import { auditSessionPolicy } from '../aws/permissions';
import type { Certificate, Change, Target, TargetResult } from '../core/model';
import type { SnapshotStore, TargetSizes } from '../core/ports';
import { largestFirst } from '../core/work-order';
import { type ListTargetsInput, listTargets } from './list-targets';
import {
  DEFAULT_SCAN_OPTIONS,
  type ScanLogger,
  type ScanOptions,
  type ScanTargetOutput,
  scanTarget,
} from './scan-target';

/** Targets scanned at once. Each target paces its own calls, so this bounds sockets and memory, not AWS load. */
export const DEFAULT_TARGET_CONCURRENCY = 8;

export interface AuditDeps {
  /** STS with the caller's credentials: assumes the audit role in each account. */
  sts: STSClient;
  /** Needed when accounts are 'organization'. */
  organizations?: OrganizationsClient;
  /** Hub region and retry settings; target clients take the target's region. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  /** With TargetSizes (the DynamoDB store has it), the targets that held the most certificates are scanned first. */
  store?: SnapshotStore & Partial<TargetSizes>;
  logger?: ScanLogger;
  /** Replaces the audit-role clients (tests, or credentials obtained another way). */
  openClients?: OpenTargetClients;
  /** The clock the audit's time and credentials expiry are read from. @default the system clock */
  clock?: () => Date;
}

export interface AuditOptions extends ListTargetsInput {
  /** The audit's time; @default now */
  now?: Date;
  /** @default DEFAULT_TARGET_CONCURRENCY */
  targetConcurrency?: number;
  scan?: Partial<ScanOptions>;
}

export interface AuditProgress {
  targetsTotal: number;
  targetsDone: number;
  certificates: number;
  /** The target just finished; absent for the first call, made once the targets are known. */
  last?: TargetResult;
}

export interface AuditResult {
  /** Every target's result, the accounts that could not be scanned at all (region '*') first. */
  targets: TargetResult[];
  certificates: Certificate[];
  changes: Change[];
  inactiveAccounts: InactiveAccount[];
  /** Throttling answers over every target (each retried by the SDK). */
  throttles: number;
}

export async function runAudit(
  deps: AuditDeps,
  options: AuditOptions,
  onProgress?: (progress: AuditProgress) => void,
): Promise<AuditResult> {
  const clock = deps.clock ?? (() => new Date());
  const now = options.now ?? clock();
  const roles = new RoleCredentials({
    sts: deps.sts,
    roleName: options.roleName,
    runId: options.runId,
    now: () => clock().getTime(),
    // One session per account serves both the listing and the scans here, so it may do what both do.
    sessionPolicy: auditSessionPolicy(),
    ...(options.externalId ? { externalId: options.externalId } : {}),
  });
  const listed = await listTargets(
    {
      sts: deps.sts,
      clientConfig: deps.clientConfig,
      roles,
      now: clock,
      ...(deps.organizations ? { organizations: deps.organizations } : {}),
    },
    options,
  );
  const { failures, inactiveAccounts } = listed;
  const targets = deps.store?.certificateCounts
    ? largestFirst(listed.targets, await deps.store.certificateCounts())
    : listed.targets;

  const openClients = deps.openClients ?? auditRoleClients(roles, deps.clientConfig);
  const scanOptions: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, ...options.scan };
  const progress: AuditProgress = { targetsTotal: targets.length, targetsDone: 0, certificates: 0 };
  onProgress?.({ ...progress });

  const limit = pLimit(options.targetConcurrency ?? DEFAULT_TARGET_CONCURRENCY);
  const scans = await Promise.all(
    targets.map((target) =>
      limit(async () => {
        const scan = await scanOneTarget(deps, openClients, target, options.runId, now, scanOptions);
        progress.targetsDone++;
        progress.certificates += scan.certificates.length;
        onProgress?.({ ...progress, last: scan.result });
        return scan;
      }),
    ),
  );
  return {
    targets: [...failures, ...scans.map((scan) => scan.result)],
    certificates: scans.flatMap((scan) => scan.certificates),
    changes: scans.flatMap((scan) => scan.changes),
    inactiveAccounts,
    throttles: scans.reduce((sum, scan) => sum + scan.throttles, 0),
  };
}

/** One target; an unexpected failure (a store that cannot be written, a bug) is that target's error, not the audit's. */
async function scanOneTarget(
  deps: AuditDeps,
  openClients: OpenTargetClients,
  target: Target,
  runId: string,
  now: Date,
  options: ScanOptions,
): Promise<ScanTargetOutput> {
  const clock = performance.now();
  try {
    return await scanTarget(
      {
        openClients,
        ...(deps.store ? { store: deps.store } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      },
      { runId, target, now, options },
    );
  } catch (error) {
    deps.logger?.warn('target scan failed', {
      runId,
      accountId: target.accountId,
      region: target.region,
      error: String(error),
    });
    return {
      result: {
        accountId: target.accountId,
        ...(target.accountName ? { accountName: target.accountName } : {}),
        region: target.region,
        status: 'error',
        errorCode: error instanceof Error ? error.name : 'UnknownError',
        errorMessage: error instanceof Error ? error.message : String(error),
        certificateCount: 0,
        apiCalls: {},
        durationMs: Math.round(performance.now() - clock),
        startedAt: now.toISOString(),
      },
      certificates: [],
      changes: [],
      throttles: 0,
    };
  }
}
