/**
 * The load balancers (ALB, NLB) that ACM lists in a certificate's InUseBy, as the probe's discovery needs them: DNS
 * name and scheme (DescribeLoadBalancers), the HTTPS and TLS listeners and their ports (DescribeListeners), and the
 * default and SNI certificates of each (DescribeListenerCertificates, since DescribeListeners shows only the default).
 * Every call pages with Marker. A load balancer deleted since ACM listed it is absent from the answer, not an error.
 */
import {
  DescribeListenerCertificatesCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { adapterCause } from '../core/failures';
import type { LoadBalancerView } from '../core/probe/discovery';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** What the audit role must allow for this adapter (the `probe` feature set). */
export const ELBV2_ACTIONS = [
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeListenerCertificates',
] as const;

/** DescribeLoadBalancers takes at most 20 ARNs a call. */
const ARNS_PER_CALL = 20;
const PAGE_SIZE = 400;
const TLS_PROTOCOLS = new Set(['HTTPS', 'TLS']);

export class LoadBalancerLookupError extends AwsAdapterError {
  constructor(accountId: string, region: string, operation: string, error: unknown) {
    const code = awsErrorCode(error);
    super(`cannot read load balancers in ${accountId}/${region} (${code}: ${awsErrorMessage(error)})`, {
      accountId,
      region,
      code,
      operation: `ELBv2.${operation}`,
      ...withCause(adapterCause(code, `elasticloadbalancing:${operation}`, awsErrorMessage(error))),
      cause: error,
    });
  }
}

async function call<T>(scope: { accountId: string; region: string }, operation: string, send: () => Promise<T>) {
  try {
    return await send();
  } catch (error) {
    throw new LoadBalancerLookupError(scope.accountId, scope.region, operation, error);
  }
}

function isNotFound(error: unknown): boolean {
  const code = awsErrorCode(error instanceof AwsAdapterError ? error.cause : error);
  return code === 'LoadBalancerNotFoundException' || code === 'LoadBalancerNotFound';
}

async function describeBatch(
  client: ElasticLoadBalancingV2Client,
  scope: { accountId: string; region: string },
  arns: string[],
): Promise<LoadBalancer[]> {
  const found: LoadBalancer[] = [];
  let marker: string | undefined;
  do {
    const page = await call(scope, 'DescribeLoadBalancers', () =>
      client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: arns, PageSize: PAGE_SIZE, Marker: marker })),
    );
    found.push(...(page.LoadBalancers ?? []));
    marker = page.NextMarker || undefined;
  } while (marker);
  return found;
}

/** One call answers for up to 20 ARNs, but fails whole when one is gone: then each ARN is asked alone. */
async function describeLoadBalancers(
  client: ElasticLoadBalancingV2Client,
  scope: { accountId: string; region: string },
  arns: readonly string[],
): Promise<LoadBalancer[]> {
  const out: LoadBalancer[] = [];
  for (let i = 0; i < arns.length; i += ARNS_PER_CALL) {
    const batch = arns.slice(i, i + ARNS_PER_CALL);
    try {
      out.push(...(await describeBatch(client, scope, batch)));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      for (const arn of batch) {
        try {
          out.push(...(await describeBatch(client, scope, [arn])));
        } catch (single) {
          if (!isNotFound(single)) throw single;
        }
      }
    }
  }
  return out;
}

async function listeners(
  client: ElasticLoadBalancingV2Client,
  scope: { accountId: string; region: string },
  arn: string,
): Promise<Listener[]> {
  const out: Listener[] = [];
  let marker: string | undefined;
  do {
    const page = await call(scope, 'DescribeListeners', () =>
      client.send(new DescribeListenersCommand({ LoadBalancerArn: arn, PageSize: PAGE_SIZE, Marker: marker })),
    );
    out.push(...(page.Listeners ?? []));
    marker = page.NextMarker || undefined;
  } while (marker);
  return out;
}

async function listenerCertificates(
  client: ElasticLoadBalancingV2Client,
  scope: { accountId: string; region: string },
  listenerArn: string,
): Promise<Array<{ arn: string; isDefault: boolean }>> {
  const out: Array<{ arn: string; isDefault: boolean }> = [];
  let marker: string | undefined;
  do {
    const page = await call(scope, 'DescribeListenerCertificates', () =>
      client.send(
        new DescribeListenerCertificatesCommand({ ListenerArn: listenerArn, PageSize: PAGE_SIZE, Marker: marker }),
      ),
    );
    for (const cert of page.Certificates ?? []) {
      if (cert.CertificateArn) out.push({ arn: cert.CertificateArn, isDefault: cert.IsDefault === true });
    }
    marker = page.NextMarker || undefined;
  } while (marker);
  return out;
}

/**
 * The load balancers of one account-region with their TLS listeners and certificates; ARNs that no longer exist
 * are left out of the answer.
 */
export async function describeLoadBalancerViews(
  client: ElasticLoadBalancingV2Client,
  scope: { accountId: string; region: string },
  arns: readonly string[],
): Promise<LoadBalancerView[]> {
  const views: LoadBalancerView[] = [];
  for (const lb of await describeLoadBalancers(client, scope, arns)) {
    if (!lb.LoadBalancerArn || !lb.DNSName) continue;
    const tls = (await listeners(client, scope, lb.LoadBalancerArn)).filter(
      (listener) => listener.ListenerArn && TLS_PROTOCOLS.has(listener.Protocol ?? ''),
    );
    const listenerViews: LoadBalancerView['listeners'] = [];
    for (const listener of tls) {
      listenerViews.push({
        arn: listener.ListenerArn as string,
        port: listener.Port ?? 443,
        protocol: listener.Protocol as string,
        certificates: await listenerCertificates(client, scope, listener.ListenerArn as string),
      });
    }
    views.push({
      arn: lb.LoadBalancerArn,
      dnsName: lb.DNSName.toLowerCase(),
      scheme: lb.Scheme === 'internal' ? 'internal' : 'internet-facing',
      listeners: listenerViews,
    });
  }
  return views;
}

/** The likely cause, only when the rule names one (an absent cause is told from the code later). */
function withCause(cause: string | undefined): { likelyCause?: string } {
  return cause === undefined ? {} : { likelyCause: cause };
}
