/**
 * API Gateway (restJson, regional): GetDomainName, `GET /domainnames/<domain_name>`, for the custom domain names the
 * simulated certificates are in use by (resources.ts): REGIONAL ones answer `regionalDomainName` and
 * `regionalCertificateArn`, EDGE ones `distributionDomainName` and `certificateArn`, as the API reference shows. An
 * unknown name is NotFoundException, 404. IAM authorizes every API Gateway read as `apigateway:GET` on the resource
 * path, not as an action named after the operation, so this service maps its operation to that action.
 */
import { simResources } from '../resources';
import { AwsError } from '../wire';
import type { HandlerContext, Input, ServiceDefinition } from './context';

function route(method: string, path: string): { operation: string; params: Input } | undefined {
  const match = /^\/domainnames\/([^/]+)$/.exec(path);
  if (method === 'GET' && match)
    return { operation: 'GetDomainName', params: { domainName: decodeURIComponent(match[1] ?? '') } };
  return undefined;
}

function getDomainName(input: Input, ctx: HandlerContext) {
  const domain = simResources(ctx.org).apiDomains.find(
    (candidate) =>
      candidate.domainName === input.domainName &&
      candidate.accountId === ctx.caller.accountId &&
      candidate.region === ctx.region,
  );
  if (!domain) throw new AwsError('NotFoundException', 'Invalid domain name identifier specified', 404);
  const edge = domain.endpointType === 'EDGE';
  return {
    domainName: domain.domainName,
    domainNameArn: domain.arn,
    ...(edge
      ? {
          certificateArn: domain.certificateArn,
          distributionDomainName: domain.distributionDomainName,
          distributionHostedZoneId: 'Z2FDTNDATAQYW2',
        }
      : {
          regionalCertificateArn: domain.certificateArn,
          regionalDomainName: domain.regionalDomainName,
          regionalHostedZoneId: 'Z1UJRXOUMOOFQ8',
        }),
    endpointConfiguration: { types: [domain.endpointType] },
    domainNameStatus: 'AVAILABLE',
    securityPolicy: 'TLS_1_2',
  };
}

export const apigateway: ServiceDefinition = {
  scope: 'apigateway',
  name: 'APIGateway',
  iamPrefix: 'apigateway',
  iamAction: () => 'apigateway:GET',
  protocol: 'restJson1',
  route,
  regional: true,
  throttle: { code: 'TooManyRequestsException', status: 429, message: 'Too Many Requests' },
  operations: { GetDomainName: getDomainName },
};
