/**
 * The probe's part of one account's scan (the `probe` feature set): with the account's audit-role session, discover
 * the endpoints of its in-use certificates, then probe them from here. It runs in the per-account child because that
 * child already holds the role (no second AssumeRole, no second function with discovery rights) and runs accounts in
 * parallel, so an organization's probes are spread over the Map like its scans.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CallCounter } from '../aws/call-counter';
import { type ClientConfig, createApiGatewayClient, createCloudFrontClient, createElbv2Client } from '../aws/clients';
import type { RoleCredentials } from '../aws/credentials';
import type { ProbedCertificate } from '../core/probe/discovery';
import type { EndpointChange, StoredEndpoint } from '../core/probe/history';
import type { Endpoint, EndpointResult } from '../core/probe/model';
import { probeEndpoints } from '../net/probe-endpoints';
import type { ProbeEndpoint } from '../net/tls-probe';
import { type DiscoveryClients, discoverEndpoints } from './discover-endpoints';

export interface ProbeAccountOptions {
  /** Absent: discovery only (the endpoints are returned, nothing is probed). */
  probe?: ProbeEndpoint;
  expiryDays: number;
  /** Probes in flight at once in this account. */
  concurrency?: number;
  /** One probe's timeout, to keep that much time in hand. @default DEFAULT_PROBE_TIMEOUT_MS */
  timeoutMs?: number;
  /** True when there is no time left to start another probe (the child's Lambda near its timeout). */
  outOfTime?: () => boolean;
}

export interface ProbeAccountOutput {
  endpoints: Endpoint[];
  /** Present when probed. */
  results?: EndpointResult[];
  /** Present when probed: the results with what is remembered of each (what was served, unreachable runs). */
  stored?: StoredEndpoint[];
  /** Served certificates that changed since the last stored probe. */
  changes?: EndpointChange[];
}

/** Discovery clients on the account's session, one per service and region, closed by `close`. */
export function accountDiscoveryClients(
  roles: RoleCredentials,
  accountId: string,
  config: Omit<ClientConfig, 'credentials' | 'calls' | 'region'> & { region: string },
  calls: CallCounter,
): DiscoveryClients & { close(): void } {
  const base = { ...config, credentials: roles.provider(accountId, calls), calls };
  const elbv2 = new Map<string, ElasticLoadBalancingV2Client>();
  const apigateway = new Map<string, APIGatewayClient>();
  let cloudfront: ReturnType<typeof createCloudFrontClient> | undefined;
  const cached = <C>(map: Map<string, C>, region: string, make: () => C): C => {
    let client = map.get(region);
    if (client === undefined) {
      client = make();
      map.set(region, client);
    }
    return client;
  };
  return {
    elbv2: (region) => cached(elbv2, region, () => createElbv2Client({ ...base, region })),
    apigateway: (region) => cached(apigateway, region, () => createApiGatewayClient({ ...base, region })),
    cloudfront: () => {
      cloudfront ??= createCloudFrontClient(base);
      return cloudfront;
    },
    close: () => {
      for (const client of [...elbv2.values(), ...apigateway.values(), ...(cloudfront ? [cloudfront] : [])]) {
        client.destroy();
      }
    },
  };
}

export async function probeAccount(
  clients: DiscoveryClients,
  certificates: readonly ProbedCertificate[],
  opts: ProbeAccountOptions & { now: Date },
): Promise<ProbeAccountOutput> {
  const endpoints = await discoverEndpoints(clients, certificates);
  if (opts.probe === undefined) return { endpoints };
  const results = await probeEndpoints(opts.probe, endpoints, {
    now: opts.now,
    expiryDays: opts.expiryDays,
    ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
    ...(opts.outOfTime ? { outOfTime: opts.outOfTime } : {}),
  });
  return { endpoints, results };
}
