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
  const endpoints = acrossAccounts(thisRun.flatMap((owner) => owner.endpoints));
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

/**
 * Each account's scan judges a name against its own certificates only. A name two accounts hold certificates for
 * serves one of them at a time (blue/green across accounts, a migration): serving another account's certificate for
 * it is not "DNS points somewhere else". So a name's SERVED_MISMATCH stands only when what it serves is none of the
 * organization's certificates for that name.
 */
export function acrossAccounts(endpoints: readonly StoredEndpoint[]): StoredEndpoint[] {
  const serialsByName = new Map<string, Set<string>>();
  for (const endpoint of endpoints) {
    if (endpoint.source !== 'domain') continue;
    const serials = serialsByName.get(endpoint.sni) ?? new Set<string>();
    for (const serial of endpoint.expectedSerials) serials.add(serial);
    serialsByName.set(endpoint.sni, serials);
  }
  return endpoints.map((endpoint) => {
    const served = endpoint.served?.serial;
    if (endpoint.source !== 'domain' || served === undefined || !endpoint.findings.includes('SERVED_MISMATCH')) {
      return endpoint;
    }
    if (!serialsByName.get(endpoint.sni)?.has(served)) return endpoint;
    const findings = endpoint.findings.filter((finding) => finding !== 'SERVED_MISMATCH');
    return { ...endpoint, findings, status: findings.length > 0 ? 'finding' : 'ok' };
  });
}
