import { describe, expect, it } from 'vitest';
import {
  apiDomainEndpoints,
  byArn,
  distributionEndpoints,
  loadBalancerEndpoints,
  nameCovers,
  planDiscovery,
  SKIP_REASONS,
  sniFor,
} from '../../../../lambdas/core/probe/discovery';
import { certificate, endpoint } from './fixtures';

const ALB = 'arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/shop/0123456789abcdef';
const CF = 'arn:aws:cloudfront::111111111111:distribution/E2QWRUHEXAMPLE';
const API = 'arn:aws:apigateway:eu-west-1::/domainnames/api.shop.example.com';

describe('endpoint discovery planning', () => {
  it('looks up each resource of the in-use certificates once and probes their concrete names on 443', () => {
    const shop = certificate({ inUseBy: [ALB, CF] });
    const api = certificate({
      arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/api',
      domainName: '*.shop.example.com',
      subjectAlternativeNames: ['*.shop.example.com', 'shop.example.com'],
      inUseBy: [ALB, API],
      serial: '0d:0e',
    });

    const plan = planDiscovery([shop, api]);

    expect(plan.loadBalancers).toEqual([
      { accountId: '111111111111', region: 'eu-west-1', arn: ALB, certificateArns: [api.arn, shop.arn] },
    ]);
    expect(plan.distributions).toEqual([
      { accountId: '111111111111', id: 'E2QWRUHEXAMPLE', arn: CF, certificateArns: [shop.arn] },
    ]);
    expect(plan.apiDomains).toEqual([
      expect.objectContaining({ region: 'eu-west-1', domainName: 'api.shop.example.com', certificateArns: [api.arn] }),
    ]);
    // A name two certificates cover may serve either: both serials are expected.
    expect(plan.endpoints.map((e) => [e.host, e.port, e.source, e.expectedSerials])).toEqual([
      ['shop.example.com', 443, 'domain', ['0D:0E', '0A:0B:0C']],
      ['www.shop.example.com', 443, 'domain', ['0A:0B:0C']],
    ]);
  });

  it('probes nothing for certificates that are unused or were never issued', () => {
    const plan = planDiscovery([
      certificate({ inUse: false }),
      certificate({ status: 'PENDING_VALIDATION', inUseBy: [ALB] }),
    ]);

    expect(plan).toEqual({ loadBalancers: [], distributions: [], apiDomains: [], endpoints: [] });
  });

  it('skips, with the reason, a resource of a service it does not look up', () => {
    const plan = planDiscovery([
      certificate({ inUseBy: ['arn:aws:appsync:eu-west-1:111111111111:domainnames/gql.shop.example.com'] }),
    ]);

    expect(plan.endpoints[0]).toMatchObject({ skippedReason: expect.stringContaining('does not look up') });
  });

  it('adds the user endpoints after the discovered ones, once', () => {
    const file = endpoint({ host: 'vpn.example.com', sni: 'vpn.example.com', source: 'file', expectedSerials: [] });

    const plan = planDiscovery([], [file, file]);

    expect(plan.endpoints).toEqual([file]);
  });

  it('sends as SNI a concrete name of the certificate, or a name its wildcard covers', () => {
    expect(sniFor(certificate())).toBe('shop.example.com');
    expect(sniFor(certificate({ domainName: '*.shop.example.com', subjectAlternativeNames: [] }))).toBe(
      'cert-monitor-probe.shop.example.com',
    );
    expect(nameCovers('*.shop.example.com', 'a.shop.example.com')).toBe(true);
    expect(nameCovers('*.shop.example.com', 'a.b.shop.example.com')).toBe(false);
    expect(nameCovers('*.shop.example.com', 'shop.example.com')).toBe(false);
  });
});

describe('endpoints from what the adapters read', () => {
  const shop = certificate({ inUseBy: [ALB] });
  const certs = byArn([shop]);
  const lookup = { accountId: '111111111111', region: 'eu-west-1', arn: ALB, certificateArns: [shop.arn] };
  const view = {
    arn: ALB,
    dnsName: 'shop-1.eu-west-1.elb.amazonaws.com',
    scheme: 'internet-facing' as const,
    listeners: [
      { arn: `${ALB}/l1`, port: 8443, protocol: 'HTTPS', certificates: [{ arn: shop.arn, isDefault: false }] },
      { arn: `${ALB}/l0`, port: 443, protocol: 'HTTPS', certificates: [{ arn: shop.arn, isDefault: true }] },
      { arn: `${ALB}/l2`, port: 80, protocol: 'HTTP', certificates: [] },
    ],
  };

  it('probes a load balancer on each TLS listener carrying the certificate, with its name as SNI', () => {
    const endpoints = loadBalancerEndpoints(lookup, view, certs);

    expect(endpoints.map((e) => [e.host, e.port, e.sni, e.skippedReason])).toEqual([
      ['shop-1.eu-west-1.elb.amazonaws.com', 443, 'shop.example.com', undefined],
      ['shop-1.eu-west-1.elb.amazonaws.com', 8443, 'shop.example.com', undefined],
    ]);
    expect(endpoints[0]).toMatchObject({
      source: 'elbv2',
      resourceArn: ALB,
      certificateArn: shop.arn,
      expectedSerials: ['0A:0B:0C'],
    });
  });

  it('skips an internal load balancer, one that is gone, and one whose listeners do not carry the certificate', () => {
    expect(loadBalancerEndpoints(lookup, { ...view, scheme: 'internal' }, certs)[0]?.skippedReason).toBe(
      SKIP_REASONS.internal,
    );
    expect(loadBalancerEndpoints(lookup, undefined, certs)[0]?.skippedReason).toBe(SKIP_REASONS.notFound);
    expect(loadBalancerEndpoints(lookup, { ...view, listeners: [] }, certs)[0]?.skippedReason).toBe(
      SKIP_REASONS.notOnListener,
    );
  });

  it('probes a distribution on each alternate name the certificate covers, and skips a disabled one', () => {
    const cf = { accountId: '111111111111', id: 'E2QWRUHEXAMPLE', arn: CF, certificateArns: [shop.arn] };
    const distribution = {
      arn: CF,
      domainName: 'd111111abcdef8.cloudfront.net',
      enabled: true,
      aliases: ['www.shop.example.com', 'other.example.org'],
    };

    expect(distributionEndpoints(cf, distribution, certs).map((e) => [e.host, e.sni])).toEqual([
      ['d111111abcdef8.cloudfront.net', 'www.shop.example.com'],
    ]);
    expect(distributionEndpoints(cf, { ...distribution, enabled: false }, certs)[0]?.skippedReason).toBe(
      SKIP_REASONS.disabled,
    );
  });

  it('probes a regional API domain on its execute-api name, an edge one on its distribution, skips a private one', () => {
    const api = {
      accountId: '111111111111',
      region: 'eu-west-1',
      arn: API,
      domainName: 'api.shop.example.com',
      certificateArns: [shop.arn],
    };

    const regional = apiDomainEndpoints(
      api,
      {
        domainName: 'api.shop.example.com',
        endpointType: 'REGIONAL',
        regionalDomainName: 'd-abc.execute-api.eu-west-1.amazonaws.com',
      },
      certs,
    );
    const edge = apiDomainEndpoints(
      api,
      { domainName: 'api.shop.example.com', endpointType: 'EDGE', distributionDomainName: 'd123.cloudfront.net' },
      certs,
    );
    const privateApi = apiDomainEndpoints(api, { domainName: 'api.shop.example.com', endpointType: 'PRIVATE' }, certs);

    expect(regional.map((e) => [e.host, e.sni])).toEqual([
      ['d-abc.execute-api.eu-west-1.amazonaws.com', 'api.shop.example.com'],
    ]);
    expect(edge.map((e) => e.host)).toEqual(['d123.cloudfront.net']);
    expect(privateApi[0]?.skippedReason).toBe(SKIP_REASONS.privateApi);
  });

  it('sends a name its wildcard covers as SNI to a wildcard API domain', () => {
    const api = {
      accountId: '111111111111',
      region: 'eu-west-1',
      arn: API,
      domainName: '*.Shop.example.com',
      certificateArns: [shop.arn],
    };
    const view = {
      domainName: '*.shop.example.com',
      endpointType: 'REGIONAL' as const,
      regionalDomainName: 'd-abc.execute-api.eu-west-1.amazonaws.com',
    };

    expect(apiDomainEndpoints(api, view, certs).map((e) => e.sni)).toEqual(['cert-monitor-probe.shop.example.com']);
  });
});
