/**
 * The API Gateway custom domain names that ACM lists in a certificate's InUseBy, as the probe's discovery needs them
 * (GetDomainName): the endpoint type and the name to connect to (the regional `d-xxxx.execute-api` name, or the edge
 * distribution's). A domain name deleted since ACM listed it is undefined.
 *
 * IAM authorizes API Gateway reads as `apigateway:GET` on a resource path; on "*" it would read every API, stage and
 * API key of the account, so the role scopes it to domain names (permissions.ts).
 */
import { type APIGatewayClient, GetDomainNameCommand } from '@aws-sdk/client-api-gateway';
import { adapterCause } from '../core/failures';
import type { ApiDomainView } from '../core/probe/discovery';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** What the audit role must allow for this adapter (the `probe` feature set), scoped to `/domainnames/*`. */
export const APIGATEWAY_ACTIONS = ['apigateway:GET'] as const;

export class ApiDomainLookupError extends AwsAdapterError {
  constructor(accountId: string, region: string, domainName: string, error: unknown) {
    const code = awsErrorCode(error);
    super(
      `cannot read API Gateway domain name ${domainName} in ${accountId}/${region} (${code}: ${awsErrorMessage(error)})`,
      {
        accountId,
        region,
        code,
        operation: 'APIGateway.GetDomainName',
        ...withCause(adapterCause(code, 'apigateway:GET', awsErrorMessage(error))),
        cause: error,
      },
    );
  }
}

export async function getApiDomainView(
  client: APIGatewayClient,
  scope: { accountId: string; region: string },
  domainName: string,
): Promise<ApiDomainView | undefined> {
  try {
    const domain = await client.send(new GetDomainNameCommand({ domainName }));
    const types = domain.endpointConfiguration?.types ?? [];
    const endpointType = types.includes('PRIVATE') ? 'PRIVATE' : types.includes('EDGE') ? 'EDGE' : 'REGIONAL';
    return {
      domainName: domain.domainName ?? domainName,
      endpointType,
      ...(domain.regionalDomainName ? { regionalDomainName: domain.regionalDomainName.toLowerCase() } : {}),
      ...(domain.distributionDomainName ? { distributionDomainName: domain.distributionDomainName.toLowerCase() } : {}),
    };
  } catch (error) {
    if (awsErrorCode(error) === 'NotFoundException') return undefined;
    throw new ApiDomainLookupError(scope.accountId, scope.region, domainName, error);
  }
}

/** The likely cause, only when the rule names one (an absent cause is told from the code later). */
function withCause(cause: string | undefined): { likelyCause?: string } {
  return cause === undefined ? {} : { likelyCause: cause };
}
