/**
 * Probing a list of endpoints, shared by the per-account child, the run's completion (the user's endpoints) and the
 * CLI: every endpoint not skipped is probed, at most `concurrency` at once, each bounded by the probe's own timeout,
 * and assessed by the probe rules. The order of the answer is the order of the endpoints given.
 */
import pLimit from 'p-limit';
import { SKIP_REASONS } from '../core/probe/discovery';
import { assessEndpoint, skippedResult } from '../core/probe/findings';
import type { Endpoint, EndpointResult } from '../core/probe/model';
import { DEFAULT_PROBE_CONCURRENCY, type ProbeEndpoint } from './tls-probe';

export interface ProbeEndpointsOptions {
  /** What "now" is for expiry: the run's time. */
  now: Date;
  expiryDays: number;
  /** @default DEFAULT_PROBE_CONCURRENCY */
  concurrency?: number;
  /**
   * Asked before each probe starts: true when the caller has no time left for one more (a Lambda near its timeout).
   * The endpoints not started are reported skipped, never as unreachable. Absent: every endpoint is probed.
   */
  outOfTime?: () => boolean;
}

export async function probeEndpoints(
  probe: ProbeEndpoint,
  endpoints: readonly Endpoint[],
  opts: ProbeEndpointsOptions,
): Promise<EndpointResult[]> {
  const limit = pLimit(opts.concurrency ?? DEFAULT_PROBE_CONCURRENCY);
  const ctx = { now: opts.now, expiryDays: opts.expiryDays };
  return Promise.all(
    endpoints.map((endpoint) =>
      endpoint.skippedReason !== undefined
        ? Promise.resolve(skippedResult(endpoint))
        : limit(async () =>
            opts.outOfTime?.() === true
              ? skippedResult({ ...endpoint, skippedReason: SKIP_REASONS.outOfTime })
              : assessEndpoint(endpoint, await probe(endpoint), ctx),
          ),
    ),
  );
}
