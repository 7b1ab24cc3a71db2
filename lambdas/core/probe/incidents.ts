/**
 * Which endpoint problems page on-call, as incidents like the certificates' (core/alerting/incidents.ts). One
 * endpoint yields at most one incident at a time, the most serious, so one problem never pages twice:
 *
 * - ENDPOINT_MISMATCH: the endpoint serves another certificate than its ACM one, or one that does not cover the
 *   name (SERVED_MISMATCH, HOSTNAME_MISMATCH), whatever its expiry: ACM's view is wrong, nothing else will say so;
 * - ENDPOINT_EXPIRED / ENDPOINT_EXPIRING (within `expiringDays`, 7 by default): the served certificate lapses, for
 *   an endpoint that is not already covered by its ACM certificate's own incident (a serial that matches ACM's is
 *   ACM's certificate: EXPIRED_IN_USE and EXPIRING_IN_USE page for it), i.e. a user's endpoint outside ACM;
 * - ENDPOINT_UNREACHABLE: only once the endpoint has failed `unreachableRuns` runs in a row (3 by default): a probe
 *   can fail for the network between the hub and the endpoint, and the digest lists every failure meanwhile.
 *
 * CHAIN_INCOMPLETE alone never pages (browsers fetch intermediates; the digest and the report list it).
 * Escalation (expiring → expired, a mismatch appearing) changes the kind; the planner closes the earlier incident of
 * the same certificate's endpoints silently through `subject` and opens the new one.
 */

import { daysToExpiry } from '../findings';
import type { Incident, IncidentKind } from '../notices';
import { endpointIdentity, type StoredEndpoint } from './history';

export const DEFAULT_ENDPOINT_EXPIRING_DAYS = 7;
export const DEFAULT_UNREACHABLE_RUNS = 3;

export interface EndpointIncidentOptions {
  now: Date;
  /** @default DEFAULT_ENDPOINT_EXPIRING_DAYS */
  expiringDays?: number;
  /** @default DEFAULT_UNREACHABLE_RUNS */
  unreachableRuns?: number;
}

export function endpointIncidentKey(kind: IncidentKind, identity: string): string {
  return `${kind}#${identity}`;
}

function kindOf(endpoint: StoredEndpoint, opts: Required<EndpointIncidentOptions>): IncidentKind | undefined {
  const findings = new Set(endpoint.findings);
  if (findings.has('SERVED_MISMATCH') || findings.has('HOSTNAME_MISMATCH')) return 'ENDPOINT_MISMATCH';
  // A certificate ACM holds and the endpoint serves as it should: its own incidents cover its expiry.
  const outsideAcm = endpoint.expectedSerials.length === 0;
  if (outsideAcm && findings.has('SERVED_EXPIRED')) return 'ENDPOINT_EXPIRED';
  if (outsideAcm && endpoint.served) {
    const days = daysToExpiry(endpoint.served, opts.now);
    if (days !== undefined && days <= opts.expiringDays) return 'ENDPOINT_EXPIRING';
  }
  if (endpoint.status === 'unreachable' && endpoint.unreachableRuns >= opts.unreachableRuns) {
    return 'ENDPOINT_UNREACHABLE';
  }
  return undefined;
}

/** Every endpoint incident present now, sorted by key. */
/** Endpoints an incident names besides its first; the rest are counted. */
export const INCIDENT_ENDPOINTS_CAP = 10;

/**
 * Every endpoint incident present now, sorted by key. The endpoints of one certificate with the same problem are one
 * incident (a renewal a load balancer did not pick up shows on its listener and on every name pointing at it: one
 * page, naming them all); a user's endpoint, which has no certificate in ACM, is one incident on its own.
 */
export function detectEndpointIncidents(
  endpoints: readonly StoredEndpoint[],
  options: EndpointIncidentOptions,
): Incident[] {
  const opts: Required<EndpointIncidentOptions> = {
    now: options.now,
    expiringDays: options.expiringDays ?? DEFAULT_ENDPOINT_EXPIRING_DAYS,
    unreachableRuns: options.unreachableRuns ?? DEFAULT_UNREACHABLE_RUNS,
  };
  const groups = new Map<string, { kind: IncidentKind; members: StoredEndpoint[] }>();
  for (const endpoint of [...endpoints].sort((a, b) => compare(endpointIdentity(a), endpointIdentity(b)))) {
    const kind = kindOf(endpoint, opts);
    if (kind === undefined) continue;
    const key = endpointIncidentKey(kind, endpoint.certificateArn ?? endpointIdentity(endpoint));
    const group = groups.get(key) ?? { kind, members: [] };
    group.members.push(endpoint);
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([key, { kind, members }]) => incidentOf(key, kind, members, opts.now))
    .sort((a, b) => compare(a.key, b.key));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function incidentOf(key: string, kind: IncidentKind, members: StoredEndpoint[], now: Date): Incident {
  const [endpoint, ...others] = members as [StoredEndpoint, ...StoredEndpoint[]];
  const days = members
    .flatMap((member) => (member.served ? [daysToExpiry(member.served, now)] : []))
    .filter((value): value is number => value !== undefined);
  const soonest = days.length > 0 ? Math.min(...days) : undefined;
  const owner = endpoint.certificateArn ?? endpointIdentity(endpoint);
  return {
    key,
    kind,
    // Mismatch, expired and expiring are one problem escalating; unreachable is another, kept apart.
    subject: `${kind === 'ENDPOINT_UNREACHABLE' ? 'reach' : 'served'}#${owner}`,
    accountId: endpoint.accountId ?? '',
    region: endpoint.region ?? '',
    endpoint: {
      host: endpoint.host,
      port: endpoint.port,
      sni: endpoint.sni,
      source: endpoint.source,
      ...(endpoint.resourceArn ? { resourceArn: endpoint.resourceArn } : {}),
      ...(endpoint.served ? { served: endpoint.served } : {}),
      expectedSerials: [...endpoint.expectedSerials],
      findings: [...endpoint.findings],
      ...(endpoint.error ? { error: endpoint.error } : {}),
      unreachableRuns: endpoint.unreachableRuns,
    },
    endpointIdentities: members.map(endpointIdentity),
    ...(others.length > 0
      ? {
          otherEndpoints: others
            .slice(0, INCIDENT_ENDPOINTS_CAP)
            .map((other) => ({ host: other.host, port: other.port, sni: other.sni, source: other.source })),
        }
      : {}),
    ...(endpoint.certificateArn ? { certificateArn: endpoint.certificateArn } : {}),
    domainName: endpoint.sni,
    ...(endpoint.served ? { notAfter: endpoint.served.notAfter } : {}),
    // Reminders follow the served certificates' soonest expiry; an unreachable endpoint has none to count down.
    ...(soonest !== undefined && kind !== 'ENDPOINT_UNREACHABLE' ? { daysToExpiry: soonest } : {}),
  };
}

/** What this run knows about the endpoints: which it reached, and which accounts (or the user's list) it probed. */
export interface EndpointCoverage {
  /** endpointIdentity of every endpoint this run probed and got a certificate from (status ok or finding). */
  reached: ReadonlySet<string>;
  /** endpointIdentity of every endpoint this run listed, reached or not. */
  listed: ReadonlySet<string>;
  /** Owners (account ids, or FILE_ENDPOINTS_OWNER) whose endpoints this run discovered and probed. */
  probedOwners: ReadonlySet<string>;
}

/**
 * An endpoint incident resolves when this run reached the endpoint and the problem is gone, or when the endpoint is
 * no longer among its owner's endpoints although its owner was probed (the resource was detached or deleted). An
 * endpoint this run listed and could not reach proves nothing about a mismatch or an expiry: it stays open.
 */
export function canResolveEndpointIncident(incident: Incident, coverage: EndpointCoverage, owner: string): boolean {
  const identities = incident.endpointIdentities ?? [];
  if (identities.length === 0) return false;
  return identities.every((identity) => {
    if (coverage.reached.has(identity)) return true;
    if (incident.kind === 'ENDPOINT_UNREACHABLE') return !coverage.listed.has(identity);
    return coverage.probedOwners.has(owner) && !coverage.listed.has(identity);
  });
}

export function endpointCoverage(
  runs: ReadonlyArray<{ owner: string; endpoints: readonly StoredEndpoint[] }>,
): EndpointCoverage {
  const reached = new Set<string>();
  const listed = new Set<string>();
  for (const run of runs) {
    for (const endpoint of run.endpoints) {
      const identity = endpointIdentity(endpoint);
      listed.add(identity);
      if (endpoint.status === 'ok' || endpoint.status === 'finding') reached.add(identity);
    }
  }
  return { reached, listed, probedOwners: new Set(runs.map((run) => run.owner)) };
}
