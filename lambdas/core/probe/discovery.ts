/**
 * Endpoint discovery as pure planning: which resources to look up (from in-use certificates' InUseBy ARNs), which
 * names to probe (the concrete names of in-use certificates), and how what the adapters read (load balancers,
 * distributions, API Gateway domain names, as plain data) becomes endpoints with the name to send as SNI and the
 * serials each may serve. The adapters only read; every decision about what to probe or skip, and why, is here.
 */
import type { Certificate } from '../model';
import { type Endpoint, type EndpointSource, endpointKey, HTTPS_PORT } from './model';
import { normalizeSerial, SerialError } from './serial';

/** A certificate as discovery needs it. */
export type ProbedCertificate = Pick<
  Certificate,
  'arn' | 'accountId' | 'region' | 'domainName' | 'subjectAlternativeNames' | 'inUse' | 'inUseBy' | 'status'
> & { serial?: string };

export interface LoadBalancerLookup {
  accountId: string;
  region: string;
  arn: string;
  /** The in-use certificates that name this load balancer in InUseBy. */
  certificateArns: string[];
}

export interface DistributionLookup {
  accountId: string;
  arn: string;
  /** The id in the ARN (`distribution/<id>`), as GetDistribution takes it. */
  id: string;
  certificateArns: string[];
}

export interface ApiDomainLookup {
  accountId: string;
  region: string;
  arn: string;
  /** The custom domain name in the ARN (`/domainnames/<name>`), as GetDomainName takes it. */
  domainName: string;
  certificateArns: string[];
}

/** What discovery has to look up, per service, and what it cannot (resources of services the probe does not know). */
export interface DiscoveryPlan {
  loadBalancers: LoadBalancerLookup[];
  distributions: DistributionLookup[];
  apiDomains: ApiDomainLookup[];
  /** Endpoints known without a lookup: the certificates' concrete names, and resources skipped with a reason. */
  endpoints: Endpoint[];
}

/** Statuses of a certificate that can be served: issued, or issued once and now expired or revoked. */
const SERVABLE = new Set(['ISSUED', 'EXPIRED', 'REVOKED', 'INACTIVE']);

/** A name covers a host when equal, or when it is `*.rest` and the host is one label then `rest` (RFC 6125). */
export function nameCovers(name: string, host: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const h = host.toLowerCase().replace(/\.$/, '');
  if (n === h) return true;
  if (!n.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && h.slice(dot + 1) === n.slice(2);
}

export function certificateNames(cert: Pick<Certificate, 'domainName' | 'subjectAlternativeNames'>): string[] {
  return [...new Set([cert.domainName, ...cert.subjectAlternativeNames].map((name) => name.toLowerCase()))];
}

/** The label put before a wildcard-only certificate's base name to make a name it covers for SNI. */
export const WILDCARD_PROBE_LABEL = 'cert-monitor-probe';

/**
 * The name sent as SNI to reach a certificate on a shared listener: its first concrete name, or for a certificate
 * with wildcard names only, a made-up name the wildcard covers (any one label does).
 */
export function sniFor(cert: Pick<Certificate, 'domainName' | 'subjectAlternativeNames'>): string {
  const names = certificateNames(cert);
  return names.find((name) => !name.startsWith('*.')) ?? probeName(names[0] ?? '*.');
}

/** A name to send as SNI for `name`: itself in lower case, or for a wildcard a made-up name it covers. */
function probeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.startsWith('*.') ? `${WILDCARD_PROBE_LABEL}.${lower.slice(2)}` : lower;
}

function serialOf(cert: ProbedCertificate): string[] {
  if (cert.serial === undefined) return [];
  try {
    return [normalizeSerial(cert.serial)];
  } catch (error) {
    if (error instanceof SerialError) return [];
    throw error;
  }
}

const ELB_ARN = /^arn:[a-z-]+:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(app|net)\//;
const CLOUDFRONT_ARN = /^arn:[a-z-]+:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/;
const APIGATEWAY_ARN = /^arn:[a-z-]+:apigateway:([a-z0-9-]+)::\/domainnames\/([^/]+)$/;

function group<T extends { arn: string; certificateArns: string[] }>(map: Map<string, T>, item: T, certArn: string) {
  const existing = map.get(item.arn) ?? item;
  if (!existing.certificateArns.includes(certArn)) existing.certificateArns.push(certArn);
  map.set(item.arn, existing);
}

/**
 * The lookups and name endpoints for these certificates and the user's endpoints. Only certificates in use and
 * issued at some point are probed: nothing can serve a certificate ACM never issued, and an unused one has no
 * resource to look at.
 */
export function planDiscovery(
  certificates: readonly ProbedCertificate[],
  fileEndpoints: readonly Endpoint[] = [],
): DiscoveryPlan {
  const loadBalancers = new Map<string, LoadBalancerLookup>();
  const distributions = new Map<string, DistributionLookup>();
  const apiDomains = new Map<string, ApiDomainLookup>();
  const skipped: Endpoint[] = [];
  const names = new Map<string, ProbedCertificate[]>();
  const inUse = certificates.filter((cert) => cert.inUse && SERVABLE.has(cert.status));
  for (const cert of [...inUse].sort((a, b) => a.arn.localeCompare(b.arn))) {
    for (const resource of cert.inUseBy) {
      const elb = ELB_ARN.exec(resource);
      const cloudfront = CLOUDFRONT_ARN.exec(resource);
      const api = APIGATEWAY_ARN.exec(resource);
      if (elb) {
        group(
          loadBalancers,
          { accountId: elb[2] as string, region: elb[1] as string, arn: resource, certificateArns: [] },
          cert.arn,
        );
      } else if (cloudfront) {
        group(
          distributions,
          { accountId: cloudfront[1] as string, id: cloudfront[2] as string, arn: resource, certificateArns: [] },
          cert.arn,
        );
      } else if (api) {
        const domainName = decodeURIComponent(api[2] as string);
        group(
          apiDomains,
          { accountId: cert.accountId, region: api[1] as string, arn: resource, domainName, certificateArns: [] },
          cert.arn,
        );
      } else {
        skipped.push({
          ...certificateEndpoint(cert, 'elbv2', resource),
          source: sourceOf(resource),
          host: resource,
          skippedReason: 'the probe does not look up this kind of resource; its names are probed as domain endpoints',
        });
      }
    }
    for (const name of certificateNames(cert)) {
      if (name.startsWith('*.')) continue;
      names.set(name, [...(names.get(name) ?? []), cert]);
    }
  }
  const domainEndpoints: Endpoint[] = [...names.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, certs]) => {
      const [first] = certs as [ProbedCertificate, ...ProbedCertificate[]];
      return {
        host: name,
        port: HTTPS_PORT,
        sni: name,
        source: 'domain',
        certificateArn: first.arn,
        accountId: first.accountId,
        region: first.region,
        expectedSerials: [...new Set(certs.flatMap(serialOf))],
      };
    });
  return {
    loadBalancers: [...loadBalancers.values()],
    distributions: [...distributions.values()],
    apiDomains: [...apiDomains.values()],
    endpoints: dedupe([...skipped, ...domainEndpoints, ...fileEndpoints]),
  };
}

/** Resources of other services (AppSync, Cognito, ...) are reported under the closest source. */
function sourceOf(resource: string): EndpointSource {
  if (resource.includes(':cloudfront:')) return 'cloudfront';
  if (resource.includes(':apigateway:')) return 'apigateway';
  return 'elbv2';
}

function certificateEndpoint(cert: ProbedCertificate, source: EndpointSource, resourceArn: string): Endpoint {
  return {
    host: '',
    port: HTTPS_PORT,
    sni: sniFor(cert),
    source,
    resourceArn,
    certificateArn: cert.arn,
    accountId: cert.accountId,
    region: cert.region,
    expectedSerials: serialOf(cert),
  };
}

/** Endpoints once, in first-seen order (a name can be both a certificate's and in the user's file). */
export function dedupe(endpoints: readonly Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((endpoint) => {
    const key = `${endpointKey(endpoint)}|${endpoint.resourceArn ?? ''}|${endpoint.certificateArn ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A load balancer as DescribeLoadBalancers, DescribeListeners and DescribeListenerCertificates show it. */
export interface LoadBalancerView {
  arn: string;
  dnsName: string;
  scheme: 'internet-facing' | 'internal';
  listeners: Array<{
    arn: string;
    port: number;
    protocol: string;
    /** Default and SNI certificates. */
    certificates: Array<{ arn: string; isDefault: boolean }>;
  }>;
}

/** Listener protocols that terminate TLS with an ACM certificate. */
const TLS_PROTOCOLS = new Set(['HTTPS', 'TLS']);

export const SKIP_REASONS = {
  internal:
    'internal load balancer: not reachable from a hub Lambda outside the VPC (add its name to the endpoints file of a probe that runs inside)',
  notFound: 'the resource no longer exists (it was deleted since ACM listed it in InUseBy)',
  notOnListener: 'no HTTPS or TLS listener of the load balancer carries the certificate',
  disabled: 'distribution disabled: CloudFront serves nothing for it',
  noAlias: 'no alternate domain name of the distribution is covered by the certificate',
  privateApi: 'private API: reachable only through its VPC endpoint',
  lookupFailed: 'the resource could not be read',
  noAddress: 'the name does not resolve in public DNS',
  outOfTime: "not probed this run: the account's scan had no time left for it (probed again next run)",
} as const;

/** The endpoints of one load balancer for the certificates that named it. */
export function loadBalancerEndpoints(
  lookup: LoadBalancerLookup,
  view: LoadBalancerView | undefined,
  certificates: ReadonlyMap<string, ProbedCertificate>,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const certArn of lookup.certificateArns) {
    const cert = certificates.get(certArn);
    if (cert === undefined) continue;
    const base = certificateEndpoint(cert, 'elbv2', lookup.arn);
    if (view === undefined) {
      out.push({ ...base, host: lookup.arn, skippedReason: SKIP_REASONS.notFound });
      continue;
    }
    const listeners = view.listeners.filter(
      (listener) => TLS_PROTOCOLS.has(listener.protocol) && listener.certificates.some((c) => c.arn === certArn),
    );
    if (listeners.length === 0) {
      out.push({ ...base, host: view.dnsName, skippedReason: SKIP_REASONS.notOnListener });
      continue;
    }
    for (const listener of [...listeners].sort((a, b) => a.port - b.port)) {
      out.push({
        ...base,
        host: view.dnsName,
        port: listener.port,
        ...(view.scheme === 'internal' ? { skippedReason: SKIP_REASONS.internal } : {}),
      });
    }
  }
  return out;
}

/** A distribution as GetDistribution shows it. */
export interface DistributionView {
  arn: string;
  domainName: string;
  enabled: boolean;
  aliases: string[];
  /** ViewerCertificate.ACMCertificateArn. */
  certificateArn?: string;
}

export function distributionEndpoints(
  lookup: DistributionLookup,
  view: DistributionView | undefined,
  certificates: ReadonlyMap<string, ProbedCertificate>,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const certArn of lookup.certificateArns) {
    const cert = certificates.get(certArn);
    if (cert === undefined) continue;
    const base = certificateEndpoint(cert, 'cloudfront', lookup.arn);
    if (view === undefined) {
      out.push({ ...base, host: lookup.arn, skippedReason: SKIP_REASONS.notFound });
      continue;
    }
    const aliases = view.aliases.filter((alias) => certificateNames(cert).some((name) => nameCovers(name, alias)));
    if (!view.enabled) {
      out.push({ ...base, host: view.domainName, skippedReason: SKIP_REASONS.disabled });
    } else if (aliases.length === 0) {
      out.push({ ...base, host: view.domainName, skippedReason: SKIP_REASONS.noAlias });
    } else {
      for (const alias of [...aliases].sort()) {
        out.push({ ...base, host: view.domainName, sni: probeName(alias) });
      }
    }
  }
  return out;
}

/** An API Gateway custom domain name as GetDomainName shows it. */
export interface ApiDomainView {
  domainName: string;
  endpointType: 'REGIONAL' | 'EDGE' | 'PRIVATE';
  /** REGIONAL: `d-xxxx.execute-api.<region>.amazonaws.com`. */
  regionalDomainName?: string;
  /** EDGE: the CloudFront distribution's `dxxxx.cloudfront.net`. */
  distributionDomainName?: string;
}

export function apiDomainEndpoints(
  lookup: ApiDomainLookup,
  view: ApiDomainView | undefined,
  certificates: ReadonlyMap<string, ProbedCertificate>,
): Endpoint[] {
  const out: Endpoint[] = [];
  for (const certArn of lookup.certificateArns) {
    const cert = certificates.get(certArn);
    if (cert === undefined) continue;
    const base = { ...certificateEndpoint(cert, 'apigateway', lookup.arn), sni: probeName(lookup.domainName) };
    if (view === undefined) {
      out.push({ ...base, host: lookup.domainName, skippedReason: SKIP_REASONS.notFound });
      continue;
    }
    const host = view.endpointType === 'REGIONAL' ? view.regionalDomainName : view.distributionDomainName;
    if (view.endpointType === 'PRIVATE' || host === undefined) {
      out.push({ ...base, host: lookup.domainName, skippedReason: SKIP_REASONS.privateApi });
      continue;
    }
    out.push({ ...base, host });
  }
  return out;
}

/** Certificates by ARN, for the endpoint builders above. */
export function byArn(certificates: readonly ProbedCertificate[]): Map<string, ProbedCertificate> {
  return new Map(certificates.map((cert) => [cert.arn, cert]));
}
