import { describe, expect, it } from 'vitest';
import { ACM_ACTIONS } from '../../../lambdas/aws/acm';
import { APIGATEWAY_ACTIONS } from '../../../lambdas/aws/apigateway';
import { CLOUDFRONT_ACTIONS } from '../../../lambdas/aws/cloudfront';
import { ELBV2_ACTIONS } from '../../../lambdas/aws/elbv2';
import {
  ACTION_EXPOSURE,
  AUDIT_ROLE_CALLERS,
  auditRoleActions,
  callerActions,
  enabledFeatureSets,
  FEATURE_SETS,
  sessionPolicy,
} from '../../../lambdas/aws/permissions';
import { ACCOUNT_ACTIONS } from '../../../lambdas/aws/regions';

describe('audit role permissions', () => {
  it('grants with the core set exactly what the member-account adapters declare, read-only, without duplicates', () => {
    const declared = [...ACM_ACTIONS, ...ACCOUNT_ACTIONS];

    const actions = auditRoleActions();

    expect([...actions].sort()).toEqual([...new Set(declared)].sort());
    expect(new Set(actions).size).toBe(actions.length);
    for (const action of actions) expect(action).toMatch(/^[a-z]+:(List|Describe|Get)[A-Za-z]+$/);
  });

  it('has no bulk tagging action: tag:GetResources would expose every tagged resource of every service', () => {
    expect(auditRoleActions()).not.toContain('tag:GetResources');
    expect(auditRoleActions().every((action) => action.startsWith('acm:') || action === 'account:ListRegions')).toBe(
      true,
    );
  });

  it('names ScanTarget as the one caller today: it lists regions and reads ACM in one session per account', () => {
    expect(AUDIT_ROLE_CALLERS).toEqual(['scanTarget']);
    expect(callerActions('scanTarget')).toEqual([
      'account:ListRegions',
      'acm:ListCertificates',
      'acm:DescribeCertificate',
      'acm:ListTagsForCertificate',
    ]);
  });

  it('builds session policies from the same actions, one statement on "*"', () => {
    for (const caller of AUDIT_ROLE_CALLERS) {
      expect(sessionPolicy(caller)).toEqual({
        Version: '2012-10-17',
        Statement: [{ Sid: `${caller}Only`, Effect: 'Allow', Action: callerActions(caller), Resource: '*' }],
      });
    }
  });

  it('says what every declared action exposes', () => {
    for (const features of Object.values(FEATURE_SETS)) {
      for (const action of Object.values(features.actions).flat()) expect(ACTION_EXPOSURE[action]).toBeTruthy();
    }
  });

  it("adds only the Route 53 zone listing with dns-diagnosis, to the role and to ScanTarget's session", () => {
    const core = auditRoleActions();

    const withDns = auditRoleActions(['dns-diagnosis']);

    expect(withDns.filter((action) => !core.includes(action))).toEqual(['route53:ListHostedZones']);
    expect(sessionPolicy('scanTarget', ['dns-diagnosis']).Statement[0]?.Action).toContain('route53:ListHostedZones');
    expect(sessionPolicy('scanTarget').Statement[0]?.Action).not.toContain('route53:ListHostedZones');
  });

  it('adds with the probe set exactly the ELBv2, CloudFront and API Gateway reads its discovery adapters declare', () => {
    const core = auditRoleActions();

    const withProbe = auditRoleActions(['probe']);

    expect(withProbe.filter((action) => !core.includes(action)).sort()).toEqual(
      [...ELBV2_ACTIONS, ...CLOUDFRONT_ACTIONS, ...APIGATEWAY_ACTIONS].sort(),
    );
    expect(sessionPolicy('scanTarget', ['probe']).Statement[0]?.Action).toContain('cloudfront:GetDistribution');
    expect(sessionPolicy('scanTarget').Statement[0]?.Action).not.toContain('elasticloadbalancing:DescribeListeners');
  });

  it('always has the core set on and names the known sets when given an unknown one', () => {
    expect(enabledFeatureSets()).toEqual(['core']);
    expect(enabledFeatureSets(['core'])).toEqual(['core']);
    expect(() => enabledFeatureSets(['ct-watch'])).toThrow(
      /unknown feature set ct-watch; known feature sets: core, dns-diagnosis, probe/,
    );
  });
});
