/**
 * One Distributed Map child: one account, scanned with the audit role (one session, named after the run) and stored
 * region by region. A problem of the account or of a region is a result, saved like any other; only a store that
 * cannot take even that makes this throw, and FinalizeRun then reports the account as a scan that did not complete.
 * What it returns is a small summary that the Map writes to the work bucket, never the certificates.
 */
import type { STSClient } from '@aws-sdk/client-sts';
import type { ClientConfig } from '../aws/clients';
import { enabledFeatureSets } from '../aws/permissions';
import { isWholeAccount } from '../core/model';
import { DEFAULT_EXPIRY_DAYS, RUN_LOG } from '../core/names';
import type { Clock, EndpointStore, SnapshotStore, ZoneStore } from '../core/ports';
import type { ProbeEndpoint } from '../net/tls-probe';
import { scanAccount } from '../scan/scan-account';
import { scanRoleCredentials } from '../scan/scan-role';
import type { ScanLogger, ScanOptions } from '../scan/scan-target';
import type { ScanSummary, TargetScannedLine, WorkItem } from './contracts';

export interface ScanChildDeps {
  /** STS with the hub's credentials. */
  sts: STSClient;
  store: SnapshotStore;
  /** Where each account's hosted zones go (the `dns-diagnosis` feature set); absent: they are not stored. */
  zones?: ZoneStore;
  /** The hub region (Account ListRegions) and retries; each region's clients take that region. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  logger?: ScanLogger;
  /** The clock the role sessions' expiry is read against. @default the system clock */
  clock?: Clock;
  /**
   * The TLS probe of the `probe` feature set, made once per cold start (its resolver and trusted roots); absent with
   * the feature on: endpoints are discovered, not probed.
   */
  probe?: ProbeEndpoint;
  /** Probes in flight at once in one account. */
  probeConcurrency?: number;
  /** One probe's timeout, kept in hand when the invocation runs short. */
  probeTimeoutMs?: number;
  /** Where each account's probed endpoints are kept (the `probe` feature set). */
  endpoints?: EndpointStore;
}

export interface ScanChildInput {
  runId: string;
  account: WorkItem;
  regions: 'enabled' | readonly string[];
  /** When the scan starts: days to expiry and threshold crossings are counted from it. */
  now: Date;
  roleName: string;
  externalId?: string;
  options?: Partial<ScanOptions>;
  /** The optional feature sets turned on: they widen the session policy and add their steps (zone listing). */
  features?: readonly string[];
  /** SERVED_EXPIRING's threshold, the same as EXPIRING's. @default DEFAULT_EXPIRY_DAYS */
  expiryDays?: number;
}

export async function scanChild(deps: ScanChildDeps, input: ScanChildInput): Promise<ScanSummary> {
  const { runId, account } = input;
  const started = performance.now();
  // Per invocation: the session is named after the run, and a warm container must not reuse another run's session.
  const roles = scanRoleCredentials(deps, {
    roleName: input.roleName,
    runId,
    ...(input.externalId ? { externalId: input.externalId } : {}),
    ...(input.features ? { features: input.features } : {}),
  });
  const scan = await scanAccount(
    {
      roles,
      clientConfig: deps.clientConfig,
      store: deps.store,
      ...(deps.zones ? { zones: deps.zones } : {}),
      ...(deps.endpoints ? { endpoints: deps.endpoints } : {}),
      ...(deps.logger ? { logger: deps.logger } : {}),
    },
    {
      runId,
      hostedZones: enabledFeatureSets(input.features).includes('dns-diagnosis'),
      ...(enabledFeatureSets(input.features).includes('probe')
        ? {
            probe: {
              expiryDays: input.expiryDays ?? DEFAULT_EXPIRY_DAYS,
              ...(deps.probe ? { probe: deps.probe } : {}),
              ...(deps.probeConcurrency !== undefined ? { concurrency: deps.probeConcurrency } : {}),
              ...(deps.probeTimeoutMs !== undefined ? { timeoutMs: deps.probeTimeoutMs } : {}),
            },
          }
        : {}),
      account: { id: account.accountId, ...(account.accountName ? { name: account.accountName } : {}) },
      regions: input.regions,
      ...(account.skip ? { skipRegions: account.skip.map((skip) => skip.region) } : {}),
      now: input.now,
      ...(input.options ? { options: input.options } : {}),
      onResult: (result, figures) => {
        const line: TargetScannedLine = {
          runId,
          accountId: result.accountId,
          region: result.region,
          status: result.status,
          ...(result.errorCode ? { errorCode: result.errorCode } : {}),
          certificateCount: figures.certificates,
          throttles: figures.throttles,
        };
        deps.logger?.info(RUN_LOG.targetScanned, { ...line });
      },
    },
  );
  const statuses: Record<string, number> = {};
  for (const result of scan.results) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  const whole = scan.results.find(isWholeAccount);
  return {
    runId,
    accountId: account.accountId,
    regions: whole ? 0 : scan.results.length,
    statuses,
    ...(whole?.errorCode ? { errorCode: whole.errorCode } : {}),
    certificateCount: scan.certificates.length,
    changeCount: scan.changes.length,
    apiCalls: scan.results.reduce(
      (sum, result) => sum + Object.values(result.apiCalls).reduce((total, n) => total + n, 0),
      0,
    ),
    throttles: scan.throttles,
    durationMs: Math.round(performance.now() - started),
  };
}
