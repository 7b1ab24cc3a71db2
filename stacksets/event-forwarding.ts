/**
 * What forwards ACM and CloudTrail events from a member account-region to the hub's event bus, as two plain
 * CloudFormation templates (no CDK assets, no bootstrap), for the same reason as the audit role: the organization
 * stack hands them to StackSets, and the JSON files written from them deploy by hand (the management account, which
 * service-managed StackSets never reach, or a single account).
 *
 * - The role (`event-forwarding-role.template.json`) that EventBridge assumes to put events on the hub bus: IAM is
 *   global, so it goes in ONE region per account (a one-region StackSet); the same named role in an all-regions
 *   StackSet would clash with itself in the second region.
 * - The rules (`event-forwarding-rule.template.json`) on the default bus of every region, matching the patterns of
 *   lambdas/core/events/patterns.ts and targeting the hub bus with that role (a cross-account bus target must carry a
 *   RoleArn when the receiving bus trusts an organization).
 */
import { forwardedEventPatterns } from '../lambdas/core/events/patterns';
import { PRODUCT_NAME } from '../lambdas/core/names';

/** The templates' parameter names (the StackSets pass values under these keys). */
export const EVENT_FORWARDING_PARAMETERS = {
  hubEventBusArn: 'HubEventBusArn',
  roleName: 'ForwardingRoleName',
} as const;

export const DEFAULT_FORWARDING_ROLE_NAME = `${PRODUCT_NAME}-event-forwarding`;

/** Where the generated templates are committed, relative to the repository root. */
export const EVENT_FORWARDING_ROLE_TEMPLATE_FILE = 'stacksets/event-forwarding-role.template.json';
export const EVENT_FORWARDING_RULE_TEMPLATE_FILE = 'stacksets/event-forwarding-rule.template.json';

export const FORWARDING_ROLE_LOGICAL_ID = 'ForwardingRole';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const HUB_BUS_ARN_PATTERN = '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$';

function parameters(): { [key: string]: Json } {
  const p = EVENT_FORWARDING_PARAMETERS;
  return {
    [p.hubEventBusArn]: {
      Type: 'String',
      AllowedPattern: HUB_BUS_ARN_PATTERN,
      ConstraintDescription: "must be the hub's event bus ARN (the hub stack's EventBusArn output)",
      Description: "ARN of the certificate monitor hub's event bus (the hub stack's EventBusArn output).",
    },
    [p.roleName]: {
      Type: 'String',
      Default: DEFAULT_FORWARDING_ROLE_NAME,
      AllowedPattern: '[\\w+=,.@-]{1,64}',
      Description: 'Name of the role EventBridge assumes to put the events on the hub bus (one per account).',
    },
  };
}

/** The forwarding role's `AWS::IAM::Role` properties, in CloudFormation's spelling: values or intrinsics. */
export function forwardingRoleProperties(values: { hubEventBusArn: Json; roleName: Json }): { [key: string]: Json } {
  return {
    RoleName: values.roleName,
    Description: "EventBridge forwards this account's ACM and certificate-use events to the monitor hub",
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
          // Only this account's own rules may use it (the confused-deputy guard).
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    },
    Policies: [
      {
        PolicyName: 'PutEventsOnHubBus',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: values.hubEventBusArn }],
        },
      },
    ],
    Tags: [{ Key: 'managed-by', Value: PRODUCT_NAME }],
  };
}

/** The forwarding rules (logical id and `AWS::Events::Rule` properties), one per forwarded pattern. */
export function forwardingRules(values: {
  hubEventBusArn: Json;
  roleArn: Json;
}): Array<{ logicalId: string; properties: { [key: string]: Json } }> {
  const names = ['AcmEvents', 'CertificateUseCalls'];
  return forwardedEventPatterns().map((pattern, index) => ({
    logicalId: `${names[index] ?? `Pattern${index}`}Rule`,
    properties: {
      Description: `Forwards ${index === 0 ? 'ACM events and ACM API calls' : 'calls that attach or detach certificates'} to the ${PRODUCT_NAME} hub`,
      EventBusName: 'default',
      State: 'ENABLED',
      EventPattern: pattern as unknown as Json,
      Targets: [{ Id: 'HubEventBus', Arn: values.hubEventBusArn, RoleArn: values.roleArn }],
    },
  }));
}

/** The one-region template: the role the forwarding rules of every region of the account use. */
export function buildForwardingRoleTemplate(): { [key: string]: Json } {
  const p = EVENT_FORWARDING_PARAMETERS;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${PRODUCT_NAME} event forwarding role: lets EventBridge in this account put certificate events on the hub's bus.`,
    Metadata: { [PRODUCT_NAME]: { GeneratedFrom: 'stacksets/event-forwarding.ts' } },
    Parameters: parameters(),
    Resources: {
      [FORWARDING_ROLE_LOGICAL_ID]: {
        Type: 'AWS::IAM::Role',
        Properties: forwardingRoleProperties({
          hubEventBusArn: { Ref: p.hubEventBusArn },
          roleName: { Ref: p.roleName },
        }),
      },
    },
    Outputs: { ForwardingRoleArn: { Value: { 'Fn::GetAtt': [FORWARDING_ROLE_LOGICAL_ID, 'Arn'] } } },
  };
}

/** The every-region template: one rule per pattern on the default bus, targeting the hub bus with the role. */
export function buildForwardingRuleTemplate(): { [key: string]: Json } {
  const p = EVENT_FORWARDING_PARAMETERS;
  const rules = forwardingRules({
    hubEventBusArn: { Ref: p.hubEventBusArn },
    roleArn: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:role/\${${p.roleName}}` },
  });
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `${PRODUCT_NAME} event forwarding rules: certificate events of this region to the hub's bus.`,
    Metadata: { [PRODUCT_NAME]: { GeneratedFrom: 'stacksets/event-forwarding.ts' } },
    Parameters: parameters(),
    Resources: Object.fromEntries(
      rules.map((rule) => [rule.logicalId, { Type: 'AWS::Events::Rule', Properties: rule.properties }]),
    ),
  };
}

export function renderForwardingRoleTemplate(): string {
  return JSON.stringify(buildForwardingRoleTemplate());
}

export function renderForwardingRuleTemplate(): string {
  return JSON.stringify(buildForwardingRuleTemplate());
}
