/** What an operation handler gets: the organization, the caller, and the means to issue session credentials. */
import type { SimClock } from '../clock';
import type { SimService } from '../counters';
import type { Faults } from '../faults';
import type { SimOrganization } from '../org';
import type { SessionPolicy } from '../session-policy';
import type { SimBuckets, SimSecrets } from '../storage';
import { AwsError, type Protocol } from '../wire';

export interface Principal {
  accountId: string;
  /** `arn:aws:iam::<account>:user/<name>` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
  userId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  kind: 'user' | 'assumed-role';
  roleName?: string;
  /** Simulation-clock expiry of session credentials. */
  expiresAtMs?: number;
  /** The session policy the session was assumed with: it may do only what this allows. */
  sessionPolicy?: SessionPolicy;
}

export interface HandlerContext {
  org: SimOrganization;
  clock: SimClock;
  faults: Faults;
  caller: Principal;
  region: string;
  issueSession(
    accountId: string,
    roleName: string,
    sessionName: string,
    expiresAtMs: number,
    sessionPolicy?: SessionPolicy,
  ): Principal;
  /** The hub's own resources: S3 buckets and Secrets Manager secrets. */
  buckets: SimBuckets;
  secrets: SimSecrets;
}

export type Input = Record<string, unknown>;
export type Handler = (input: Input, ctx: HandlerContext) => unknown;

export interface ServiceDefinition {
  /** The SigV4 credential-scope name (`acm`, `sts`, `organizations`, `account`, `tagging`, `s3`, `secretsmanager`). */
  scope: string;
  name: SimService;
  /** The service prefix of its IAM actions (`acm`, `account`, `tag`, ...): an operation's action is `prefix:Operation`. */
  iamPrefix: string;
  /** The IAM action of an operation when it is not `prefix:Operation` (API Gateway authorizes reads as `apigateway:GET`). */
  iamAction?: (operation: string) => string;
  protocol: Protocol;
  /** awsJson: the `X-Amz-Target` prefix before the dot. */
  targetPrefix?: string;
  /** restJson: `METHOD /path` → operation. */
  routes?: Record<string, string>;
  /**
   * restXml, and restJson operations with path parameters: the operation and its path parameters from the method and
   * the path (undefined: not an operation).
   */
  route?: (method: string, path: string) => { operation: string; params: Input } | undefined;
  xmlNamespace?: string;
  /** Regional services refuse callers whose account has not enabled the region. */
  regional: boolean;
  throttle: { code: string; status: number; message: string };
  operations: Record<string, Handler>;
}

/** Optional integer input within bounds, else the service's validation error. */
export function intInput(
  input: Input,
  field: string,
  bounds: { min: number; max: number },
  fail: (message: string) => AwsError,
): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) {
    throw fail(
      `Value '${String(value)}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must be an integer`,
    );
  }
  if (number < bounds.min || number > bounds.max) {
    const side = number < bounds.min ? `greater than or equal to ${bounds.min}` : `less than or equal to ${bounds.max}`;
    throw fail(
      `1 validation error detected: Value '${number}' at '${lowerFirst(field)}' failed to satisfy constraint: Member must have value ${side}`,
    );
  }
  return number;
}

export function stringList(input: Input, field: string): string[] | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new AwsError('ValidationException', `${field} must be a list of strings`);
  }
  return value as string[];
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
