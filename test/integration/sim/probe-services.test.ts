/**
 * The simulator's ELBv2, CloudFront and API Gateway reads over the wire, with the real SDK clients and the
 * discovery adapters: pages followed through markers, unknown resources answered with the errors the API
 * references name, and those errors read by the adapters as "gone", not as failures.
 */
import {
  DescribeListenerCertificatesCommand,
  DescribeLoadBalancersCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getApiDomainView } from '../../../lambdas/aws/apigateway';
import { CallCounter } from '../../../lambdas/aws/call-counter';
import { createApiGatewayClient, createCloudFrontClient, createElbv2Client } from '../../../lambdas/aws/clients';
import { getDistributionView } from '../../../lambdas/aws/cloudfront';
import { describeLoadBalancerViews } from '../../../lambdas/aws/elbv2';
import { iamAction, parseScenario } from '../../../local/sim';
import { CLIENT_CONFIG, EXTERNAL_ID, ROLE_NAME, type ScanHarness, startScanHarness } from '../scan/sim-harness';

const ACCOUNT = '444455556666';
const REGION = 'eu-west-1';
const LB = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/web/0123456789abcdef`;
const GONE = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/gone/fedcba9876543210`;
const EDGE = `arn:aws:apigateway:${REGION}::/domainnames/edge.b.example.com`;

let h: ScanHarness;
const scope = { accountId: ACCOUNT, region: REGION };
const clientsFor = () => {
  const config = { ...CLIENT_CONFIG, credentials: h.roles.provider(ACCOUNT), calls: new CallCounter() };
  return {
    elbv2: createElbv2Client({ ...config, region: REGION }),
    cloudfront: createCloudFrontClient(config),
    apigateway: createApiGatewayClient({ ...config, region: REGION }),
  };
};

beforeAll(async () => {
  const certificates = Array.from({ length: 5 }, (_, i) => ({
    arn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/c${i}`,
    domainName: `s${i}.b.example.com`,
    type: 'AMAZON_ISSUED' as const,
    status: 'ISSUED' as const,
    keyAlgorithm: 'RSA_2048' as const,
    notBefore: '2026-11-01T00:00:00.000Z',
    notAfter: '2027-05-01T00:00:00.000Z',
    renewalEligibility: 'ELIGIBLE' as const,
    inUseBy: i === 4 ? [EDGE] : [LB],
  }));
  h = await startScanHarness(
    parseScenario({
      managementAccountId: ACCOUNT,
      start: '2026-12-01T00:00:00.000Z',
      accounts: [
        {
          id: ACCOUNT,
          name: 'web',
          state: 'ACTIVE',
          // us-east-1 too: the hub's STS calls are signed there.
          enabledRegions: [REGION, 'us-east-1'],
          roles: [{ name: ROLE_NAME, externalId: EXTERNAL_ID }],
          resourceSettings: { [EDGE]: { endpointType: 'EDGE' } },
          certificates,
        },
      ],
    }),
  );
});

afterAll(async () => {
  await h?.close();
});

describe('the simulated discovery APIs', () => {
  it('pages the listener certificates by marker, the default first and once more in the list only if there', async () => {
    const { elbv2 } = clientsFor();
    const [view] = await describeLoadBalancerViews(elbv2, scope, [LB]);
    const listenerArn = view?.listeners[0]?.arn as string;
    const pages: Array<Array<{ arn?: string; isDefault?: boolean }>> = [];
    let marker: string | undefined;

    do {
      const page = await elbv2.send(
        new DescribeListenerCertificatesCommand({ ListenerArn: listenerArn, PageSize: 2, Marker: marker }),
      );
      pages.push((page.Certificates ?? []).map((c) => ({ arn: c.CertificateArn, isDefault: c.IsDefault })));
      marker = page.NextMarker;
    } while (marker);

    expect(pages.map((page) => page.length)).toEqual([2, 2]);
    expect(pages.flat().filter((c) => c.isDefault)).toHaveLength(1);
    expect(view).toMatchObject({ scheme: 'internet-facing', listeners: [{ port: 443, protocol: 'HTTPS' }] });
    expect(view?.listeners[0]?.certificates).toHaveLength(4);
  });

  it('refuses a whole DescribeLoadBalancers naming a load balancer that is gone; the adapter asks again without it', async () => {
    const { elbv2 } = clientsFor();

    await expect(elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [LB, GONE] }))).rejects.toMatchObject({
      name: 'LoadBalancerNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    expect((await describeLoadBalancerViews(elbv2, scope, [GONE, LB])).map((view) => view.arn)).toEqual([LB]);
  });

  it('reads an edge API domain through its distribution name, and an unknown one as gone', async () => {
    const { apigateway } = clientsFor();

    expect(await getApiDomainView(apigateway, scope, 'edge.b.example.com')).toMatchObject({
      endpointType: 'EDGE',
      distributionDomainName: expect.stringMatching(/\.cloudfront\.net$/),
    });
    expect(await getApiDomainView(apigateway, scope, 'nothing.b.example.com')).toBeUndefined();
  });

  it('answers an unknown distribution with NoSuchDistribution, read as gone', async () => {
    const { cloudfront } = clientsFor();

    expect(await getDistributionView(cloudfront, ACCOUNT, 'ENOTHERE0000001')).toBeUndefined();
  });

  it('authorizes API Gateway reads as apigateway:GET, as IAM does', () => {
    expect(iamAction('APIGateway', 'GetDomainName')).toBe('apigateway:GET');
    expect(iamAction('ELBv2', 'DescribeListeners')).toBe('elasticloadbalancing:DescribeListeners');
  });
});
