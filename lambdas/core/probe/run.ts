/**
 * The probe's part of a run's completion, shared by FinalizeRun and the CLI: from every owner's stored probe, this
 * run's endpoints (the report and the digest show only what this run probed), what changed, what this run covered
 * (which incidents it may resolve) and the endpoint incidents present now.
 */
import type { Incident } from '../notices';
import type { AccountEndpoints, EndpointChange, StoredEndpoint } from './history';
import {
  detectEndpointIncidents,
  type EndpointCoverage,
  type EndpointIncidentOptions,
  endpointCoverage,
} from './incidents';

export interface RunEndpoints {
  endpoints: StoredEndpoint[];
  changes: EndpointChange[];
  coverage: EndpointCoverage;
  incidents: Incident[];
}

export function runEndpoints(
  owners: readonly AccountEndpoints[],
  runId: string,
  opts: EndpointIncidentOptions,
): RunEndpoints {
  const thisRun = owners.filter((owner) => owner.runId === runId);
  const names = new Map(thisRun.flatMap((owner) => (owner.accountName ? [[owner.accountId, owner.accountName]] : [])));
  const endpoints = thisRun.flatMap((owner) => owner.endpoints);
  const incidents = detectEndpointIncidents(endpoints, opts).map((incident) => {
    const name = names.get(incident.accountId);
    return name === undefined ? incident : { ...incident, accountName: name };
  });
  return {
    endpoints,
    changes: thisRun.flatMap((owner) => owner.changes ?? []),
    coverage: endpointCoverage(thisRun.map((owner) => ({ owner: owner.accountId, endpoints: owner.endpoints }))),
    incidents,
  };
}
