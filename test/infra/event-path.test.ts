/**
 * The event path's infrastructure: the hub bus open to the organization only, the queue and its dead letters, the
 * Events Lambda's grants, the forwarding StackSets (the role in one region, the rules in every region chosen) and
 * the management account's own forwarding; and the committed hand-install templates still match their generator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../infra/config';
import { DEFAULT_ENABLED_REGIONS } from '../../infra/events-config';
import { REPO_ROOT } from '../../infra/paths';
import { forwardedEventPatterns } from '../../lambdas/core/events/patterns';
import { TABLE_ACCESS } from '../../lambdas/pipeline/table-access';
import {
  buildForwardingRoleTemplate,
  buildForwardingRuleTemplate,
  EVENT_FORWARDING_ROLE_TEMPLATE_FILE,
  EVENT_FORWARDING_RULE_TEMPLATE_FILE,
} from '../../stacksets/event-forwarding';
import { type Cfn, HUB_ACCOUNT, minimalConfig, organizationConfig, resourcesOf, synthesize } from './fixtures';

const ORG_ID = 'o-a1b2c3d4e5';
const withEvents = (events: Record<string, unknown> = {}, organization: Record<string, unknown> = {}) =>
  organizationConfig({ principalOrgId: ORG_ID, ...organization }, { events: { enabled: true, ...events } });

function stackSetNamed(template: Cfn, name: string): Cfn {
  const found = Object.values(resourcesOf(template, 'AWS::CloudFormation::StackSet')).find(
    (resource) => resource.Properties.StackSetName === name,
  );
  if (!found) throw new Error(`no StackSet ${name}`);
  return found.Properties;
}

describe('the event path configuration', () => {
  it('is off by default: no bus, no queue, no Events Lambda, the audit role trusts the scanner only', () => {
    const { hub, organization } = synthesize(organizationConfig());

    hub.resourceCountIs('AWS::Events::EventBus', 0);
    hub.resourceCountIs('AWS::SQS::Queue', 0);
    expect(JSON.stringify(organization?.toJSON())).not.toContain('cert-monitor-events-');
  });

  it('refuses to open the bus without an organization id, naming the key to set', () => {
    const config = parseConfig(minimalConfig({ events: { enabled: true } }));

    expect(() => synthesize(config)).toThrow(ConfigError);
    expect(() => synthesize(minimalConfig({ events: { enabled: true } }))).toThrow(
      /certMonitor\.events\.principalOrgId/,
    );
  });

  it('rejects a malformed setting with the key', () => {
    expect(() => parseConfig(minimalConfig({ events: { enabled: true, principalOrgId: 'org-1' } }))).toThrow(
      /certMonitor\.events\.principalOrgId: must be an organization id/,
    );
    expect(() => parseConfig(minimalConfig({ events: { regions: ['eu-west-1', 'eu-west-1'] } }))).toThrow(
      /certMonitor\.events\.regions: must not repeat a region/,
    );
  });
});

describe('the hub side', () => {
  const { hub } = synthesize(withEvents());

  it('lets principals of the organization, and only them, put events on the bus', () => {
    hub.hasResourceProperties('AWS::Events::EventBus', { Name: 'cert-monitor-events' });
    hub.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
      }),
    });
  });

  it('sends what the forwarding rules forward to an encrypted queue with a dead-letter queue that alarms', () => {
    const rules = Object.values(resourcesOf(hub, 'AWS::Events::Rule')).filter((r) => r.Properties.EventBusName);
    expect(rules.map((r) => r.Properties.EventPattern)).toEqual(
      forwardedEventPatterns().map((p) => ({ ...p, ...(p['detail-type'] ? { 'detail-type': p['detail-type'] } : {}) })),
    );
    const queues = Object.values(resourcesOf(hub, 'AWS::SQS::Queue'));
    expect(queues).toHaveLength(2);
    for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    hub.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      VisibilityTimeout: 720,
    });
    hub.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlertingTopic') }],
    });
  });

  it('runs the Events Lambda on batches gathered for a few seconds, reporting failures per message', () => {
    hub.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    hub.hasResourceProperties('AWS::IAM::Role', { RoleName: 'cert-monitor-events-eu-west-1' });
  });

  it('grants the Events Lambda its table actions, the audit role, and the Slack secret', () => {
    const policies = Object.values(resourcesOf(hub, 'AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes('EventsRole'),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Cfn[]);
    const actionsOf = (sid: string) => statements.find((s) => s.Sid === sid)?.Action;

    expect([actionsOf('StateTable')].flat().sort()).toEqual([...TABLE_ACCESS.events.actions]);
    expect(actionsOf('AssumeAuditRole')).toBe('sts:AssumeRole');
    expect(JSON.stringify(statements)).toContain('secretsmanager:GetSecretValue');
  });

  it('tells FinalizeRun and ListTargets which regions the event path watches', () => {
    hub.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Aggregates a run'),
      Environment: { Variables: Match.objectLike({ EVENTS: Match.stringLikeRegexp('(^|,)eu-west-1(,|$)') }) },
    });
  });

  it('outputs the bus ARN the forwarding templates take', () => {
    hub.hasOutput('EventBusArn', {});
  });
});

describe('the organization side', () => {
  it('deploys the rules to every region chosen and the role to one, both to new accounts automatically', () => {
    const { organization } = synthesize(withEvents({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] }));

    const rules = stackSetNamed(organization, 'cert-monitor-event-forwarding-rules');
    const role = stackSetNamed(organization, 'cert-monitor-event-forwarding-role');

    expect(rules.StackInstancesGroup[0].Regions).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(role.StackInstancesGroup[0].Regions).toEqual(['eu-west-1']);
    for (const set of [rules, role]) {
      expect(set.PermissionModel).toBe('SERVICE_MANAGED');
      expect(set.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
      expect(set.StackInstancesGroup[0].DeploymentTargets.OrganizationalUnitIds).toEqual(['r-ab12']);
    }
    expect(role.Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
    expect(JSON.parse(role.TemplateBody).Resources.ForwardingRole.Type).toBe('AWS::IAM::Role');
    const ruleResources = Object.values(JSON.parse(rules.TemplateBody).Resources) as Cfn[];
    expect(ruleResources.map((r) => r.Type)).toEqual(['AWS::Events::Rule', 'AWS::Events::Rule']);
    const busArn = rules.Parameters.find((p: Cfn) => p.ParameterKey === 'HubEventBusArn').ParameterValue;
    expect(JSON.stringify(busArn)).toContain(`:events:eu-west-1:${HUB_ACCOUNT}:event-bus/cert-monitor-events`);
  });

  it('defaults the regions to those the daily run lists, else to every region enabled by default', () => {
    const listed = synthesize(withEvents({}, {})).organization;
    const named = synthesize(
      organizationConfig(
        { principalOrgId: ORG_ID },
        { events: { enabled: true }, regions: { source: 'list', names: ['us-east-1', 'eu-west-1'] } },
      ),
    ).organization;

    expect(stackSetNamed(listed, 'cert-monitor-event-forwarding-rules').StackInstancesGroup[0].Regions).toEqual([
      ...DEFAULT_ENABLED_REGIONS,
    ]);
    expect(stackSetNamed(named, 'cert-monitor-event-forwarding-rules').StackInstancesGroup[0].Regions).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('adds the role and the rules of its region to the management account, which StackSets never reach', () => {
    const { organization } = synthesize(withEvents());

    organization?.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'cert-monitor-event-forwarding',
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })],
      }),
    });
    const rules = Object.values(resourcesOf(organization as Cfn, 'AWS::Events::Rule'));
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect(JSON.stringify(rule.Properties.Targets[0].Arn)).toContain(
        `:events:eu-west-1:${HUB_ACCOUNT}:event-bus/cert-monitor-events`,
      );
      expect(rule.Properties.Targets[0].RoleArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
  });

  it('leaves the management account alone from a delegated administrator', () => {
    const { organization } = synthesize(
      withEvents(
        {},
        { callAs: 'DELEGATED_ADMIN', organizationRootId: undefined, organizationalUnitIds: ['ou-ab12-11111111'] },
      ),
    );

    organization?.resourceCountIs('AWS::Events::Rule', 0);
    expect(stackSetNamed(organization, 'cert-monitor-event-forwarding-rules').CallAs).toBe('DELEGATED_ADMIN');
  });

  it('lets the audit role trust the Events Lambda role, which rescans one account-region', () => {
    const { organization } = synthesize(withEvents());

    const audit = stackSetNamed(organization, 'cert-monitor-audit-role');
    const trusted = JSON.stringify(
      audit.Parameters.find((p: Cfn) => p.ParameterKey === 'TrustedPrincipalArns').ParameterValue,
    );
    expect(trusted).toContain(`:iam::${HUB_ACCOUNT}:role/cert-monitor-scanner-eu-west-1,`);
    expect(trusted).toContain(`:iam::${HUB_ACCOUNT}:role/cert-monitor-events-eu-west-1`);
  });
});

describe('the hand-install forwarding templates', () => {
  it('are committed unchanged (else run: npx tsx stacksets/write-event-forwarding-templates.ts)', () => {
    const read = (file: string) => JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8'));

    expect(read(EVENT_FORWARDING_ROLE_TEMPLATE_FILE)).toEqual(buildForwardingRoleTemplate());
    expect(read(EVENT_FORWARDING_RULE_TEMPLATE_FILE)).toEqual(buildForwardingRuleTemplate());
  });

  it('keep the role out of the every-region template, where its fixed name would clash', () => {
    expect(JSON.stringify(buildForwardingRuleTemplate())).not.toContain('AWS::IAM::Role');
  });
});
