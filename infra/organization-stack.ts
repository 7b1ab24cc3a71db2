/**
 * What the organization's administration account provides to the hub: the audit role in every member account
 * (StackSet), the same role in the management account itself (StackSets never deploy there), and a role the
 * hub's ListTargets assumes to list the organization's accounts when the hub runs elsewhere.
 *
 * Deploy it after the hub stack: IAM rejects a trust policy naming a role that does not exist yet.
 */
import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnRule } from 'aws-cdk-lib/aws-events';
import { ArnPrincipal, CfnRole, PolicyStatement, Role } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ORGANIZATIONS_LIST_ACTIONS, ORGANIZATIONS_ROUTING_ACTIONS } from '../lambdas/aws/organizations';
import { auditRoleProperties, auditRoleTrustCondition } from '../stacksets/audit-role';
import { DEFAULT_FORWARDING_ROLE_NAME, forwardingRoleProperties, forwardingRules } from '../stacksets/event-forwarding';
import type { CertMonitorConfig, OrganizationConfig } from './config';
import { AuditRoleStackSet, AuditRoleTargets } from './constructs/audit-role-stack-set';
import { EventForwardingStackSets } from './constructs/event-forwarding-stack-sets';
import { resolveEventsConfig } from './events-settings';
import { acknowledgeFinding } from './nag';
import {
  hubEventBusArn,
  hubPrincipalArns,
  listTargetsRoleName,
  needsOrganizationReadRole,
  ORGANIZATION_READ_ROLE_NAME,
  roleArn,
} from './role-names';

export interface OrganizationStackProps extends StackProps {
  readonly config: CertMonitorConfig;
  readonly organization: OrganizationConfig;
}

export class OrganizationStack extends Stack {
  readonly stackSet: AuditRoleStackSet;
  /** The audit role in this (management) account; absent when deployed by a delegated administrator. */
  readonly managementAccountAuditRole?: CfnRole;
  /** Present when the hub lists the organization from another account. */
  readonly organizationReadRole?: Role;
  /** Present when the event path is on. */
  readonly eventForwarding?: EventForwardingStackSets;
  /** The forwarding role and this region's rules in this (management) account, when the event path is on. */
  readonly managementAccountForwarding?: { role: CfnRole; rules: CfnRule[] };

  constructor(scope: Construct, id: string, props: OrganizationStackProps) {
    const { config, organization } = props;
    super(scope, id, {
      description: 'Certificate monitor: audit role in every account of the organization (StackSet)',
      env: { account: organization.accountId, region: organization.region ?? config.hub.region },
      ...props,
    });
    const hub = { partition: Aws.PARTITION, accountId: config.hub.accountId, region: config.hub.region };
    const events = resolveEventsConfig(config);
    const trustedPrincipalArns = hubPrincipalArns(hub, { events: events !== undefined });
    const targets = organization.organizationRootId
      ? AuditRoleTargets.organization(organization.organizationRootId)
      : AuditRoleTargets.organizationalUnits(organization.organizationalUnitIds ?? []);

    this.stackSet = new AuditRoleStackSet(this, 'AuditRoles', {
      targets,
      region: this.region,
      callAs: organization.callAs,
      roleName: config.auditRoleName,
      externalId: config.externalId,
      trustedPrincipalArns,
      principalOrgId: organization.principalOrgId,
      features: config.features,
      failureTolerancePercentage: organization.failureTolerancePercentage,
      maxConcurrentPercentage: organization.maxConcurrentPercentage,
    });

    // From the management account (SELF) the stack can add the role there. A delegated administrator cannot
    // reach the management account; docs/deploy.md shows the one-command install for that case.
    if (organization.callAs === 'SELF') {
      const role = auditRoleProperties({
        roleName: config.auditRoleName,
        features: config.features,
        trustedPrincipalArns,
        trustCondition: auditRoleTrustCondition(config.externalId, organization.principalOrgId),
      });
      this.managementAccountAuditRole = new CfnRole(this, 'ManagementAccountAuditRole', {
        roleName: config.auditRoleName,
        description: role.Description,
        maxSessionDuration: role.MaxSessionDuration,
        assumeRolePolicyDocument: role.AssumeRolePolicyDocument,
        policies: role.Policies.map((policy) => ({
          policyName: policy.PolicyName,
          policyDocument: policy.PolicyDocument,
        })),
        tags: role.Tags.map((tag) => ({ key: tag.Key, value: tag.Value })),
      });
      acknowledgeFinding(
        this.managementAccountAuditRole,
        'AwsSolutions-IAM5[Resource::*]',
        'acm:ListCertificates takes no resource, and acm:DescribeCertificate and acm:ListTagsForCertificate can ' +
          "only be narrowed to this account's certificates, which is all the role reaches; account:ListRegions is " +
          'granted on this account only. The role is read-only and trusts only the hub roles, with the external id.',
      );
      new CfnOutput(this, 'ManagementAccountAuditRoleArn', {
        value: this.managementAccountAuditRole.attrArn,
      });
    }

    if (events) {
      // Named, not imported from the hub stack: the hub is often in another account, and the name is fixed.
      const busArn = hubEventBusArn(hub);
      this.eventForwarding = new EventForwardingStackSets(this, 'EventForwarding', {
        targets,
        roleRegion: this.region,
        ruleRegions: events.regions,
        callAs: organization.callAs,
        hubEventBusArn: busArn,
        roleName: DEFAULT_FORWARDING_ROLE_NAME,
        failureTolerancePercentage: organization.failureTolerancePercentage,
        maxConcurrentPercentage: organization.maxConcurrentPercentage,
      });
      if (organization.callAs === 'SELF') {
        this.managementAccountForwarding = this.forwardFromThisAccount(busArn);
      }
    }

    if (needsOrganizationReadRole(config)) {
      this.organizationReadRole = new Role(this, 'OrganizationReadRole', {
        roleName: ORGANIZATION_READ_ROLE_NAME,
        description: "Lets the certificate monitor hub's ListTargets list the organization's accounts",
        // Like the audit role: the hub's ListTargets role only, and only from inside the organization when its id
        // is configured.
        assumedBy: new ArnPrincipal(
          roleArn(hub.partition, hub.accountId, listTargetsRoleName(hub.region)),
        ).withConditions(
          organization.principalOrgId ? { StringEquals: { 'aws:PrincipalOrgID': organization.principalOrgId } } : {},
        ),
      });
      this.organizationReadRole.addToPolicy(
        new PolicyStatement({ sid: 'ListAccounts', actions: [...ORGANIZATIONS_LIST_ACTIONS], resources: ['*'] }),
      );
      // Owner routing's reads (account tags, OU ancestry), granted here once: this stack lives in the management
      // account, and turning routing on in the hub must not need a deployment there.
      this.organizationReadRole.addToPolicy(
        new PolicyStatement({
          sid: 'ReadAccountRouting',
          actions: [...ORGANIZATIONS_ROUTING_ACTIONS],
          resources: ['*'],
        }),
      );
      acknowledgeFinding(
        this.organizationReadRole,
        'AwsSolutions-IAM5[Resource::*]',
        'organizations:ListAccounts does not support resource-level permissions; ListTagsForResource and ListParents read every account of the organization, whose ids are only known once listed.',
      );
      new CfnOutput(this, 'OrganizationReadRoleArn', { value: this.organizationReadRole.roleArn });
    }
  }

  /**
   * The management account's own forwarding, from the same templates the StackSets deploy: the role, and the rules
   * of this stack's region. Its other regions take the rule template by hand (docs/deploy.md), like the audit role
   * in a delegated-administrator setup: a stack is one region.
   */
  private forwardFromThisAccount(busArn: string): { role: CfnRole; rules: CfnRule[] } {
    const properties = forwardingRoleProperties({ hubEventBusArn: busArn, roleName: DEFAULT_FORWARDING_ROLE_NAME });
    const policies = properties.Policies as Array<{ PolicyName: string; PolicyDocument: unknown }>;
    const role = new CfnRole(this, 'ManagementAccountForwardingRole', {
      roleName: DEFAULT_FORWARDING_ROLE_NAME,
      description: String(properties.Description),
      assumeRolePolicyDocument: properties.AssumeRolePolicyDocument,
      policies: policies.map((policy) => ({ policyName: policy.PolicyName, policyDocument: policy.PolicyDocument })),
      tags: (properties.Tags as Array<{ Key: string; Value: string }>).map((tag) => ({
        key: tag.Key,
        value: tag.Value,
      })),
    });
    const rules = forwardingRules({ hubEventBusArn: busArn, roleArn: role.attrArn }).map(
      ({ logicalId, properties: rule }) =>
        new CfnRule(this, `ManagementAccount${logicalId}`, {
          description: String(rule.Description),
          eventBusName: 'default',
          state: 'ENABLED',
          eventPattern: rule.EventPattern,
          targets: [{ id: 'HubEventBus', arn: busArn, roleArn: role.attrArn }],
        }),
    );
    return { role, rules };
  }
}
