/**
 * SDK client factories for the scanner. Clients get credentials, a region and retry settings only: endpoints are
 * left to the SDK's own resolution, so `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` keep working (that is how
 * the local simulator and any VPC endpoint override are reached). Every client can carry a call counter that
 * records each HTTP attempt by `Service.Operation`, retries included, for TargetResult.apiCalls.
 */
import { AccountClient } from '@aws-sdk/client-account';
import { ACMClient } from '@aws-sdk/client-acm';
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { Route53Client } from '@aws-sdk/client-route-53';
import { STSClient } from '@aws-sdk/client-sts';
import { awsErrorKind } from '../core/failures';
import type { Target } from '../core/model';
import type { CallCounter } from './call-counter';
import { CLOUDFRONT_API_REGION } from './cloudfront';
import type { AwsCredentials, CredentialsProvider, RoleCredentials } from './credentials';
import { ROUTE53_REGION } from './route53';

export type RetryMode = 'standard' | 'adaptive';

/**
 * Retry settings of the scanner's clients. The scanner already paces DescribeCertificate and ListTagsForCertificate
 * under the quota, but the quota is shared with every other caller in the account-region (another tool, a second
 * audit). Adaptive mode slows a client down after a throttle instead of only backing off each call. Measured against
 * the simulator with the describe quota at 5/s while the scanner paced at 9/s (200 certificates): standard mode
 * 177 throttles and 388 describe attempts, adaptive 20 throttles and 231 attempts, both complete; with the pacing
 * set far above the quota (30/s against 10/s), standard lost 157 of 411 describes after 6 attempts, adaptive none.
 * At a pace under the quota both behave the same.
 */
const DEFAULT_MAX_ATTEMPTS = 6;
const DEFAULT_RETRY_MODE: RetryMode = 'adaptive';

export interface ClientConfig {
  region: string;
  /** Absent: the SDK's default chain (the hub's own credentials). */
  credentials?: AwsCredentials | CredentialsProvider;
  /** @default DEFAULT_MAX_ATTEMPTS */
  maxAttempts?: number;
  /** @default DEFAULT_RETRY_MODE */
  retryMode?: RetryMode;
  /** Where the client records its calls; absent: not counted. */
  calls?: CallCounter;
}

/** Short service names used in `Service.Operation` keys, by SDK client class name. */
const SERVICE_NAMES: Record<string, string> = {
  ACMClient: 'ACM',
  STSClient: 'STS',
  OrganizationsClient: 'Organizations',
  AccountClient: 'Account',
  Route53Client: 'Route53',
  ElasticLoadBalancingV2Client: 'ELBv2',
  CloudFrontClient: 'CloudFront',
  APIGatewayClient: 'APIGateway',
};

/** The SDK's own throttling classification (status 429, a throttling error name, or a modeled throttling trait). */
function isThrottlingError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  return (
    e.$metadata?.httpStatusCode === 429 || awsErrorKind(e.name) === 'throttled' || e.$retryable?.throttling === true
  );
}

interface CountableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'finalizeRequest'; priority: 'low'; name: string; override: boolean },
    ): void;
  };
}

/**
 * Records every answered attempt of every call the client makes. Placed in the finalizeRequest step at low priority,
 * it sits inside the SDK's retry loop, so a call retried twice counts three times and each throttled answer is seen.
 */
function countCalls<C>(client: C, counter: CallCounter): C {
  (client as unknown as CountableClient).middlewareStack.add(
    (next, context) => async (args) => {
      const service =
        SERVICE_NAMES[context.clientName ?? ''] ?? (context.clientName ?? 'Unknown').replace(/Client$/, '');
      const operation = `${service}.${(context.commandName ?? 'Unknown').replace(/Command$/, '')}`;
      try {
        const output = await next(args);
        counter.record(operation, false);
        return output;
      } catch (error) {
        // An attempt that got no answer (a reset keep-alive socket, a timeout) reached no quota: not an API call.
        if (answered(error)) counter.record(operation, isThrottlingError(error));
        throw error;
      }
    },
    { step: 'finalizeRequest', priority: 'low', name: 'certMonitorCallCounter', override: true },
  );
  return client;
}

function answered(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: unknown } })?.$metadata?.httpStatusCode === 'number';
}

function baseConfig(config: ClientConfig) {
  return {
    region: config.region,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    maxAttempts: config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: config.retryMode ?? DEFAULT_RETRY_MODE,
  };
}

function counted<C>(client: C, config: ClientConfig): C {
  return config.calls ? countCalls(client, config.calls) : client;
}

export function createAcmClient(config: ClientConfig): ACMClient {
  return counted(new ACMClient(baseConfig(config)), config);
}

export function createAccountClient(config: ClientConfig): AccountClient {
  return counted(new AccountClient(baseConfig(config)), config);
}

/** Route 53 is global: its client always signs for us-east-1, whatever region the caller works in. */
export function createRoute53Client(config: ClientConfig): Route53Client {
  return counted(new Route53Client({ ...baseConfig(config), region: ROUTE53_REGION }), config);
}

export function createElbv2Client(config: ClientConfig): ElasticLoadBalancingV2Client {
  return counted(new ElasticLoadBalancingV2Client(baseConfig(config)), config);
}

/** CloudFront is global: its client always signs for us-east-1. */
export function createCloudFrontClient(config: ClientConfig): CloudFrontClient {
  return counted(new CloudFrontClient({ ...baseConfig(config), region: CLOUDFRONT_API_REGION }), config);
}

export function createApiGatewayClient(config: ClientConfig): APIGatewayClient {
  return counted(new APIGatewayClient(baseConfig(config)), config);
}

export function createOrganizationsClient(config: ClientConfig): OrganizationsClient {
  return counted(new OrganizationsClient(baseConfig(config)), config);
}

export function createStsClient(config: ClientConfig): STSClient {
  return counted(new STSClient(baseConfig(config)), config);
}

/** The clients one target's scan uses, all in the target's region with its account's audit-role credentials. */
export interface TargetClients {
  acm: ACMClient;
  /** Releases the clients' sockets once the target is scanned. */
  close(): void;
}

/** Opens a target's clients, recording their calls in `calls`; rejects with AssumeRoleError when the role is refused. */
export type OpenTargetClients = (target: Target, calls: CallCounter) => Promise<TargetClients>;

/**
 * Target clients with the audit role's credentials. The role is assumed before any client is made so a refusal
 * surfaces as AssumeRoleError; afterwards the clients ask the cache again and get renewed credentials near expiry.
 */
export function auditRoleClients(
  roles: RoleCredentials,
  config: Omit<ClientConfig, 'region' | 'credentials' | 'calls'> = {},
): OpenTargetClients {
  return async (target, calls) => {
    await roles.get(target.accountId, calls);
    const targetConfig: ClientConfig = {
      ...config,
      region: target.region,
      credentials: roles.provider(target.accountId, calls),
      calls,
    };
    const acm = createAcmClient(targetConfig);
    return { acm, close: () => acm.destroy() };
  };
}
