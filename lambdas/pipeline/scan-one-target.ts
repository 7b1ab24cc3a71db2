/**
 * One Distributed Map child: scan one account-region with the audit role and store the outcome. A target's
 * problem is a result, not an exception: AWS refusals and time running out come back as `error` / `partial`
 * results from scanTarget, and an unexpected failure (a bug, a store that cannot be read) is recorded as this
 * target's error too. Only when even that record cannot be written does this throw, and FinalizeRun then reports
 * the target as a scan that did not complete.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import { auditRoleClients, type ClientConfig } from '../aws/clients';
import { RoleCredentials } from '../aws/credentials';
import { sessionPolicy } from '../aws/permissions';
import type { Target, TargetResult, TargetStatus } from '../core/model';
import type { SnapshotStore } from '../core/ports';
import { DEFAULT_SCAN_OPTIONS, type ScanLogger, type ScanOptions, scanTarget } from '../scan/scan-target';

export interface ScanOneTargetDeps {
  /** STS with the hub's credentials. */
  sts: STSClient;
  store: SnapshotStore;
  /** Retries of the target's clients; their region is the target's. */
  clientConfig: Omit<ClientConfig, 'region' | 'credentials' | 'calls'>;
  logger?: ScanLogger;
}

export interface ScanOneTargetInput {
  runId: string;
  target: Target;
  /** When the scan starts: days to expiry and threshold crossings are counted from it. */
  now: Date;
  roleName: string;
  externalId?: string;
  options?: Partial<ScanOptions>;
}

/** What a child returns: small (the state's payload), never the certificates. */
export interface ScanSummary {
  runId: string;
  accountId: string;
  region: string;
  status: TargetStatus;
  errorCode?: string;
  certificateCount: number;
  changeCount: number;
  /** AWS calls made, retries included. */
  apiCalls: number;
  /** Calls AWS answered with a throttling error. */
  throttles: number;
  durationMs: number;
}

export async function scanOneTarget(deps: ScanOneTargetDeps, input: ScanOneTargetInput): Promise<ScanSummary> {
  const { runId, target, now } = input;
  // Per invocation: the session is named after the run, and a warm container must not reuse another run's session.
  const roles = new RoleCredentials({
    sts: deps.sts,
    roleName: input.roleName,
    runId,
    sessionPolicy: sessionPolicy('scanTarget'),
    ...(input.externalId ? { externalId: input.externalId } : {}),
  });
  const openClients = auditRoleClients(roles, deps.clientConfig);
  const started = performance.now();
  const options: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, ...input.options };

  let result: TargetResult;
  let changeCount = 0;
  let throttles = 0;
  try {
    const scan = await scanTarget(
      { openClients, store: deps.store, ...(deps.logger ? { logger: deps.logger } : {}) },
      { runId, target, now, options },
    );
    result = scan.result;
    changeCount = scan.changes.length;
    throttles = scan.throttles;
  } catch (error) {
    result = unexpectedFailure(target, now, error, Math.round(performance.now() - started));
    deps.logger?.warn('target scan failed unexpectedly', {
      runId,
      accountId: target.accountId,
      region: target.region,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
    });
    // If the store cannot take even this, the error goes to the state machine (the child's Catch records it).
    await deps.store.saveTargetScan({ runId, scannedAt: now.toISOString(), result, certificates: [], changes: [] });
  }
  return {
    runId,
    accountId: result.accountId,
    region: result.region,
    status: result.status,
    ...(result.errorCode ? { errorCode: result.errorCode } : {}),
    certificateCount: result.certificateCount,
    changeCount,
    apiCalls: Object.values(result.apiCalls).reduce((sum, n) => sum + n, 0),
    throttles,
    durationMs: result.durationMs,
  };
}

function unexpectedFailure(target: Target, now: Date, error: unknown, durationMs: number): TargetResult {
  return {
    accountId: target.accountId,
    ...(target.accountName ? { accountName: target.accountName } : {}),
    region: target.region,
    status: 'error',
    errorCode: error instanceof Error && error.name !== 'Error' ? error.name : 'ScanFailed',
    errorMessage: error instanceof Error ? error.message : String(error),
    certificateCount: 0,
    apiCalls: {},
    durationMs,
    startedAt: now.toISOString(),
  };
}
