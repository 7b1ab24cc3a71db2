import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths';
import { HUB_ROLE_ARN_PATTERN, hubPrincipalArns } from '../../infra/role-names';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../lambdas/core/names';
import {
  AUDIT_ROLE_LOGICAL_ID,
  AUDIT_ROLE_TEMPLATE_FILE,
  buildAuditRoleTemplate,
  renderAuditRoleTemplate,
  TEMPLATE_BODY_MAX_BYTES,
} from '../../stacksets/audit-role';
import type { Cfn } from './fixtures';

const template = buildAuditRoleTemplate() as Cfn;
const role = template.Resources[AUDIT_ROLE_LOGICAL_ID];
const trust = role.Properties.AssumeRolePolicyDocument.Statement;
const permissions = role.Properties.Policies.flatMap((p: Cfn) => p.PolicyDocument.Statement);

describe('the member-account audit role template', () => {
  it('is the contract member accounts deploy (change it on purpose: update the snapshot and the JSON file)', () => {
    expect(template).toMatchSnapshot();
  });

  it('grants with the core feature set exactly the ACM reads on "*" and ListRegions on this account only', () => {
    expect(permissions).toEqual([
      {
        Sid: 'ReadCertificates',
        Effect: 'Allow',
        Action: ['acm:ListCertificates', 'acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
        Resource: '*',
      },
      {
        Sid: 'AccountListRegions',
        Effect: 'Allow',
        Action: ['account:ListRegions'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text, not a JS template
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:account::${AWS::AccountId}:account' },
      },
    ]);
    expect(template.Metadata['cert-monitor'].FeatureSets).toEqual(['core']);
  });

  it('grants with the probe feature set the discovery reads, and API Gateway reads on custom domain names only', () => {
    const probe = buildAuditRoleTemplate(['probe']) as Cfn;
    const statements = probe.Resources[AUDIT_ROLE_LOGICAL_ID].Properties.Policies.flatMap(
      (p: Cfn) => p.PolicyDocument.Statement,
    );

    const unscoped = statements.find((s: Cfn) => s.Sid === 'ReadCertificates');
    const apiGateway = statements.find((s: Cfn) => s.Action.includes('apigateway:GET'));

    expect(unscoped.Action).toEqual(
      expect.arrayContaining([
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerCertificates',
        'cloudfront:GetDistribution',
      ]),
    );
    expect(unscoped.Action).not.toContain('apigateway:GET');
    expect(apiGateway).toEqual({
      Sid: 'ApigatewayGET',
      Effect: 'Allow',
      Action: ['apigateway:GET'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text, not a JS template
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:apigateway:*::/domainnames/*' },
    });
    expect(probe.Metadata['cert-monitor'].FeatureSets).toEqual(['core', 'probe']);
    expect(Object.keys(probe.Metadata['cert-monitor'].Exposes)).toContain('apigateway:GET');
  });

  it('refuses a feature set it does not know instead of granting nothing or everything', () => {
    expect(() => buildAuditRoleTemplate(['dns'])).toThrow(/unknown feature set dns/);
  });

  it('has no wildcard actions, says what each action exposes and why the ACM resource is "*"', () => {
    const actions = permissions.flatMap((s: Cfn) => [].concat(s.Action));
    for (const action of actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    expect(Object.keys(template.Metadata['cert-monitor'].Exposes).sort()).toEqual([...actions].sort());
    expect(template.Description).toMatch(/granted on "\*"/);
    expect(template.Metadata['cert-monitor'].ResourceScoping).toMatch(/does not support resource-level permissions/);
    expect(JSON.stringify(template)).not.toContain('tag:GetResources');
  });

  it('trusts only the principals passed in, with the external id in every case', () => {
    expect(trust).toHaveLength(1);
    const [statement] = trust;
    expect(statement.Effect).toBe('Allow');
    expect(statement.Action).toBe('sts:AssumeRole');
    expect(statement.Principal).toEqual({ AWS: { Ref: 'TrustedPrincipalArns' } });
    expect(template.Parameters.TrustedPrincipalArns.Type).toBe('CommaDelimitedList');
    const [condition, withOrg, withoutOrg] = statement.Condition['Fn::If'];
    expect(condition).toBe('HasPrincipalOrgId');
    expect(withOrg).toEqual({
      StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' }, 'aws:PrincipalOrgID': { Ref: 'PrincipalOrgId' } },
    });
    expect(withoutOrg).toEqual({ StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } });
  });

  it('is handed role ARNs (not accounts or users) as its principals: only the scanner, which opens each account', () => {
    const arns = hubPrincipalArns({ partition: 'aws', accountId: '222222222222', region: 'eu-west-1' });

    expect(arns).toEqual(['arn:aws:iam::222222222222:role/cert-monitor-scanner-eu-west-1']);
  });

  it('also trusts the Events Lambda role when the event path is on, which rescans one account-region', () => {
    const arns = hubPrincipalArns(
      { partition: 'aws', accountId: '222222222222', region: 'eu-west-1' },
      { events: true },
    );

    expect(arns).toEqual([
      'arn:aws:iam::222222222222:role/cert-monitor-scanner-eu-west-1',
      'arn:aws:iam::222222222222:role/cert-monitor-events-eu-west-1',
    ]);
  });

  it("accepts only the hub's role ARNs as trusted principals when installed by hand", () => {
    const pattern = new RegExp(template.Parameters.TrustedPrincipalArns.AllowedPattern);
    expect(template.Parameters.TrustedPrincipalArns.AllowedPattern).toBe(HUB_ROLE_ARN_PATTERN);
    const hubs = [
      { partition: 'aws', accountId: '222222222222', region: 'eu-west-1' },
      { partition: 'aws-us-gov', accountId: '333333333333', region: 'us-gov-west-1' },
      { partition: 'aws-cn', accountId: '444444444444', region: 'cn-northwest-1' },
      { partition: 'aws', accountId: '555555555555', region: 'ap-southeast-5' },
    ];
    for (const arn of hubs.flatMap((hub) => hubPrincipalArns(hub, { events: true }))) expect(arn).toMatch(pattern);
    for (const other of [
      '*',
      'arn:aws:iam::222222222222:root',
      '222222222222',
      'arn:aws:iam::222222222222:user/cert-monitor-scanner-eu-west-1',
      'arn:aws:iam::222222222222:role/Admin',
      'arn:aws:iam::222222222222:role/cert-monitor-scanner-eu-west-1/extra',
      'arn:aws:iam::*:role/cert-monitor-scanner-eu-west-1',
      'arn:aws:iam::222222222222:role/cert-monitor-list-targets-eu-west-1',
    ]) {
      expect(other).not.toMatch(pattern);
    }
  });

  it('hides the external id and defaults the role name and the organization condition', () => {
    expect(template.Parameters.ExternalId).toMatchObject({ Type: 'String', NoEcho: true, MinLength: 2 });
    expect(template.Parameters.RoleName.Default).toBe(DEFAULT_AUDIT_ROLE_NAME);
    expect(template.Parameters.PrincipalOrgId.Default).toBe('');
    expect(template.Conditions.HasPrincipalOrgId).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'PrincipalOrgId' }, ''] }],
    });
    expect(role.Properties.RoleName).toEqual({ Ref: 'RoleName' });
    expect(role.Properties.MaxSessionDuration).toBe(3600);
  });

  it('fits in a StackSet templateBody', () => {
    expect(Buffer.byteLength(renderAuditRoleTemplate(), 'utf8')).toBeLessThan(TEMPLATE_BODY_MAX_BYTES);
    expect(TEMPLATE_BODY_MAX_BYTES).toBe(51_200);
  });

  it('is committed as stacksets/audit-role.template.json, unchanged (else run: npx tsx stacksets/write-audit-role-template.ts)', () => {
    const committed = readFileSync(join(REPO_ROOT, AUDIT_ROLE_TEMPLATE_FILE), 'utf8');

    expect(JSON.parse(committed)).toEqual(template);
    expect(Buffer.byteLength(committed, 'utf8')).toBeLessThan(TEMPLATE_BODY_MAX_BYTES);
  });
});
