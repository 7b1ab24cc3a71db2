/**
 * The user's own endpoints (`--endpoints FILE`, the stack's list), probed once per run at its completion: they belong
 * to no account, so no per-account scan probes them. Stored like an account's, under FILE_ENDPOINTS_OWNER, so they
 * get the same change detection, unreachable-run counting and incidents.
 */
import type { EndpointStore } from '../core/ports';
import { advanceEndpoints, FILE_ENDPOINTS_OWNER, type StoredEndpoint } from '../core/probe/history';
import type { Endpoint } from '../core/probe/model';
import { probeEndpoints } from '../net/probe-endpoints';
import type { ProbeEndpoint } from '../net/tls-probe';

export async function probeFileEndpoints(
  deps: { probe: ProbeEndpoint; store: EndpointStore },
  input: { runId: string; now: Date; endpoints: readonly Endpoint[]; expiryDays: number; concurrency?: number },
): Promise<StoredEndpoint[]> {
  const results = await probeEndpoints(deps.probe, input.endpoints, {
    now: input.now,
    expiryDays: input.expiryDays,
    ...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
  });
  const previous = await deps.store.loadEndpoints(FILE_ENDPOINTS_OWNER);
  const { endpoints, changes } = advanceEndpoints(previous?.endpoints ?? [], results);
  await deps.store.saveEndpoints({
    accountId: FILE_ENDPOINTS_OWNER,
    runId: input.runId,
    probedAt: input.now.toISOString(),
    endpoints,
    changes,
  });
  return endpoints;
}
