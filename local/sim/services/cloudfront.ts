/**
 * CloudFront (restXml, global, signed for us-east-1): GetDistribution, `GET /2020-05-31/distribution/<Id>`, for the
 * distributions the simulated certificates are in use by (resources.ts). The answer is the `Distribution` document
 * with its `DistributionConfig` (Enabled, Aliases, ViewerCertificate) and the `ETag` header; an unknown id (or one of
 * another account) is NoSuchDistribution, 404. Only the fields the probe reads and those the API marks required are
 * filled.
 */
import { simResources } from '../resources';
import { AwsError, RawAnswer } from '../wire';
import type { HandlerContext, Input, ServiceDefinition } from './context';

const NAMESPACE = 'http://cloudfront.amazonaws.com/doc/2020-05-31/';

function route(method: string, path: string): { operation: string; params: Input } | undefined {
  const match = /^\/2020-05-31\/distribution\/([^/]+)$/.exec(path);
  if (method === 'GET' && match)
    return { operation: 'GetDistribution', params: { Id: decodeURIComponent(match[1] ?? '') } };
  return undefined;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function getDistribution(input: Input, ctx: HandlerContext) {
  const distribution = simResources(ctx.org).distributions.find(
    (candidate) => candidate.id === input.Id && candidate.accountId === ctx.caller.accountId,
  );
  if (!distribution) throw new AwsError('NoSuchDistribution', 'The specified distribution does not exist.', 404);
  const aliases = distribution.aliases.map((alias) => `<CNAME>${escapeXml(alias)}</CNAME>`).join('');
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Distribution xmlns="${NAMESPACE}">` +
    `<Id>${distribution.id}</Id><ARN>${escapeXml(distribution.arn)}</ARN><Status>Deployed</Status>` +
    `<LastModifiedTime>${ctx.clock.toISOString()}</LastModifiedTime><InProgressInvalidationBatches>0</InProgressInvalidationBatches>` +
    `<DomainName>${distribution.domainName}</DomainName>` +
    `<DistributionConfig><CallerReference>sim-${distribution.id}</CallerReference>` +
    `<Aliases><Quantity>${distribution.aliases.length}</Quantity>${aliases ? `<Items>${aliases}</Items>` : ''}</Aliases>` +
    '<DefaultRootObject>index.html</DefaultRootObject>' +
    `<Origins><Quantity>1</Quantity><Items><Origin><Id>origin-1</Id><DomainName>origin.${escapeXml(distribution.aliases[0] ?? 'example.com')}</DomainName></Origin></Items></Origins>` +
    '<DefaultCacheBehavior><TargetOriginId>origin-1</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy></DefaultCacheBehavior>' +
    `<Comment></Comment><Enabled>${distribution.enabled}</Enabled>` +
    `<ViewerCertificate><CloudFrontDefaultCertificate>false</CloudFrontDefaultCertificate><ACMCertificateArn>${escapeXml(distribution.certificateArn)}</ACMCertificateArn>` +
    '<SSLSupportMethod>sni-only</SSLSupportMethod><MinimumProtocolVersion>TLSv1.2_2021</MinimumProtocolVersion>' +
    `<Certificate>${escapeXml(distribution.certificateArn)}</Certificate><CertificateSource>acm</CertificateSource></ViewerCertificate>` +
    '</DistributionConfig></Distribution>';
  return new RawAnswer(200, { 'content-type': 'text/xml', etag: `E${distribution.id.slice(0, 12)}` }, body);
}

export const cloudfront: ServiceDefinition = {
  scope: 'cloudfront',
  name: 'CloudFront',
  iamPrefix: 'cloudfront',
  protocol: 'restXml',
  route,
  xmlNamespace: NAMESPACE,
  regional: false,
  throttle: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  operations: { GetDistribution: getDistribution },
};
