/**
 * The probe's part of a run's completion, for FinalizeRun and the CLI alike: probe the user's own endpoints (they
 * belong to no account, so no per-account scan did), then read back every owner's stored probe and keep this run's:
 * the endpoints and changes the report and the digest show, the endpoint incidents to plan with the certificates',
 * and what this run covered, so the planner resolves only what this run could see.
 */
import type { EndpointStore } from '../core/ports';
import type { Endpoint } from '../core/probe/model';
import { type RunEndpoints, runEndpoints } from '../core/probe/run';
import type { ProbeEndpoint } from '../net/tls-probe';
import { probeFileEndpoints } from './probe-file-endpoints';

export interface CompleteEndpointsDeps {
  store: EndpointStore;
  /** Needed only when there are user endpoints to probe. */
  probe?: ProbeEndpoint;
}

export interface CompleteEndpointsInput {
  runId: string;
  now: Date;
  expiryDays: number;
  /** The user's endpoints (`--endpoints`, the stack's list); none: nothing to probe here. */
  fileEndpoints?: readonly Endpoint[];
  concurrency?: number;
}

export async function completeEndpoints(
  deps: CompleteEndpointsDeps,
  input: CompleteEndpointsInput,
): Promise<RunEndpoints> {
  const fileEndpoints = input.fileEndpoints ?? [];
  if (fileEndpoints.length > 0) {
    if (deps.probe === undefined) throw new Error('user endpoints are configured but no probe was built to probe them');
    await probeFileEndpoints(
      { probe: deps.probe, store: deps.store },
      {
        runId: input.runId,
        now: input.now,
        endpoints: fileEndpoints,
        expiryDays: input.expiryDays,
        ...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
      },
    );
  }
  return runEndpoints(await deps.store.loadAllEndpoints(), input.runId, { now: input.now });
}
