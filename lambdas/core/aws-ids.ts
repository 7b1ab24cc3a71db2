/**
 * The shapes AWS gives its identifiers, written once: the deployment config (cdk.json), the Lambdas' environment,
 * the CLI options and the state machine's payloads all check account ids, role names, ExternalIds and role ARNs,
 * and four copies of each rule had started to disagree (one accepted any text after `role/`).
 * Each rule comes with the sentence a user needs to fix a wrong value.
 */

/** Account ids are exactly 12 digits, leading zeros included (so they travel as strings, never numbers). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const ACCOUNT_ID_RULE = 'a 12-digit AWS account id, e.g. "111111111111"';

/** IAM RoleName: 1-64 characters (CreateRole). */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
export const ROLE_NAME_RULE = 'an IAM role name: 1-64 characters from letters, digits and +=,.@_-';

/** A role to assume may sit under an IAM path (`/team/AuditRole`): the path becomes part of its ARN. */
export const ROLE_PATH_AND_NAME_PATTERN = /^(\/[\w+=,.@-]+)*\/?[\w+=,.@-]{1,64}$/;
export const ROLE_PATH_AND_NAME_RULE =
  'an IAM role name: 1-64 characters of letters, digits and +=,.@_- (optionally after a /path/)';

/** sts:ExternalId as AssumeRole accepts it. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
export const EXTERNAL_ID_RULE = '2-1224 characters from letters, digits and +=,.@:/_- (e.g. `openssl rand -hex 16`)';

/** A role ARN in any partition (`aws`, `aws-us-gov`, `aws-cn`), path allowed. */
export const ROLE_ARN_PATTERN = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
export const ROLE_ARN_RULE = 'an IAM role ARN, e.g. "arn:aws:iam::111111111111:role/cert-monitor-organization-read"';

export const isAccountId = (value: string): boolean => ACCOUNT_ID_PATTERN.test(value);
export const isRoleName = (value: string): boolean => ROLE_NAME_PATTERN.test(value);
export const isRolePathAndName = (value: string): boolean => ROLE_PATH_AND_NAME_PATTERN.test(value);
export const isExternalId = (value: string): boolean => EXTERNAL_ID_PATTERN.test(value);
export const isRoleArn = (value: string): boolean => ROLE_ARN_PATTERN.test(value);
