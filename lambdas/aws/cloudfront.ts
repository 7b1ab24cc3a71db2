/**
 * The CloudFront distributions that ACM lists in a certificate's InUseBy (always us-east-1 certificates), as the
 * probe's discovery needs them (GetDistribution): enabled or not, its `dxxxx.cloudfront.net` name, its alternate
 * domain names and the ACM certificate it serves. A distribution deleted since ACM listed it is undefined.
 */
import { type CloudFrontClient, GetDistributionCommand } from '@aws-sdk/client-cloudfront';
import { adapterCause } from '../core/failures';
import type { DistributionView } from '../core/probe/discovery';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** What the audit role must allow for this adapter (the `probe` feature set). */
export const CLOUDFRONT_ACTIONS = ['cloudfront:GetDistribution'] as const;

/** CloudFront's API answers in us-east-1 only. */
export const CLOUDFRONT_API_REGION = 'us-east-1';

export class DistributionLookupError extends AwsAdapterError {
  constructor(accountId: string, id: string, error: unknown) {
    const code = awsErrorCode(error);
    super(`cannot read CloudFront distribution ${id} of ${accountId} (${code}: ${awsErrorMessage(error)})`, {
      accountId,
      region: '*',
      code,
      operation: 'CloudFront.GetDistribution',
      ...withCause(adapterCause(code, 'cloudfront:GetDistribution', awsErrorMessage(error))),
      cause: error,
    });
  }
}

export async function getDistributionView(
  client: CloudFrontClient,
  accountId: string,
  id: string,
): Promise<DistributionView | undefined> {
  try {
    const { Distribution: distribution } = await client.send(new GetDistributionCommand({ Id: id }));
    if (!distribution?.ARN || !distribution.DomainName) return undefined;
    const config = distribution.DistributionConfig;
    return {
      arn: distribution.ARN,
      domainName: distribution.DomainName.toLowerCase(),
      enabled: config?.Enabled === true,
      aliases: (config?.Aliases?.Items ?? []).map((alias) => alias.toLowerCase()),
      ...(config?.ViewerCertificate?.ACMCertificateArn
        ? { certificateArn: config.ViewerCertificate.ACMCertificateArn }
        : {}),
    };
  } catch (error) {
    if (awsErrorCode(error) === 'NoSuchDistribution') return undefined;
    throw new DistributionLookupError(accountId, id, error);
  }
}

/** The likely cause, only when the rule names one (an absent cause is told from the code later). */
function withCause(cause: string | undefined): { likelyCause?: string } {
  return cause === undefined ? {} : { likelyCause: cause };
}
