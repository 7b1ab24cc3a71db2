/**
 * Endpoint discovery for one account, shared by the pipeline's per-account child and the CLI: plan from the account's
 * in-use certificates (core/probe/discovery.ts), read the load balancers, distributions and API Gateway domain names
 * they are in use by with the audit role, and turn what was read into endpoints. A resource that cannot be read is
 * an endpoint skipped with the reason (and the AWS error), never a failed account: the certificates were scanned.
 */
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import type { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import { getApiDomainView } from '../aws/apigateway';
import { getDistributionView } from '../aws/cloudfront';
import { describeLoadBalancerViews } from '../aws/elbv2';
import { awsErrorMessage } from '../aws/errors';
import {
  apiDomainEndpoints,
  byArn,
  dedupe,
  distributionEndpoints,
  type LoadBalancerView,
  loadBalancerEndpoints,
  type ProbedCertificate,
  planDiscovery,
  SKIP_REASONS,
} from '../core/probe/discovery';
import type { Endpoint } from '../core/probe/model';

/** The clients discovery reads with, all holding the account's audit-role credentials. */
export interface DiscoveryClients {
  elbv2(region: string): ElasticLoadBalancingV2Client;
  cloudfront(): CloudFrontClient;
  apigateway(region: string): APIGatewayClient;
}

/** Lookups in flight at once in one account (its quotas are per account and region; a few at a time stays far under). */
const LOOKUP_CONCURRENCY = 4;

function failed(endpoints: Endpoint[], error: unknown): Endpoint[] {
  return endpoints.map((endpoint) => ({
    ...endpoint,
    skippedReason: `${SKIP_REASONS.lookupFailed}: ${awsErrorMessage(error)}`,
  }));
}

/**
 * Every endpoint of these certificates (one account's), the user's endpoints among them when given: those to probe,
 * and those skipped with the reason.
 */
export async function discoverEndpoints(
  clients: DiscoveryClients,
  certificates: readonly ProbedCertificate[],
  fileEndpoints: readonly Endpoint[] = [],
): Promise<Endpoint[]> {
  const plan = planDiscovery(certificates, fileEndpoints);
  const certs = byArn(certificates);
  const limit = pLimit(LOOKUP_CONCURRENCY);
  const byRegion = new Map<string, typeof plan.loadBalancers>();
  for (const lookup of plan.loadBalancers) {
    const key = `${lookup.accountId}|${lookup.region}`;
    byRegion.set(key, [...(byRegion.get(key) ?? []), lookup]);
  }
  const groups = await Promise.all([
    ...[...byRegion.values()].map((lookups) =>
      limit(async () => {
        const [first] = lookups as [(typeof lookups)[number]];
        const scope = { accountId: first.accountId, region: first.region };
        const expected = lookups.flatMap((lookup) => loadBalancerEndpoints(lookup, undefined, certs));
        try {
          const views = new Map<string, LoadBalancerView>(
            (
              await describeLoadBalancerViews(
                clients.elbv2(first.region),
                scope,
                lookups.map((lookup) => lookup.arn),
              )
            ).map((view) => [view.arn, view]),
          );
          return lookups.flatMap((lookup) => loadBalancerEndpoints(lookup, views.get(lookup.arn), certs));
        } catch (error) {
          return failed(expected, error);
        }
      }),
    ),
    ...plan.distributions.map((lookup) =>
      limit(async () => {
        try {
          const view = await getDistributionView(clients.cloudfront(), lookup.accountId, lookup.id);
          return distributionEndpoints(lookup, view, certs);
        } catch (error) {
          return failed(distributionEndpoints(lookup, undefined, certs), error);
        }
      }),
    ),
    ...plan.apiDomains.map((lookup) =>
      limit(async () => {
        try {
          const view = await getApiDomainView(
            clients.apigateway(lookup.region),
            { accountId: lookup.accountId, region: lookup.region },
            lookup.domainName,
          );
          return apiDomainEndpoints(lookup, view, certs);
        } catch (error) {
          return failed(apiDomainEndpoints(lookup, undefined, certs), error);
        }
      }),
    ),
  ]);
  return dedupe([...groups.flat(), ...plan.endpoints]);
}
