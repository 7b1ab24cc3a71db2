/**
 * The resources the simulated certificates are in use by, derived from their InUseBy ARNs (and the account's
 * `resourceSettings`), as ELBv2, CloudFront and API Gateway would describe them: a load balancer with an HTTPS (or
 * TLS) listener carrying every certificate that names it (the first by ARN as default, the others as SNI
 * certificates), a distribution whose alternate names are its certificate's names, a custom domain name with its
 * regional or edge target. Derived on every read, so attaching or detaching a certificate in the simulator shows at
 * once, as it does in AWS. DNS names follow AWS's shapes (`<name>-<n>.<region>.elb.amazonaws.com`,
 * `d<id>.cloudfront.net`, `d-<id>.execute-api.<region>.amazonaws.com`).
 */
import type { SimOrganization } from './org';
import { hashSeed, Rng } from './rng';

export interface SimListener {
  arn: string;
  port: number;
  protocol: 'HTTPS' | 'TLS';
  /** The default first. */
  certificates: Array<{ arn: string; isDefault: boolean }>;
}

export interface SimLoadBalancer {
  arn: string;
  accountId: string;
  region: string;
  name: string;
  type: 'application' | 'network';
  scheme: 'internet-facing' | 'internal';
  dnsName: string;
  createdAt: string;
  listeners: SimListener[];
}

export interface SimDistribution {
  arn: string;
  accountId: string;
  id: string;
  domainName: string;
  enabled: boolean;
  aliases: string[];
  certificateArn: string;
}

export interface SimApiDomain {
  arn: string;
  accountId: string;
  region: string;
  domainName: string;
  endpointType: 'REGIONAL' | 'EDGE' | 'PRIVATE';
  regionalDomainName?: string;
  distributionDomainName?: string;
  certificateArn: string;
}

export interface SimResources {
  loadBalancers: SimLoadBalancer[];
  distributions: SimDistribution[];
  apiDomains: SimApiDomain[];
}

const ELB = /^arn:aws:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\/(app|net)\/([^/]+)\/([^/]+)$/;
const CLOUDFRONT = /^arn:aws:cloudfront::(\d{12}):distribution\/([A-Z0-9]+)$/;
const APIGATEWAY = /^arn:aws:apigateway:([a-z0-9-]+)::\/domainnames\/([^/]+)$/;

function hex(seed: string, length: number): string {
  return new Rng(hashSeed(seed)).hex(length);
}

/** Every resource the organization's certificates are in use by, in a stable order. */
export function simResources(org: SimOrganization): SimResources {
  const loadBalancers = new Map<string, SimLoadBalancer>();
  const distributions = new Map<string, SimDistribution>();
  const apiDomains = new Map<string, SimApiDomain>();
  const records = [...org.allCertificates()].sort((a, b) => a.certificate.arn.localeCompare(b.certificate.arn));
  for (const record of records) {
    const cert = record.certificate;
    const settingsOf = (arn: string) => org.account(record.accountId)?.resourceSettings?.[arn] ?? {};
    const names = [cert.domainName, ...cert.subjectAlternativeNames];
    for (const resource of cert.inUseBy) {
      const settings = settingsOf(resource);
      const elb = ELB.exec(resource);
      const cloudfront = CLOUDFRONT.exec(resource);
      const api = APIGATEWAY.exec(resource);
      if (elb) {
        const [, region = '', accountId = '', kind, name = ''] = elb;
        let lb = loadBalancers.get(resource);
        if (lb === undefined) {
          const scheme = settings.scheme ?? 'internet-facing';
          const number = Number.parseInt(hex(resource, 8), 16) % 10_000_000_000;
          const host =
            kind === 'app'
              ? `${name}-${number}.${region}.elb.amazonaws.com`
              : `${name}-${hex(resource, 16)}.elb.${region}.amazonaws.com`;
          lb = {
            arn: resource,
            accountId,
            region,
            name,
            type: kind === 'app' ? 'application' : 'network',
            scheme,
            dnsName: scheme === 'internal' ? `internal-${host}` : host,
            createdAt: cert.issuedAt ?? cert.createdAt ?? '2026-01-01T00:00:00.000Z',
            listeners: [
              {
                arn: `${resource.replace(':loadbalancer/', ':listener/')}/${hex(`${resource}/listener`, 16)}`,
                port: settings.port ?? 443,
                protocol: kind === 'app' ? 'HTTPS' : 'TLS',
                certificates: [],
              },
            ],
          };
          loadBalancers.set(resource, lb);
        }
        const listener = lb.listeners[0] as SimListener;
        listener.certificates.push({ arn: cert.arn, isDefault: listener.certificates.length === 0 });
      } else if (cloudfront && !distributions.has(resource)) {
        const [, accountId = '', id = ''] = cloudfront;
        distributions.set(resource, {
          arn: resource,
          accountId,
          id,
          domainName: `d${hex(resource, 13)}.cloudfront.net`,
          enabled: settings.enabled ?? true,
          aliases: [...new Set(names.map((n) => n.toLowerCase()))],
          certificateArn: cert.arn,
        });
      } else if (api && !apiDomains.has(resource)) {
        const [, region = '', domainName = ''] = api;
        const endpointType = settings.endpointType ?? 'REGIONAL';
        apiDomains.set(resource, {
          arn: resource,
          accountId: record.accountId,
          region,
          domainName: decodeURIComponent(domainName),
          endpointType,
          ...(endpointType === 'EDGE'
            ? { distributionDomainName: `d${hex(resource, 13)}.cloudfront.net` }
            : { regionalDomainName: `d-${hex(resource, 10)}.execute-api.${region}.amazonaws.com` }),
          certificateArn: cert.arn,
        });
      }
    }
  }
  return {
    loadBalancers: [...loadBalancers.values()],
    distributions: [...distributions.values()],
    apiDomains: [...apiDomains.values()],
  };
}
