/**
 * Elastic Load Balancing v2 (awsQuery, version 2015-12-01, XML answers): the three reads the probe's discovery makes,
 * over the load balancers the simulated certificates are in use by (resources.ts), as the API reference describes
 * them. DescribeLoadBalancers by ARN fails whole with LoadBalancerNotFound when any ARN is unknown (at most 20 ARNs);
 * DescribeListeners lists a load balancer's listeners (only `Certificates` with the default one);
 * DescribeListenerCertificates lists the default certificate (IsDefault true) and the SNI list. Pages: `PageSize`
 * 1..400, `Marker` in, `NextMarker` out.
 */
import { simResources } from '../resources';
import { AwsError, decodeToken, encodeToken } from '../wire';
import type { HandlerContext, Input, ServiceDefinition } from './context';

const NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';
const MAX_ARNS = 20;

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

/** `Name.member.N` query parameters as a list, in N order. */
function memberList(input: Input, name: string): string[] {
  return Object.entries(input)
    .map(([key, value]) => [new RegExp(`^${name}\\.member\\.(\\d+)$`).exec(key)?.[1], value] as const)
    .filter((entry): entry is readonly [string, string] => entry[0] !== undefined && typeof entry[1] === 'string')
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([, value]) => value);
}

function page<T>(items: T[], input: Input): { items: T[]; next?: string } {
  const size = input.PageSize === undefined ? 400 : Number(input.PageSize);
  if (!Number.isInteger(size) || size < 1 || size > 400) {
    throw validation(
      `1 validation error detected: Value '${String(input.PageSize)}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400`,
    );
  }
  let offset = 0;
  if (input.Marker !== undefined) {
    const state = decodeToken<{ o: number }>(input.Marker, (s) => Number.isInteger(s.o) && (s.o as number) >= 0);
    if (!state) throw validation('Invalid marker');
    offset = state.o;
  }
  const next = offset + size < items.length ? encodeToken({ o: offset + size }) : undefined;
  return { items: items.slice(offset, offset + size), ...(next ? { next } : {}) };
}

function mine(ctx: HandlerContext) {
  return simResources(ctx.org).loadBalancers.filter(
    (lb) => lb.accountId === ctx.caller.accountId && lb.region === ctx.region,
  );
}

function describeLoadBalancers(input: Input, ctx: HandlerContext) {
  const arns = memberList(input, 'LoadBalancerArns');
  const names = memberList(input, 'Names');
  if (arns.length > 0 && names.length > 0)
    throw validation('Load balancer names and load balancer ARNs cannot be specified at the same time');
  if (arns.length > MAX_ARNS) throw validation(`A maximum of ${MAX_ARNS} load balancer ARNs can be specified`);
  const all = mine(ctx);
  let selected = all;
  if (arns.length > 0 || names.length > 0) {
    const wanted = arns.length > 0 ? arns : names;
    selected = wanted.map((key) => {
      const found = all.find((lb) => (arns.length > 0 ? lb.arn === key : lb.name === key));
      if (!found) throw new AwsError('LoadBalancerNotFound', `One or more load balancers not found`, 400);
      return found;
    });
  }
  const { items, next } = page(selected, input);
  return {
    LoadBalancers: items.map((lb) => ({
      LoadBalancerArn: lb.arn,
      DNSName: lb.dnsName,
      CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
      CreatedTime: new Date(lb.createdAt),
      LoadBalancerName: lb.name,
      Scheme: lb.scheme,
      VpcId: `vpc-${lb.accountId.slice(-8)}`,
      State: { Code: 'active' },
      Type: lb.type,
      IpAddressType: 'ipv4',
    })),
    NextMarker: next,
  };
}

function describeListeners(input: Input, ctx: HandlerContext) {
  const lbArn = typeof input.LoadBalancerArn === 'string' ? input.LoadBalancerArn : undefined;
  const listenerArns = memberList(input, 'ListenerArns');
  if (lbArn === undefined && listenerArns.length === 0)
    throw validation('You must specify either listener ARNs or a load balancer ARN');
  const all = mine(ctx);
  let listeners: Array<{ lbArn: string; listener: (typeof all)[number]['listeners'][number] }>;
  if (lbArn !== undefined) {
    const lb = all.find((candidate) => candidate.arn === lbArn);
    if (!lb) throw new AwsError('LoadBalancerNotFound', `Load balancer '${lbArn}' not found`, 400);
    listeners = lb.listeners.map((listener) => ({ lbArn: lb.arn, listener }));
  } else {
    const every = all.flatMap((lb) => lb.listeners.map((listener) => ({ lbArn: lb.arn, listener })));
    listeners = listenerArns.map((arn) => {
      const found = every.find((entry) => entry.listener.arn === arn);
      if (!found) throw new AwsError('ListenerNotFound', 'One or more listeners not found', 400);
      return found;
    });
  }
  const { items, next } = page(listeners, input);
  return {
    Listeners: items.map(({ lbArn: owner, listener }) => ({
      ListenerArn: listener.arn,
      LoadBalancerArn: owner,
      Port: listener.port,
      Protocol: listener.protocol,
      Certificates: listener.certificates.filter((c) => c.isDefault).map((c) => ({ CertificateArn: c.arn })),
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'fixed-response', Order: 1 }],
    })),
    NextMarker: next,
  };
}

function describeListenerCertificates(input: Input, ctx: HandlerContext) {
  if (typeof input.ListenerArn !== 'string')
    throw validation(
      "1 validation error detected: Value null at 'listenerArn' failed to satisfy constraint: Member must not be null",
    );
  const listener = mine(ctx)
    .flatMap((lb) => lb.listeners)
    .find((candidate) => candidate.arn === input.ListenerArn);
  if (!listener) throw new AwsError('ListenerNotFound', `Listener '${input.ListenerArn}' not found`, 400);
  // The default certificate once with IsDefault true; every certificate of the SNI list with IsDefault false.
  const [first] = listener.certificates;
  const entries = [
    ...(first ? [{ CertificateArn: first.arn, IsDefault: true }] : []),
    ...listener.certificates.filter((c) => !c.isDefault).map((c) => ({ CertificateArn: c.arn, IsDefault: false })),
  ];
  const { items, next } = page(entries, input);
  return { Certificates: items, NextMarker: next };
}

export const elbv2: ServiceDefinition = {
  scope: 'elasticloadbalancing',
  name: 'ELBv2',
  iamPrefix: 'elasticloadbalancing',
  protocol: 'awsQuery',
  xmlNamespace: NAMESPACE,
  regional: true,
  throttle: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  operations: {
    DescribeLoadBalancers: describeLoadBalancers,
    DescribeListeners: describeListeners,
    DescribeListenerCertificates: describeListenerCertificates,
  },
};
