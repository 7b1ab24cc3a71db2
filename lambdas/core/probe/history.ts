/**
 * What the monitor remembers of each endpoint between runs, and what changed: the served certificate (a new
 * fingerprint is "the served certificate changed", whether a renewal picked up or a certificate swapped by hand), and
 * how many runs in a row the endpoint could not be reached (an unreachable probe can be the network; only one that
 * persists pages). Pure, so the per-account scan and the tests compute it the same way.
 */
import { type EndpointResult, endpointKey, type ServedCertificate } from './model';

export interface StoredEndpoint extends EndpointResult {
  /** Consecutive runs, this one included, that could not reach the endpoint; 0 when this run reached it. */
  unreachableRuns: number;
  /** The last certificate the endpoint served, kept through runs that could not reach it. */
  lastServed?: ServedCertificate;
}

/** One account's endpoints as its last probe left them (or the user's endpoints, under FILE_ENDPOINTS_OWNER). */
export interface AccountEndpoints {
  /** The account id, or FILE_ENDPOINTS_OWNER. */
  accountId: string;
  /** The run whose probe this is: the completion reports only this run's, and resolves incidents only from them. */
  runId: string;
  accountName?: string;
  probedAt: string;
  endpoints: StoredEndpoint[];
  /** What this probe saw change since the one before (kept so the run's completion can list it). */
  changes?: EndpointChange[];
}

/** The owner under which the user's own endpoints (`--endpoints`, the stack's list) are stored. */
export const FILE_ENDPOINTS_OWNER = 'file';

export interface EndpointChange {
  type: 'SERVED_CHANGED';
  /** endpointIdentity of the endpoint. */
  identity: string;
  host: string;
  port: number;
  sni: string;
  source: EndpointResult['source'];
  certificateArn?: string;
  accountId?: string;
  region?: string;
  /** Serials before and after. */
  before: string;
  after: string;
  summary: string;
}

/**
 * An endpoint across runs: the same address, name and source, for the same certificate (two certificates on one
 * listener are two endpoints even when they share a name).
 */
export function endpointIdentity(
  endpoint: Pick<EndpointResult, 'source' | 'host' | 'port' | 'sni' | 'certificateArn'>,
): string {
  return `${endpointKey(endpoint)}|${endpoint.certificateArn ?? ''}`;
}

/** This run's results with what is remembered of each, and the served certificates that changed since the last run. */
export function advanceEndpoints(
  previous: readonly StoredEndpoint[],
  current: readonly EndpointResult[],
): { endpoints: StoredEndpoint[]; changes: EndpointChange[] } {
  const before = new Map(previous.map((endpoint) => [endpointIdentity(endpoint), endpoint]));
  const changes: EndpointChange[] = [];
  const endpoints = current.map((result): StoredEndpoint => {
    const identity = endpointIdentity(result);
    const prev = before.get(identity);
    const lastServed = result.served ?? prev?.lastServed;
    const old = prev?.lastServed;
    if (result.served && old && old.fingerprintSha256 !== result.served.fingerprintSha256) {
      changes.push({
        type: 'SERVED_CHANGED',
        identity,
        host: result.host,
        port: result.port,
        sni: result.sni,
        source: result.source,
        ...(result.certificateArn ? { certificateArn: result.certificateArn } : {}),
        ...(result.accountId ? { accountId: result.accountId } : {}),
        ...(result.region ? { region: result.region } : {}),
        before: old.serial,
        after: result.served.serial,
        summary: `served certificate changed: serial ${old.serial} → ${result.served.serial}, expires ${result.served.notAfter.slice(0, 10)}`,
      });
    }
    return {
      ...result,
      unreachableRuns: result.status === 'unreachable' ? (prev?.unreachableRuns ?? 0) + 1 : 0,
      ...(lastServed ? { lastServed } : {}),
    };
  });
  return { endpoints, changes };
}
