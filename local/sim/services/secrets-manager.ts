/**
 * Secrets Manager (awsJson 1.1): CreateSecret, GetSecretValue and PutSecretValue of string secrets, by name or ARN,
 * in the caller's account and region.
 */
import { AwsError } from '../wire';
import type { HandlerContext, Input, ServiceDefinition } from './context';

function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError('InvalidParameterException', `${field} is required and must be a string.`, 400);
  }
  return value;
}

function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AwsError('InvalidParameterException', `${field} must be a string.`, 400);
  return value;
}

function createSecret(input: Input, ctx: HandlerContext) {
  const secret = ctx.secrets.create(
    ctx.caller.accountId,
    ctx.region,
    requiredString(input, 'Name'),
    optionalString(input, 'SecretString'),
    ctx.clock.now(),
  );
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId };
}

function getSecretValue(input: Input, ctx: HandlerContext) {
  const secret = ctx.secrets.get(ctx.caller.accountId, ctx.region, requiredString(input, 'SecretId'));
  return {
    ARN: secret.arn,
    Name: secret.name,
    VersionId: secret.versionId,
    SecretString: secret.value,
    VersionStages: ['AWSCURRENT'],
    CreatedDate: secret.createdDate,
  };
}

function putSecretValue(input: Input, ctx: HandlerContext) {
  const secret = ctx.secrets.put(
    ctx.caller.accountId,
    ctx.region,
    requiredString(input, 'SecretId'),
    requiredString(input, 'SecretString'),
  );
  return { ARN: secret.arn, Name: secret.name, VersionId: secret.versionId, VersionStages: ['AWSCURRENT'] };
}

export const secretsManager: ServiceDefinition = {
  scope: 'secretsmanager',
  name: 'SecretsManager',
  iamPrefix: 'secretsmanager',
  protocol: 'awsJson1_1',
  targetPrefix: 'secretsmanager',
  regional: true,
  throttle: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  operations: { CreateSecret: createSecret, GetSecretValue: getSecretValue, PutSecretValue: putSecretValue },
};
