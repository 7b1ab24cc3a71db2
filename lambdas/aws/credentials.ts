/**
 * Credentials of the audit role in each member account: AssumeRole with the ExternalId, a session name CloudTrail
 * readers recognise and, per caller, a session policy that leaves the session only the actions that caller makes;
 * cached per account and reused until close to expiry. Concurrent requests for one account (its regions scanned in
 * parallel) share one AssumeRole call.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsErrorKind } from '../core/failures';
import { WHOLE_ACCOUNT } from '../core/model';
import { ROLE_SESSION_PREFIX } from '../core/names';
import { iamRoleArn, partitionOfArn, partitionOfRegion } from '../core/partition';
import { type Clock, systemClock } from '../core/ports';
import type { CallCounter } from './call-counter';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';
import type { PolicyDocument } from './permissions';

/** Static or refreshable AWS credentials (structurally the SDK's AwsCredentialIdentity and its provider). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialsProvider = () => Promise<AwsCredentials>;

/** Credentials closer than this to expiry are renewed before use. */
const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60_000;
const ROLE_SESSION_SECONDS = 3600;
const SESSION_NAME_MAX = 64;
/** The most plaintext characters AssumeRole takes in `Policy`. */
export const SESSION_POLICY_MAX_CHARS = 2048;

/**
 * `cert-monitor-<runId>`, reduced to what STS accepts (`[\w+=,.@-]`, 2 to 64 characters). Long run ids keep their
 * end, which is the distinctive part of a timestamped id.
 */
export function roleSessionName(runId: string): string {
  const prefix = `${ROLE_SESSION_PREFIX}-`;
  const id = runId.replace(/[^\w+=,.@-]/g, '-');
  const room = SESSION_NAME_MAX - prefix.length;
  return `${prefix}${id.length > room ? id.slice(id.length - room) : id}`;
}

function auditRoleArn(accountId: string, roleName: string, partition: string): string {
  return iamRoleArn(partition, accountId, roleName);
}

export class AssumeRoleError extends AwsAdapterError {
  readonly roleArn: string;

  constructor(accountId: string, roleArn: string, error: unknown) {
    const code = awsErrorCode(error);
    super(`cannot assume ${roleArn} (${code}: ${awsErrorMessage(error)})`, {
      accountId,
      region: WHOLE_ACCOUNT,
      code,
      operation: 'STS.AssumeRole',
      likelyCause: likelyAssumeRoleCause(code),
      cause: error,
    });
    this.roleArn = roleArn;
  }
}

/** AssumeRole is the hub's own call: an expired or unknown token there is the hub's, not the member account's. */
function likelyAssumeRoleCause(code: string): string {
  const kind = awsErrorKind(code);
  if (kind === 'expiredCredentials' || kind === 'notEnabled') return "the hub's own credentials are expired or invalid";
  switch (code) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return 'the audit role is missing in this account (StackSet not deployed there yet), its trust policy does not name the hub, the ExternalId does not match, or a service control policy denies sts:AssumeRole';
    case 'MalformedPolicyDocument':
    case 'MalformedPolicyDocumentException':
    case 'PackedPolicyTooLarge':
    case 'PackedPolicyTooLargeException':
      return "STS refused the session policy this function passes; it is built from the adapters' declared actions (lambdas/aws/permissions.ts)";
    case 'RegionDisabledException':
      return 'STS is not activated in the hub region for this account; activate the regional STS endpoint or use another region';
    default:
      return 'see the AWS error message';
  }
}

export interface RoleCredentialsOptions {
  sts: STSClient;
  roleName: string;
  externalId?: string;
  runId: string;
  /** The hub's partition. @default the partition of the STS client's region (the hub's own) */
  partition?: string;
  /** @default ROLE_SESSION_SECONDS */
  durationSeconds?: number;
  /** @default CREDENTIALS_REFRESH_MARGIN_MS */
  refreshMarginMs?: number;
  /**
   * Limits the session to what this policy allows too (IAM grants the intersection with the role's policies).
   * @default - the session has every permission of the role
   */
  sessionPolicy?: PolicyDocument;
  clock?: Clock;
}

/** The audit role's credentials for every account of a run, cached per account. */
export class RoleCredentials {
  readonly roleName: string;
  private readonly cache = new Map<string, Promise<AwsCredentials>>();
  private readonly sessionName: string;
  private readonly policy: string | undefined;
  private partition?: Promise<string>;

  constructor(private readonly options: RoleCredentialsOptions) {
    this.roleName = options.roleName;
    this.sessionName = roleSessionName(options.runId);
    this.policy = options.sessionPolicy ? JSON.stringify(options.sessionPolicy) : undefined;
    if (this.policy && this.policy.length > SESSION_POLICY_MAX_CHARS) {
      throw new Error(
        `the session policy is ${this.policy.length} characters; AssumeRole takes at most ${SESSION_POLICY_MAX_CHARS}: use wildcards for related actions or split the caller`,
      );
    }
  }

  /** The audit role's ARN in `accountId`, in the hub's partition. */
  async roleArn(accountId: string): Promise<string> {
    this.partition ??= this.options.partition
      ? Promise.resolve(this.options.partition)
      : this.options.sts.config.region().then(partitionOfRegion);
    return auditRoleArn(accountId, this.options.roleName, await this.partition);
  }

  /**
   * Cached credentials, or a new AssumeRole when there are none or they are close to expiry.
   * `calls` records the AssumeRole call against the target that caused it. Rejects with AssumeRoleError.
   */
  async get(accountId: string, calls?: CallCounter): Promise<AwsCredentials> {
    const cached = this.cache.get(accountId);
    if (cached) {
      // Joining a call in flight shares its outcome, failure included; failures are not kept once settled.
      const credentials = await cached;
      if (!this.nearExpiry(credentials)) return credentials;
      const current = this.cache.get(accountId);
      if (current && current !== cached) return current;
    }
    const pending = this.assume(accountId, calls);
    this.cache.set(accountId, pending);
    pending.catch(() => {
      if (this.cache.get(accountId) === pending) this.cache.delete(accountId);
    });
    return pending;
  }

  /** A provider for SDK clients: the SDK calls it again when the credentials it holds near their expiration. */
  provider(accountId: string, calls?: CallCounter): CredentialsProvider {
    return () => this.get(accountId, calls);
  }

  private nearExpiry(credentials: AwsCredentials): boolean {
    if (!credentials.expiration) return false;
    const now = (this.options.clock ?? systemClock)().getTime();
    return credentials.expiration.getTime() - now < (this.options.refreshMarginMs ?? CREDENTIALS_REFRESH_MARGIN_MS);
  }

  private async assume(accountId: string, calls?: CallCounter): Promise<AwsCredentials> {
    const roleArn = await this.roleArn(accountId);
    calls?.add('STS.AssumeRole');
    try {
      const { Credentials: c } = await this.options.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: this.sessionName,
          DurationSeconds: this.options.durationSeconds ?? ROLE_SESSION_SECONDS,
          ...(this.options.externalId ? { ExternalId: this.options.externalId } : {}),
          ...(this.policy ? { Policy: this.policy } : {}),
        }),
      );
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole answered without credentials');
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
    } catch (error) {
      throw new AssumeRoleError(accountId, roleArn, error);
    }
  }
}

/**
 * Credentials of one named role (e.g. an organization-read role in the management account), refreshed near expiry.
 */
export function roleArnCredentials(options: {
  sts: STSClient;
  roleArn: string;
  runId: string;
  externalId?: string;
}): CredentialsProvider {
  const accountId = /^arn:[^:]+:iam::(\d{12}):role\//.exec(options.roleArn)?.[1];
  if (!accountId) throw new Error(`not an IAM role ARN: ${options.roleArn}`);
  const roles = new RoleCredentials({
    sts: options.sts,
    roleName: options.roleArn.slice(options.roleArn.indexOf(':role/') + ':role/'.length),
    runId: options.runId,
    partition: partitionOfArn(options.roleArn) ?? options.roleArn.split(':')[1] ?? 'aws',
    ...(options.externalId ? { externalId: options.externalId } : {}),
  });
  return roles.provider(accountId);
}
