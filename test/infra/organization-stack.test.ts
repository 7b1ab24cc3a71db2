import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditRoleTargets } from '../../infra/constructs/audit-role-stack-set';
import { ENV } from '../../lambdas/core/names';
import { AUDIT_ROLE_LOGICAL_ID, buildAuditRoleTemplate, renderAuditRoleTemplate } from '../../stacksets/audit-role';
import {
  actionsOf,
  type Cfn,
  EXTERNAL_ID,
  HUB_ACCOUNT,
  MANAGEMENT_ACCOUNT,
  onlyResource,
  organizationConfig,
  resourcesOf,
  synthesize,
} from './fixtures';

const roleArn = (account: string, name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/${name}`]],
});
/** The audit role trusts the scanner only: ListTargets never opens a member account. */
const HUB_ROLE_ARNS = [roleArn(HUB_ACCOUNT, 'cert-monitor-scanner-eu-west-1')];

function parameters(stackSet: { Properties: Record<string, Cfn> }): Record<string, unknown> {
  return Object.fromEntries(
    stackSet.Properties.Parameters.map((p: { ParameterKey: string; ParameterValue: unknown }) => [
      p.ParameterKey,
      p.ParameterValue,
    ]),
  );
}

function rolesNamed(template: Template, name: string) {
  return Object.values(resourcesOf(template, 'AWS::IAM::Role')).filter((r) => r.Properties.RoleName === name);
}

describe('OrganizationStack', () => {
  describe('from the management account, for the whole organization', () => {
    let organization: Template;
    let hub: Template;

    beforeAll(() => {
      const synthesized = synthesize(organizationConfig({ principalOrgId: 'o-a1b2c3d4e5' }));
      organization = synthesized.organization!;
      hub = synthesized.hub;
    });

    it('deploys the audit role through a service-managed StackSet that follows the organization', () => {
      organization.hasResourceProperties('AWS::CloudFormation::StackSet', {
        StackSetName: 'cert-monitor-audit-role',
        PermissionModel: 'SERVICE_MANAGED',
        AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
        Capabilities: ['CAPABILITY_NAMED_IAM'],
        CallAs: 'SELF',
        StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['eu-west-1'] }],
        OperationPreferences: {
          FailureTolerancePercentage: 10,
          MaxConcurrentPercentage: 25,
          RegionConcurrencyType: 'PARALLEL',
        },
      });
    });

    it('passes the generated template inline, with the hub role ARNs and the external id', () => {
      const stackSet = onlyResource(organization, 'AWS::CloudFormation::StackSet');

      expect(stackSet.Properties.TemplateBody).toBe(renderAuditRoleTemplate());
      expect(parameters(stackSet)).toEqual({
        RoleName: 'CertAuditReadOnly',
        ExternalId: EXTERNAL_ID,
        TrustedPrincipalArns: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, `:iam::${HUB_ACCOUNT}:role/cert-monitor-scanner-eu-west-1`],
          ],
        },
        PrincipalOrgId: 'o-a1b2c3d4e5',
      });
    });

    it('adds the same audit role to the management account, where StackSets never deploy', () => {
      const [role] = rolesNamed(organization, 'CertAuditReadOnly');
      const templateRole = (buildAuditRoleTemplate() as Cfn).Resources[AUDIT_ROLE_LOGICAL_ID].Properties;

      expect(role?.Properties.Policies).toEqual(templateRole.Policies);
      expect(role?.Properties.MaxSessionDuration).toBe(templateRole.MaxSessionDuration);
      expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Sid: 'HubRolesWithExternalId',
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: HUB_ROLE_ARNS },
          Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID, 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        },
      ]);
      // In the management account "*" would let account:ListRegions list the regions of every member account.
      expect(role?.Properties.Policies[0].PolicyDocument.Statement).toContainEqual({
        Sid: 'AccountListRegions',
        Effect: 'Allow',
        Action: ['account:ListRegions'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text, not a JS template
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:account::${AWS::AccountId}:account' },
      });
    });

    it("lets only the hub's ListTargets role, from inside the organization, list accounts and read their routing, nothing else", () => {
      const [role] = rolesNamed(organization, 'cert-monitor-organization-read');
      const statements = Object.values(resourcesOf(organization, 'AWS::IAM::Policy')).flatMap(
        (p) => p.Properties.PolicyDocument.Statement,
      );

      expect(role?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Principal: { AWS: roleArn(HUB_ACCOUNT, 'cert-monitor-list-targets-eu-west-1') },
          Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
        },
      ]);
      expect(statements.flatMap(actionsOf)).toEqual([
        'organizations:ListAccounts',
        'organizations:ListTagsForResource',
        'organizations:ListParents',
      ]);
    });

    it("is the role the hub's ListTargets is told to assume", () => {
      const functions = Object.entries(resourcesOf(hub, 'AWS::Lambda::Function'));
      const told = functions.filter(([, fn]) => ENV.organizationRoleArn in fn.Properties.Environment.Variables);

      // ListTargets alone lists the organization, so it alone is told which role to assume for it.
      expect(told.map(([id]) => id.replace(/Function.*$/, ''))).toEqual(['ListTargets']);
      expect(told[0]?.[1].Properties.Environment.Variables[ENV.organizationRoleArn]).toEqual(
        roleArn(MANAGEMENT_ACCOUNT, 'cert-monitor-organization-read'),
      );
    });

    it('deploys into the configured administration account, in the hub region by default', () => {
      const { stacks } = synthesize(organizationConfig());

      expect(stacks.organization?.account).toBe(MANAGEMENT_ACCOUNT);
      expect(stacks.organization?.region).toBe('eu-west-1');
    });
  });

  describe('from a delegated administrator, for some OUs', () => {
    let organization: Template;

    beforeAll(() => {
      organization = synthesize(
        organizationConfig({
          organizationRootId: undefined,
          organizationalUnitIds: ['ou-ab12-11111111', 'ou-ab12-22222222'],
          callAs: 'DELEGATED_ADMIN',
          region: 'us-east-1',
          failureTolerancePercentage: 0,
          maxConcurrentPercentage: 100,
        }),
      ).organization!;
    });

    it('calls as the delegated administrator and targets the OUs in the chosen region', () => {
      organization.hasResourceProperties('AWS::CloudFormation::StackSet', {
        CallAs: 'DELEGATED_ADMIN',
        StackInstancesGroup: [
          {
            DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111', 'ou-ab12-22222222'] },
            Regions: ['us-east-1'],
          },
        ],
        OperationPreferences: {
          FailureTolerancePercentage: 0,
          MaxConcurrentPercentage: 100,
          RegionConcurrencyType: 'PARALLEL',
        },
      });
    });

    it('leaves the management-account role to the by-hand install and asks no organization condition', () => {
      expect(rolesNamed(organization, 'CertAuditReadOnly')).toEqual([]);
      expect(parameters(onlyResource(organization, 'AWS::CloudFormation::StackSet')).PrincipalOrgId).toBe('');
    });
  });

  it('creates no organization-read role when the hub runs in the same account', () => {
    const { organization, hub } = synthesize(
      organizationConfig({ accountId: HUB_ACCOUNT }, { hub: { accountId: HUB_ACCOUNT, region: 'eu-west-1' } }),
    );

    expect(rolesNamed(organization!, 'cert-monitor-organization-read')).toEqual([]);
    const variables = Object.values(resourcesOf(hub, 'AWS::Lambda::Function'))[0]?.Properties.Environment.Variables;
    expect(variables).not.toHaveProperty(ENV.organizationRoleArn);
  });
});

describe('AuditRoleTargets', () => {
  it('targets the root for the whole organization and the given OUs otherwise', () => {
    expect(AuditRoleTargets.organization('r-ab12').organizationalUnitIds).toEqual(['r-ab12']);
    expect(AuditRoleTargets.organizationalUnits(['ou-ab12-11111111']).organizationalUnitIds).toEqual([
      'ou-ab12-11111111',
    ]);
  });

  it('refuses an empty list of OUs', () => {
    expect(() => AuditRoleTargets.organizationalUnits([])).toThrow(/at least one OU/);
  });
});
