/**
 * The read-only audit role every member account gets, as a plain CloudFormation template (no CDK assets, no
 * bootstrap): the organization stack hands it to a StackSet as its templateBody, and
 * `stacksets/audit-role.template.json` (written from it) can be deployed by hand with
 * `aws cloudformation deploy`. The permissions are the actions the adapters of the enabled feature sets declare
 * (lambdas/aws/permissions.ts), so the role and the code cannot drift and a feature that is off adds nothing; the
 * generated JSON itself depends on nothing.
 */
import { HUB_ROLE_ARN_PATTERN } from '../infra/role-names';
import {
  ACTION_EXPOSURE,
  auditRoleActions,
  enabledFeatureSets,
  SCOPED_ACTION_RESOURCES,
} from '../lambdas/aws/permissions';
import { DEFAULT_AUDIT_ROLE_NAME, PRODUCT_NAME } from '../lambdas/core/names';

/** The template's parameter names (the StackSet passes values under these keys). */
export const AUDIT_ROLE_PARAMETERS = {
  roleName: 'RoleName',
  externalId: 'ExternalId',
  trustedPrincipalArns: 'TrustedPrincipalArns',
  principalOrgId: 'PrincipalOrgId',
} as const;

/** Logical id of the role in the template. */
export const AUDIT_ROLE_LOGICAL_ID = 'AuditRole';

/** Where the generated template is committed, relative to the repository root. */
export const AUDIT_ROLE_TEMPLATE_FILE = 'stacksets/audit-role.template.json';

/** CloudFormation's limit for a StackSet templateBody. */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

const HAS_PRINCIPAL_ORG_ID = 'HasPrincipalOrgId';

/**
 * Why the certificate statement says Resource "*". Accurate per the Service Authorization Reference:
 * ListCertificates takes no resource, and DescribeCertificate and ListTagsForCertificate can at most be narrowed
 * to "this account's certificates", which is all a role that only acts in its own account can reach anyway.
 * account:ListRegions is different: in the management account (or a delegated administrator) "*" would let it
 * list the regions of every member account, so it is granted on this account only.
 */
const RESOURCE_SCOPING =
  'acm:ListCertificates does not support resource-level permissions. acm:DescribeCertificate and ' +
  'acm:ListTagsForCertificate could only be narrowed to every certificate of this account, which is what "*" ' +
  'grants a role that acts only in its own account; so they are granted on "*". account:ListRegions is granted ' +
  'on this account only (arn:<partition>:account::<this account>:account), so even in the management account ' +
  'it cannot list the regions of other accounts. The role reads ACM certificate metadata, certificate tags and ' +
  'enabled region names; it cannot read other services, export private keys or change anything.';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** A CloudFormation JSON value: a literal or an intrinsic function such as `{ Ref: 'RoleName' }`. */
export type CfnValue = Json;

/** The trust policy's condition block: the external id, and the caller's organization when one is given. */
export function auditRoleTrustCondition(externalId: CfnValue, principalOrgId?: CfnValue): CfnValue {
  return {
    StringEquals: {
      'sts:ExternalId': externalId,
      ...(principalOrgId === undefined ? {} : { 'aws:PrincipalOrgID': principalOrgId }),
    },
  };
}

export interface AuditRolePropertiesInput {
  roleName: CfnValue;
  /** Optional feature sets to grant besides the core scan (config `certMonitor.features`). @default none */
  features?: readonly string[];
  /** Role ARNs (a list, or a Ref to a CommaDelimitedList). Only these principals may assume the role. */
  trustedPrincipalArns: CfnValue;
  /** From auditRoleTrustCondition (or an Fn::If choosing between two of them). */
  trustCondition: CfnValue;
}

/** The `AWS::IAM::Role` properties, in CloudFormation's own spelling. */
export interface AuditRoleCfnProperties {
  RoleName: CfnValue;
  Description: string;
  MaxSessionDuration: number;
  AssumeRolePolicyDocument: { [key: string]: Json };
  Policies: Array<{ PolicyName: string; PolicyDocument: { [key: string]: Json } }>;
  Tags: Array<{ Key: string; Value: string }>;
}

/**
 * The role's properties. The template and the management account's copy of the role (created by the
 * organization stack, because StackSets never deploy there) are both built from this, so they are the same role.
 */
export function auditRoleProperties(input: AuditRolePropertiesInput): AuditRoleCfnProperties {
  return {
    RoleName: input.roleName,
    Description: `Read-only access to ACM certificates, their tags and this account's enabled regions for the ${PRODUCT_NAME} hub (assumed with an external id).`,
    MaxSessionDuration: 3600,
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'HubRolesWithExternalId',
          Effect: 'Allow',
          Principal: { AWS: input.trustedPrincipalArns },
          Action: 'sts:AssumeRole',
          Condition: input.trustCondition,
        },
      ],
    },
    Policies: [
      {
        PolicyName: `${PRODUCT_NAME}-read-certificates`,
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: permissionStatements(input.features),
        },
      },
    ],
    Tags: [{ Key: 'product', Value: PRODUCT_NAME }],
  };
}

/**
 * The role's permissions: the actions that cannot be scoped below this account on "*" in one statement, and each
 * action that can be scoped (SCOPED_ACTION_RESOURCES) on its resource in this account.
 */
function permissionStatements(features?: readonly string[]): Json[] {
  const actions = auditRoleActions(features);
  const unscoped = actions.filter((action) => SCOPED_ACTION_RESOURCES[action] === undefined);
  const scoped = actions.filter((action) => SCOPED_ACTION_RESOURCES[action] !== undefined);
  return [
    { Sid: 'ReadCertificates', Effect: 'Allow', Action: unscoped, Resource: '*' },
    ...scoped.map((action) => ({
      Sid: action
        .split(':')
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join(''),
      Effect: 'Allow',
      Action: [action],
      Resource: { 'Fn::Sub': SCOPED_ACTION_RESOURCES[action] as string },
    })),
  ];
}

/** The whole member-account template, granting the core scan and the optional feature sets named. */
export function buildAuditRoleTemplate(features: readonly string[] = []): { [key: string]: Json } {
  const ref = (name: string): Json => ({ Ref: name });
  const p = AUDIT_ROLE_PARAMETERS;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      `${PRODUCT_NAME} audit role: lets the hub's scanner read ACM certificates in this account. ` +
      'Its ACM read actions cannot be scoped below this account, so they are granted on "*" (see Metadata).',
    Metadata: {
      [PRODUCT_NAME]: {
        FeatureSets: enabledFeatureSets(features),
        Actions: auditRoleActions(features),
        Exposes: Object.fromEntries(
          auditRoleActions(features).map((action) => [action, ACTION_EXPOSURE[action] ?? '']),
        ),
        ResourceScoping: RESOURCE_SCOPING,
        GeneratedFrom: 'stacksets/audit-role.ts',
      },
    },
    Parameters: {
      [p.roleName]: {
        Type: 'String',
        Default: DEFAULT_AUDIT_ROLE_NAME,
        AllowedPattern: '[\\w+=,.@-]{1,64}',
        Description: 'Name of the role; the hub assumes arn:<partition>:iam::<account>:role/<RoleName>.',
      },
      [p.externalId]: {
        Type: 'String',
        NoEcho: true,
        MinLength: 2,
        MaxLength: 1224,
        AllowedPattern: '[\\w+=,.@:/-]+',
        Description: "The external id from the hub's certMonitor.externalId setting.",
      },
      [p.trustedPrincipalArns]: {
        Type: 'CommaDelimitedList',
        // Applied to each item: only the hub's own scanner or events role ARN, never an account root, a user or "*".
        AllowedPattern: HUB_ROLE_ARN_PATTERN,
        ConstraintDescription: `must be the hub's scanner or events role: arn:<partition>:iam::<hub account>:role/${PRODUCT_NAME}-scanner-<hub region> (or -events-)`,
        Description:
          "ARNs of the hub's scanner role and, with the event path on, its events role (the only principals allowed to assume this role).",
      },
      [p.principalOrgId]: {
        Type: 'String',
        Default: '',
        AllowedPattern: '^$|^o-[a-z0-9]{10,32}$',
        Description: 'Optional organization id (o-...); when set, callers must also belong to this organization.',
      },
    },
    Conditions: {
      [HAS_PRINCIPAL_ORG_ID]: { 'Fn::Not': [{ 'Fn::Equals': [ref(p.principalOrgId), ''] }] },
    },
    Resources: {
      [AUDIT_ROLE_LOGICAL_ID]: {
        Type: 'AWS::IAM::Role',
        Properties: {
          ...auditRoleProperties({
            roleName: ref(p.roleName),
            features,
            trustedPrincipalArns: ref(p.trustedPrincipalArns),
            trustCondition: {
              'Fn::If': [
                HAS_PRINCIPAL_ORG_ID,
                auditRoleTrustCondition(ref(p.externalId), ref(p.principalOrgId)),
                auditRoleTrustCondition(ref(p.externalId)),
              ],
            },
          }),
        },
      },
    },
    Outputs: {
      RoleArn: {
        Description: 'ARN of the audit role.',
        Value: { 'Fn::GetAtt': [AUDIT_ROLE_LOGICAL_ID, 'Arn'] },
      },
    },
  };
}

/** The template as the StackSet's templateBody. */
export function renderAuditRoleTemplate(features: readonly string[] = []): string {
  return JSON.stringify(buildAuditRoleTemplate(features));
}
