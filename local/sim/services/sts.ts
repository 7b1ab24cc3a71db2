/** STS (awsQuery, XML answers): AssumeRole with trust, ExternalId and duration checks; GetCallerIdentity. */
import { parseSessionPolicy, SESSION_POLICY_MAX_CHARS } from '../session-policy';
import { AwsError } from '../wire';
import { type HandlerContext, type Input, intInput, type ServiceDefinition } from './context';

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function validation(message: string): AwsError {
  return new AwsError('ValidationError', message, 400);
}

function assumeRole(input: Input, ctx: HandlerContext) {
  const roleArn = String(input.RoleArn ?? '');
  const sessionName = String(input.RoleSessionName ?? '');
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw validation(`${roleArn || 'RoleArn'} is invalid`);
  if (!SESSION_NAME.test(sessionName)) {
    throw validation(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const duration = intInput(input, 'DurationSeconds', { min: 900, max: 43_200 }, validation) ?? 3600;
  const accountId = match[1] as string;
  const roleName = match[2] as string;
  const denied = new AwsError(
    'AccessDenied',
    `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    403,
  );
  const account = ctx.org.account(accountId);
  const role = ctx.org.role(accountId, roleName);
  if (!account || !role || ctx.org.stateOf(account) !== 'ACTIVE') throw denied;
  if (ctx.faults.isRoleDenied(accountId, roleName)) throw denied;
  if (role.externalId !== undefined && input.ExternalId !== role.externalId) throw denied;
  const trusted = role.trustedPrincipalArns ?? [`arn:aws:iam::${ctx.org.managementAccountId}:root`];
  if (!trusted.some((principal) => trusts(principal, ctx))) throw denied;
  // Role chaining (an assumed role assuming another) is capped at one hour, as in IAM.
  const maxDuration = ctx.caller.kind === 'assumed-role' ? 3600 : role.maxSessionDurationSeconds;
  if (duration > maxDuration) {
    throw validation(
      `The requested DurationSeconds exceeds the ${
        ctx.caller.kind === 'assumed-role'
          ? '1 hour session limit for roles assumed by role chaining'
          : 'MaxSessionDuration set for this role'
      }.`,
    );
  }
  // The session's permissions are the role's and this policy's intersection (checked on every call it makes).
  const policyText = typeof input.Policy === 'string' && input.Policy !== '' ? input.Policy : undefined;
  const policy = policyText === undefined ? undefined : parseSessionPolicy(policyText);
  const expiresAtMs = ctx.clock.nowMs() + duration * 1000;
  const session = ctx.issueSession(accountId, roleName, sessionName, expiresAtMs, policy);
  return {
    Credentials: {
      AccessKeyId: session.accessKeyId,
      SecretAccessKey: session.secretAccessKey,
      SessionToken: session.sessionToken,
      Expiration: new Date(expiresAtMs),
    },
    AssumedRoleUser: { AssumedRoleId: session.userId, Arn: session.arn },
    // AWS reports the packed (compressed) size; the plaintext share of its limit is the simulator's estimate.
    PackedPolicySize: policyText ? Math.ceil((policyText.length / SESSION_POLICY_MAX_CHARS) * 100) : 0,
  };
}

/** `arn:aws:iam::<account>:root` trusts every principal of that account; other ARNs name one user or role. */
function trusts(principal: string, ctx: HandlerContext): boolean {
  const { caller } = ctx;
  if (principal === '*') return true;
  if (principal === `arn:aws:iam::${caller.accountId}:root` || principal === caller.accountId) return true;
  if (principal === caller.arn) return true;
  return caller.kind === 'assumed-role' && principal === `arn:aws:iam::${caller.accountId}:role/${caller.roleName}`;
}

function getCallerIdentity(_input: Input, ctx: HandlerContext) {
  return { UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn };
}

export const sts: ServiceDefinition = {
  scope: 'sts',
  name: 'STS',
  iamPrefix: 'sts',
  protocol: 'awsQuery',
  xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
  regional: true,
  throttle: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  operations: { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity },
};
