/**
 * The scan of one account, shared by the pipeline's Distributed Map child and the CLI: assume the audit role once,
 * find the regions to scan (those enabled in the account, or an explicit list), then scan every region side by side.
 * ACM's quotas are per account and region, so each region is paced on its own and the account takes as long as its
 * largest region, not the sum of them.
 *
 * What goes wrong stays as narrow as it is: a role that cannot be assumed, or regions that cannot be listed, make one
 * result for the whole account (region `'*'`, the coverage gap); a region that fails is that region's result and the
 * others go on. Every result is saved before this returns, and only a complete region scan removes certificates.
 */
import pLimit from 'p-limit';
import { CallCounter } from '../aws/call-counter';
import { auditRoleClients, type ClientConfig, createAccountClient, type OpenTargetClients } from '../aws/clients';
import type { RoleCredentials } from '../aws/credentials';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from '../aws/errors';
import type { AccountRef } from '../aws/organizations';
import { explicitRegions, listEnabledRegions } from '../aws/regions';
import type { AccountZones } from '../core/diagnosis/zones';
import { SCAN_FAILED } from '../core/failures';
import {
  type Certificate,
  type Change,
  failedTarget,
  type Target,
  type TargetResult,
  WHOLE_ACCOUNT,
} from '../core/model';
import type { EndpointStore, SnapshotStore, ZoneStore } from '../core/ports';
import { advanceEndpoints } from '../core/probe/history';
import { DEFAULT_PROBE_TIMEOUT_MS } from '../net/tls-probe';
import { listAccountZones } from './account-zones';
import {
  accountDiscoveryClients,
  type ProbeAccountOptions,
  type ProbeAccountOutput,
  probeAccount,
} from './probe-account';
import { DEFAULT_SCAN_OPTIONS, type ScanLogger, type ScanOptions, scanTarget } from './scan-target';

/**
 * Regions of one account scanned at once. Every region has its own quota, so all of them can go together; the bound
 * only caps sockets when an explicit list names many regions.
 */
const DEFAULT_REGION_CONCURRENCY = 20;

export interface ScanAccountDeps {
  /** Audit-role sessions, one per account for the whole scan (the session name carries the run id). */
  roles: RoleCredentials;
  /** Hub region and retry settings; each region's clients take that region. */
  clientConfig: Omit<ClientConfig, 'credentials' | 'calls'>;
  /** Absent: nothing stored before and nothing saved (the one-shot audit). */
  store?: SnapshotStore;
  logger?: ScanLogger;
  /** Replaces the audit-role clients of each region (tests, or credentials obtained another way). */
  openClients?: OpenTargetClients;
  /** Where the account's hosted zones go when `hostedZones` is on; absent: they are only returned. */
  zones?: ZoneStore;
  /** Where the account's probed endpoints go (and what the last probe left); absent: they are only returned. */
  endpoints?: EndpointStore;
}

export interface ScanAccountInput {
  runId: string;
  account: AccountRef;
  /** The regions to scan, or those enabled in the account (Account ListRegions). */
  regions: 'enabled' | readonly string[];
  /** The scan's time: what days to expiry and threshold crossings are computed against. */
  now: Date;
  options?: Partial<ScanOptions>;
  /** @default DEFAULT_REGION_CONCURRENCY */
  regionConcurrency?: number;
  /**
   * Called once every region is listed (or has failed), before the describes finish: a caller that bounds how many
   * accounts it opens at once can start the next one here, since what is left is paced per region, not by it.
   */
  onListed?: () => void;
  /** Also list the account's Route 53 public hosted zones (the `dns-diagnosis` feature set). @default false */
  hostedZones?: boolean;
  /**
   * Discover the endpoints of the account's in-use certificates once its regions are scanned, and probe them when
   * given a probe (the `probe` feature set). Absent: no endpoint is looked at.
   */
  probe?: ProbeAccountOptions;
  /** Called as each region's (or the whole account's) result is saved. */
  onResult?: (result: TargetResult, figures: { certificates: number; throttles: number }) => void;
  /** Regions not to list this run (clean, watched by the event path); their results are the caller's to report. */
  skipRegions?: readonly string[];
}

export interface ScanAccountOutput {
  /** One per region, or one for the whole account (region `'*'`) when it could not be opened. */
  results: TargetResult[];
  certificates: Certificate[];
  changes: Change[];
  /** Throttling answers over every region (each retried by the SDK). */
  throttles: number;
  /** The account's hosted zones, when asked for and listed. */
  zones?: AccountZones;
  /** The endpoints of its in-use certificates (and what they served), when asked for. */
  probe?: ProbeAccountOutput;
}

export async function scanAccount(deps: ScanAccountDeps, input: ScanAccountInput): Promise<ScanAccountOutput> {
  const { runId, account, now } = input;
  const calls = new CallCounter();
  const clock = performance.now();
  const named = account.name ? { accountName: account.name } : {};

  let regions: string[];
  try {
    await deps.roles.get(account.id, calls);
    regions =
      input.regions === 'enabled' ? await enabledRegions(deps, account.id, calls) : explicitRegions(input.regions);
    const skipped = new Set(input.skipRegions ?? []);
    regions = regions.filter((region) => !skipped.has(region));
  } catch (error) {
    if (!(error instanceof AwsAdapterError)) throw error;
    const result = failedTarget(
      { accountId: account.id, ...named, region: WHOLE_ACCOUNT },
      { code: error.code, message: error.message, ...(error.likelyCause ? { likelyCause: error.likelyCause } : {}) },
      { startedAt: now.toISOString(), durationMs: Math.round(performance.now() - clock), apiCalls: calls.snapshot() },
    );
    deps.logger?.warn('account cannot be scanned', {
      runId,
      accountId: account.id,
      errorCode: error.code,
      errorMessage: error.message,
    });
    await deps.store?.saveTargetScan({ runId, scannedAt: now.toISOString(), result, certificates: [], changes: [] });
    input.onListed?.();
    input.onResult?.(result, { certificates: 0, throttles: calls.throttles });
    return { results: [result], certificates: [], changes: [], throttles: calls.throttles };
  }

  // Route 53 is global: one listing per account, beside the regions' scans, on the account's session.
  const zones = input.hostedZones ? listAccountZones(deps, { runId, account, now, calls }) : undefined;
  const openClients = deps.openClients ?? auditRoleClients(deps.roles, deps.clientConfig);
  const options: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, ...input.options };
  const limit = pLimit(input.regionConcurrency ?? DEFAULT_REGION_CONCURRENCY);
  const listings: Array<Promise<void>> = [];
  const scans = Promise.all(
    regions.map((region) => {
      let listed!: () => void;
      listings.push(new Promise<void>((resolve) => (listed = resolve)));
      return limit(async () => {
        const target: Target = { accountId: account.id, ...named, region };
        try {
          const scan = await scanRegion(deps, { runId, target, now, options, openClients, onListed: listed });
          input.onResult?.(scan.result, { certificates: scan.certificates.length, throttles: scan.throttles });
          return scan;
        } finally {
          listed();
        }
      });
    }),
  );
  void Promise.all(listings).then(() => input.onListed?.());
  const scanned = await scans;
  const listed = await zones;
  // Before the summary, so discovery's calls are counted with the account's own (role, regions).
  const probed = input.probe
    ? await probeScanned(deps, { ...input, certificates: scanned.flatMap((scan) => scan.certificates), calls })
    : undefined;
  const summary = summarize(scanned, calls);
  return { ...summary, ...(listed ? { zones: listed } : {}), ...(probed ? { probe: probed } : {}) };
}

/** Time kept, besides one probe's timeout, for saving an account's endpoints when its invocation runs short. */
const PROBE_SAFETY_MARGIN_MS = 30_000;

/** Discovery reads with the account's session; its calls are counted with the account's own (role, regions). */
async function probeScanned(
  deps: ScanAccountDeps,
  input: ScanAccountInput & { certificates: Certificate[]; calls: CallCounter },
): Promise<ProbeAccountOutput> {
  const clients = accountDiscoveryClients(deps.roles, input.account.id, deps.clientConfig, input.calls);
  try {
    const probe = input.probe as ProbeAccountOptions;
    const deadline = input.options?.deadlineMs;
    // A probe started must be able to time out and its results be saved before the invocation ends.
    const reserveMs =
      (input.options?.safetyMarginMs ?? PROBE_SAFETY_MARGIN_MS) + (probe.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
    const probed = await probeAccount(clients, input.certificates, {
      ...probe,
      ...(deadline ? { outOfTime: () => deadline() < reserveMs } : {}),
      now: input.now,
    });
    if (probed.results === undefined) return probed;
    // What was served before and how many runs each endpoint was unreachable come from the last stored probe.
    const previous = await deps.endpoints?.loadEndpoints(input.account.id);
    const { endpoints, changes } = advanceEndpoints(previous?.endpoints ?? [], probed.results);
    await deps.endpoints?.saveEndpoints({
      accountId: input.account.id,
      ...(input.account.name ? { accountName: input.account.name } : {}),
      runId: input.runId,
      probedAt: input.now.toISOString(),
      endpoints,
      changes,
    });
    return { ...probed, stored: endpoints, changes };
  } finally {
    clients.close();
  }
}

function summarize(
  scans: Array<{ result: TargetResult; certificates: Certificate[]; changes: Change[]; throttles: number }>,
  calls: CallCounter,
): ScanAccountOutput {
  const results = scans.map((scan) => scan.result);
  // The role and the region listing are the account's calls; they are counted on its first region.
  const [first] = results;
  if (first) first.apiCalls = mergeCounts(first.apiCalls, calls.snapshot());
  return {
    results,
    certificates: scans.flatMap((scan) => scan.certificates),
    changes: scans.flatMap((scan) => scan.changes),
    throttles: calls.throttles + scans.reduce((sum, scan) => sum + scan.throttles, 0),
  };
}

async function enabledRegions(deps: ScanAccountDeps, accountId: string, calls: CallCounter): Promise<string[]> {
  const client = createAccountClient({
    ...deps.clientConfig,
    credentials: deps.roles.provider(accountId, calls),
    calls,
  });
  try {
    return await listEnabledRegions(client, accountId);
  } finally {
    client.destroy();
  }
}

/** One region; a failure the scan did not expect (a bug, a store that cannot be read) is that region's error. */
async function scanRegion(
  deps: ScanAccountDeps,
  input: {
    runId: string;
    target: Target;
    now: Date;
    options: ScanOptions;
    openClients: OpenTargetClients;
    onListed: () => void;
  },
): Promise<{ result: TargetResult; certificates: Certificate[]; changes: Change[]; throttles: number }> {
  const { runId, target, now } = input;
  const clock = performance.now();
  try {
    return await scanTarget(
      {
        openClients: input.openClients,
        ...(deps.store ? { store: deps.store } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      },
      { runId, target, now, options: input.options, onListed: input.onListed },
    );
  } catch (error) {
    const result = failedTarget(
      target,
      { code: awsErrorCode(error, SCAN_FAILED), message: awsErrorMessage(error) },
      { startedAt: now.toISOString(), durationMs: Math.round(performance.now() - clock) },
    );
    deps.logger?.warn('region scan failed unexpectedly', {
      runId,
      accountId: target.accountId,
      region: target.region,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
    });
    // If the store cannot take even this, the error goes to the caller (the Map child's Catch records it).
    await deps.store?.saveTargetScan({ runId, scannedAt: now.toISOString(), result, certificates: [], changes: [] });
    return { result, certificates: [], changes: [], throttles: 0 };
  }
}

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const merged = { ...a };
  for (const [key, value] of Object.entries(b)) merged[key] = (merged[key] ?? 0) + value;
  return merged;
}
