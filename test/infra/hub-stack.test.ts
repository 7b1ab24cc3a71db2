import aslValidator from 'asl-validator';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_FIELDS } from '../../infra/constructs/dashboard';
import { LAMBDA_SERVICE_ERRORS } from '../../infra/constructs/pipeline';
import { FINDING_CODES } from '../../lambdas/core/model';
import { ENV, METRICS, RUN_LOG, TABLE_SCHEMA } from '../../lambdas/core/names';
import { MAP_RESULTS_PREFIX } from '../../lambdas/pipeline/work-bucket';
import {
  actionsOf,
  type Cfn,
  EXTERNAL_ID,
  HUB_ACCOUNT,
  HUB_REGION,
  minimalConfig,
  onlyResource,
  policyStatements,
  resourcesOf,
  stateMachineDefinition,
  synthesize,
} from './fixtures';

const partitionArn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, rest]] });

/** The inline statements of the role with this fixed name. */
function statementsOfRole(template: Template, roleName: string): Record<string, Cfn>[] {
  const roles = resourcesOf(template, 'AWS::IAM::Role');
  const roleId = Object.keys(roles).find((id) => roles[id]?.Properties.RoleName === roleName);
  if (!roleId) throw new Error(`no role named ${roleName}`);
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function lambdaEnvironments(template: Template): Record<string, unknown>[] {
  return Object.values(resourcesOf(template, 'AWS::Lambda::Function')).map((f) => f.Properties.Environment.Variables);
}

/** Each hub function's variables, by the start of its logical id (ListTargets, ScanTarget, ...). */
function lambdaEnvironmentsByFunction(template: Template): Record<string, Record<string, unknown>> {
  const byName: Record<string, Record<string, unknown>> = {};
  for (const [id, resource] of Object.entries(resourcesOf(template, 'AWS::Lambda::Function'))) {
    const name = ['ListTargets', 'ScanTarget', 'FinalizeRun', 'Heartbeat'].find((prefix) => id.startsWith(prefix));
    if (name) byName[name] = resource.Properties.Environment.Variables;
  }
  return byName;
}

describe('HubStack', () => {
  let hub: Template;

  beforeAll(() => {
    hub = synthesize(
      minimalConfig({
        schedule: { cron: 'cron(30 5 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
        maxConcurrency: 25,
        alarmEmail: 'oncall@example.com',
      }),
    ).hub;
  });

  describe('schedules', () => {
    it('starts the state machine on the configured cron, in the configured time zone', () => {
      hub.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'cron(30 5 ? * MON-FRI *)',
        ScheduleExpressionTimezone: 'Europe/Berlin',
        Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^PipelineStateMachine') } }),
      });
    });

    it('invokes the heartbeat every hour', () => {
      hub.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: 'rate(1 hour)',
        Target: Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HeartbeatFunction'), 'Arn'] } }),
      });
    });
  });

  describe('pipeline', () => {
    it('is a valid Amazon States Language definition, ARNs and paths included', () => {
      // The placeholders of CloudFormation references become what CloudFormation would put there: a whole string
      // is a function's ARN (a Task's Resource), a part of one a resource's name.
      const text = JSON.stringify(stateMachineDefinition(hub))
        .replaceAll('<AWS::Partition>', 'aws')
        .replace(/"<([A-Za-z0-9]+)>"/g, `"arn:aws:lambda:${HUB_REGION}:${HUB_ACCOUNT}:function:$1"`)
        .replace(/<([A-Za-z0-9]+)>/g, (_match, id: string) => id.toLowerCase());

      const { isValid, errorsText } = aslValidator(JSON.parse(text), { checkArn: true, checkPaths: true });

      expect(errorsText('\n')).toBe('');
      expect(isValid).toBe(true);
    });

    it('fails the same validation on a definition that breaks the language, so the check can fail', () => {
      const broken = stateMachineDefinition(hub);
      broken.States.ScanTargets.ItemProcessor.States.ScanTarget.Next = 'NoSuchState';
      delete broken.States.FinalizeRun.End;

      expect(aslValidator(broken, { checkArn: false, checkPaths: true }).isValid).toBe(false);
    });

    it('lists targets with the execution name as run id, then maps over the work list, then finalizes', () => {
      const asl = stateMachineDefinition(hub);

      expect(asl.StartAt).toBe('ListTargets');
      expect(asl.States.ListTargets).toMatchObject({
        Next: 'ScanTargets',
        ResultPath: '$.listing',
        Parameters: { 'runId.$': '$$.Execution.Name', 'startedAt.$': '$$.Execution.StartTime' },
      });
      expect(asl.States.ScanTargets.Next).toBe('FinalizeRun');
      expect(asl.States.FinalizeRun).toMatchObject({
        End: true,
        Parameters: { 'runId.$': '$.listing.runId', 'startedAt.$': '$.listing.startedAt', 'listing.$': '$.listing' },
      });
    });

    it('runs a Distributed Map of EXPRESS children, one per account of the S3 work list, tolerating every failure', () => {
      const map = stateMachineDefinition(hub).States.ScanTargets;

      expect(map.Type).toBe('Map');
      expect(map.ItemReader).toEqual({
        Resource: 'arn:<AWS::Partition>:states:::s3:getObject',
        ReaderConfig: { InputType: 'JSON' },
        Parameters: { 'Bucket.$': '$.listing.bucket', 'Key.$': '$.listing.key' },
      });
      expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
      expect(map.ItemSelector).toEqual({
        'account.$': '$$.Map.Item.Value',
        'runId.$': '$.listing.runId',
        'startedAt.$': '$.listing.startedAt',
      });
      expect(map.ToleratedFailurePercentage).toBe(100);
      expect(map.MaxConcurrency).toBe(25);
      expect(map.ResultPath).toBeNull();
      expect(map.ItemsPath).toBeUndefined();
    });

    it("writes the children's results to the work bucket, so the execution never gathers them (256 KiB limit)", () => {
      const map = stateMachineDefinition(hub).States.ScanTargets;

      expect(map.ResultWriter).toEqual({
        Resource: 'arn:<AWS::Partition>:states:::s3:putObject',
        Parameters: { Bucket: expect.anything(), Prefix: MAP_RESULTS_PREFIX },
      });
    });

    it('catches every error of a child scan, after its retries, into a Pass state that ends the child', () => {
      const child = stateMachineDefinition(hub).States.ScanTargets.ItemProcessor;

      expect(child.States.ScanTarget.Catch).toEqual([
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ScanFailed' },
      ]);
      expect(child.States.ScanTarget.Retry).toBeDefined();
      expect(child.States.ScanFailed).toMatchObject({
        Type: 'Pass',
        End: true,
        Parameters: { 'account.$': '$.account', 'runId.$': '$.runId', status: 'failed', 'error.$': '$.error' },
      });
    });

    it('retries only Lambda service errors, with backoff, in every task', () => {
      const asl = stateMachineDefinition(hub);
      const tasks = [
        asl.States.ListTargets,
        asl.States.ScanTargets.ItemProcessor.States.ScanTarget,
        asl.States.FinalizeRun,
      ];

      for (const task of tasks) {
        expect(task.Retry).toHaveLength(1);
        expect(task.Retry[0].ErrorEquals).toEqual(LAMBDA_SERVICE_ERRORS);
        expect(task.Retry[0].BackoffRate).toBeGreaterThan(1);
      }
      expect(LAMBDA_SERVICE_ERRORS).toEqual([
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
      ]);
    });

    it('is a Standard machine that logs errors without execution data and traces with X-Ray', () => {
      hub.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ERROR', IncludeExecutionData: false }),
      });
    });

    it('lets the state machine read the work lists, as the item reader cannot derive the grant', () => {
      const statements = policyStatements(hub).filter(({ path }) => path.startsWith('PipelineStateMachineRole'));

      expect(statements.map((s) => s.statement)).toContainEqual(
        expect.objectContaining({
          Action: 's3:GetObject',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^WorkListsBucket/), 'Arn'] }, '/*']] },
        }),
      );
    });
  });

  describe('IAM', () => {
    it('gives the scanner a fixed role name and lets it assume only the audit role', () => {
      const statements = statementsOfRole(hub, 'cert-monitor-scanner-eu-west-1');
      const assume = statements.filter((s) => actionsOf(s).includes('sts:AssumeRole'));

      expect(assume).toEqual([
        expect.objectContaining({ Action: 'sts:AssumeRole', Resource: partitionArn(':iam::*:role/CertAuditReadOnly') }),
      ]);
      expect(statements.flatMap(actionsOf).filter((a) => !a.startsWith('dynamodb:') && !a.startsWith('logs:'))).toEqual(
        ['sts:AssumeRole'],
      );
    });

    it('lets ListTargets list the organization and nothing in member accounts; only the scanner assumes the audit role', () => {
      const listing = statementsOfRole(hub, 'cert-monitor-list-targets-eu-west-1');
      const scanner = statementsOfRole(hub, 'cert-monitor-scanner-eu-west-1');

      expect(listing).toContainEqual(expect.objectContaining({ Action: 'organizations:ListAccounts', Resource: '*' }));
      expect(listing).toContainEqual(
        expect.objectContaining({
          Action: ['organizations:ListTagsForResource', 'organizations:ListParents'],
          Resource: '*',
        }),
      );
      expect(listing.flatMap(actionsOf)).not.toContain('sts:AssumeRole');
      expect(scanner).toContainEqual(
        expect.objectContaining({ Action: 'sts:AssumeRole', Resource: partitionArn(':iam::*:role/CertAuditReadOnly') }),
      );
    });

    it('grants no wildcard action anywhere', () => {
      for (const { path, statement } of policyStatements(hub)) {
        for (const action of actionsOf(statement)) {
          expect(action, `${path} allows ${action}`).not.toMatch(/^\*$|:\*$/);
        }
      }
    });

    it('lets ListTargets write work lists and FinalizeRun read them and write reports, nobody else', () => {
      const s3Actions = (path: string) =>
        policyStatements(hub)
          .filter((s) => s.path.startsWith(path) && actionsOf(s.statement).some((a) => a.startsWith('s3:')))
          .flatMap((s) => actionsOf(s.statement));

      expect(s3Actions('ListTargetsRole')).toEqual(['s3:PutObject']);
      expect(s3Actions('FinalizeRunRole')).toEqual(['s3:GetObject', 's3:PutObject']);
      expect(s3Actions('ScanTargetRole')).toEqual([]);
      expect(s3Actions('HeartbeatRole')).toEqual([]);
    });

    it('gives each Lambda exactly the table actions its use case calls: no Scan, no streams, DeleteItem once', () => {
      const tableActions = (path: string) =>
        policyStatements(hub)
          .filter((s) => s.path.startsWith(path) && actionsOf(s.statement).some((a) => a.startsWith('dynamodb:')))
          .map((s) => ({ sid: s.statement.Sid, actions: actionsOf(s.statement) }));
      const writer = [
        'dynamodb:BatchGetItem',
        'dynamodb:BatchWriteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
      ];
      const index = { sid: 'StateTableAttentionIndex', actions: ['dynamodb:Query'] };

      expect(tableActions('ListTargetsRole')).toEqual([
        { sid: 'StateTable', actions: ['dynamodb:PutItem', 'dynamodb:Query'] },
      ]);
      expect(tableActions('ScanTargetRole')).toEqual([{ sid: 'StateTable', actions: writer }]);
      expect(tableActions('FinalizeRunRole')).toEqual([
        {
          sid: 'StateTable',
          actions: [...writer.slice(0, 2), 'dynamodb:DeleteItem', ...writer.slice(2)],
        },
        index,
      ]);
      expect(tableActions('HeartbeatRole')).toEqual([
        {
          sid: 'StateTable',
          actions: [
            'dynamodb:BatchGetItem',
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:UpdateItem',
          ],
        },
        index,
      ]);
    });

    it('grants the table actions on this table and the index query on its index ARNs only', () => {
      const statements = policyStatements(hub).map((s) => s.statement);
      const table = { 'Fn::GetAtt': [expect.stringMatching(/^StateTable/), 'Arn'] };

      for (const statement of statements.filter((s) => s.Sid === 'StateTable'))
        expect(statement.Resource).toEqual(table);
      for (const statement of statements.filter((s) => s.Sid === 'StateTableAttentionIndex')) {
        expect(statement.Resource).toEqual({ 'Fn::Join': ['', [table, '/index/*']] });
      }
    });

    it('lets Scheduler assume the heartbeat role only for this account and its default schedule group', () => {
      const roles = resourcesOf(hub, 'AWS::IAM::Role');
      const heartbeatRole = Object.entries(roles).find(([id]) => id.startsWith('SchedulesHeartbeatRole'))?.[1];

      expect(heartbeatRole?.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': HUB_ACCOUNT,
              'aws:SourceArn': partitionArn(`:scheduler:eu-west-1:${HUB_ACCOUNT}:schedule-group/default`),
            },
          },
        },
      ]);
    });

    it("lets CloudWatch use the alarm topic's key only for this account's alarms", () => {
      const key = onlyResource(hub, 'AWS::KMS::Key');
      const cloudwatch = key.Properties.KeyPolicy.Statement.find((s: Cfn) => s.Sid === 'CloudWatchAlarmsPublish');

      expect(cloudwatch).toMatchObject({
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': HUB_ACCOUNT } },
      });
    });

    it('lets only FinalizeRun and Heartbeat read the Slack secret', () => {
      const readers = policyStatements(hub)
        .filter(({ statement }) => actionsOf(statement).includes('secretsmanager:GetSecretValue'))
        .map(({ path }) => path.replace(/RoleDefaultPolicy.*/, ''));

      expect(readers.sort()).toEqual(['FinalizeRun', 'Heartbeat']);
    });

    it('denies reading the Slack secret to every principal but those two (and the configured admin role)', () => {
      const readerArns = (template: Template) => {
        const policy = onlyResource(template, 'AWS::SecretsManager::ResourcePolicy');
        const [deny] = policy.Properties.ResourcePolicy.Statement;
        expect(deny).toMatchObject({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'secretsmanager:GetSecretValue',
        });
        return deny.Condition.ArnNotEquals['aws:PrincipalArn'];
      };
      const admin = 'arn:aws:iam::222222222222:role/platform-admin';

      expect(readerArns(hub)).toEqual([
        { 'Fn::GetAtt': [expect.stringMatching(/^FinalizeRunRole/), 'Arn'] },
        { 'Fn::GetAtt': [expect.stringMatching(/^HeartbeatRole/), 'Arn'] },
      ]);
      expect(readerArns(synthesize(minimalConfig({ slackSecretAdminRoleArn: admin })).hub)).toContainEqual(admin);
    });

    it('keeps the Slack secret when the stack is deleted or the secret replaced', () => {
      hub.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });

    it('scopes the audit role to the listed accounts, minus the excluded ones, when accounts are listed', () => {
      const listed = synthesize(
        minimalConfig({
          accounts: {
            source: 'list',
            ids: ['333333333333', '444444444444', '555555555555'],
            exclude: ['444444444444'],
          },
        }),
      ).hub;
      const statements = statementsOfRole(listed, 'cert-monitor-scanner-eu-west-1');

      expect(statements.find((s) => s.Action === 'sts:AssumeRole')?.Resource).toEqual([
        partitionArn(':iam::333333333333:role/CertAuditReadOnly'),
        partitionArn(':iam::555555555555:role/CertAuditReadOnly'),
      ]);
      const listTargets = statementsOfRole(listed, 'cert-monitor-list-targets-eu-west-1').flatMap(actionsOf);
      expect(listTargets.filter((a) => a.startsWith('organizations:'))).toEqual([]);
    });

    it('assumes the configured organization role instead of calling Organizations itself', () => {
      const roleArn = 'arn:aws:iam::111111111111:role/org-reader';
      const template = synthesize(minimalConfig({ organizationRoleArn: roleArn })).hub;
      const statements = statementsOfRole(template, 'cert-monitor-list-targets-eu-west-1');

      expect(statements).toContainEqual(expect.objectContaining({ Action: 'sts:AssumeRole', Resource: roleArn }));
      expect(statements.flatMap(actionsOf)).not.toContain('organizations:ListAccounts');
      expect(lambdaEnvironments(template)[0]?.[ENV.organizationRoleArn]).toBe(roleArn);
    });
  });

  describe('state table', () => {
    it('is on-demand, point-in-time recoverable, encrypted, with TTL and the sparse attention index', () => {
      hub.hasResourceProperties('AWS::DynamoDB::Table', {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: TABLE_SCHEMA.attentionIndex.name,
            KeySchema: [
              { AttributeName: TABLE_SCHEMA.attentionIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: TABLE_SCHEMA.attentionIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      });
    });

    it('survives the stack being deleted', () => {
      hub.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    });
  });

  describe('work bucket', () => {
    it('is private, encrypted, TLS-only and expires work lists', () => {
      hub.hasResourceProperties('AWS::S3::Bucket', {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
      });
      hub.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });
  });

  describe('Lambdas', () => {
    it('run the newest Node.js runtime on arm64, each with a log group kept for the configured days', () => {
      hub.resourcePropertiesCountIs(
        'AWS::Lambda::Function',
        {
          Runtime: 'nodejs24.x',
          Architectures: ['arm64'],
          LoggingConfig: Match.objectLike({ LogGroup: Match.anyValue() }),
        },
        4,
      );
      hub.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 90 }, 5);
    });

    it('give ScanTarget less time than an EXPRESS child has', () => {
      const functions = Object.entries(resourcesOf(hub, 'AWS::Lambda::Function'));
      const scanTarget = functions.find(([id]) => id.startsWith('ScanTarget'))?.[1];

      expect(scanTarget?.Properties.Timeout).toBeLessThanOrEqual(300);
    });

    it('receive only variables named in ENV (plus Powertools settings), and no webhook', () => {
      const known = new Set<string>([...Object.values(ENV), 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE']);

      for (const variables of lambdaEnvironments(hub)) {
        expect(Object.keys(variables).filter((name) => !known.has(name))).toEqual([]);
        expect(JSON.stringify(variables)).not.toMatch(/hooks\.slack\.com|webhook/i);
        expect(variables).toMatchObject({
          POWERTOOLS_SERVICE_NAME: METRICS.serviceName,
          POWERTOOLS_METRICS_NAMESPACE: METRICS.namespace,
          [ENV.tableName]: { Ref: expect.stringMatching(/^StateTable/) },
        });
      }
    });

    it('give the ExternalId to ScanTarget alone, the one function that assumes the audit role', () => {
      const environments = lambdaEnvironmentsByFunction(hub);

      expect(environments.ScanTarget).toMatchObject({ [ENV.externalId]: EXTERNAL_ID });
      for (const name of ['ListTargets', 'FinalizeRun', 'Heartbeat']) {
        expect(environments[name], name).toBeDefined();
        expect(environments[name], name).not.toHaveProperty(ENV.externalId);
      }
    });

    it('give each function only the settings it reads', () => {
      const environments = lambdaEnvironmentsByFunction(hub);

      expect(environments.Heartbeat).not.toHaveProperty(ENV.workBucket);
      expect(environments.Heartbeat).toHaveProperty(ENV.heartbeatGraceHours);
      expect(environments.ScanTarget).not.toHaveProperty(ENV.slackSecretId);
      expect(environments.ScanTarget).not.toHaveProperty(ENV.heartbeatGraceHours);
      expect(environments.ListTargets).toHaveProperty(ENV.workBucket);
      expect(environments.FinalizeRun).not.toHaveProperty(ENV.auditRoleName);
    });

    it('pass the Slack secret by ARN to the functions that post to Slack', () => {
      const withSecret = lambdaEnvironments(hub).filter((v) => ENV.slackSecretId in v);

      expect(withSecret).toHaveLength(2);
      for (const variables of withSecret) {
        expect(variables[ENV.slackSecretId]).toEqual({ Ref: expect.stringMatching(/^AlertingSlackSecret/) });
      }
    });
  });

  describe('alerting', () => {
    it('creates the Slack secret with an empty placeholder instead of a generated value', () => {
      hub.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: 'cert-monitor/slack',
        SecretString: JSON.stringify({ digestWebhookUrl: '', alertsWebhookUrl: '' }),
        GenerateSecretString: Match.absent(),
      });
    });

    it('alarms when no run completed in the schedule period, treating missing data as breaching', () => {
      hub.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: METRICS.namespace,
        MetricName: METRICS.runCompleted,
        Dimensions: [{ Name: 'service', Value: METRICS.serviceName }],
        Statistic: 'Sum',
        Period: (24 + 6) * 3600,
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AlertingTopic') }],
      });
    });

    it('alarms on failed and timed-out runs, on every Lambda error and on a broken webhook', () => {
      for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
        hub.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/States',
          MetricName: metricName,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          Threshold: 1,
        });
      }
      hub.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', ComparisonOperator: 'GreaterThanOrEqualToThreshold' },
        4,
      );
      hub.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: METRICS.webhookBroken,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
      });
    });

    it('watches every custom metric the Lambdas emit, and those are all the custom metrics it reads', () => {
      const { namespace: _namespace, serviceName: _serviceName, ...names } = METRICS;
      const watched = Object.values(resourcesOf(hub, 'AWS::CloudWatch::Alarm'))
        .filter((alarm) => alarm.Properties.Namespace === METRICS.namespace)
        .map((alarm) => alarm.Properties.MetricName);

      expect([...new Set(watched)].sort()).toEqual(Object.values(names).sort());
    });

    it('sends every alarm, and its recovery, to the topic', () => {
      const alarms = Object.values(resourcesOf(hub, 'AWS::CloudWatch::Alarm'));

      expect(alarms).toHaveLength(8);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlertingTopic/) }]);
        expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
      }
    });

    it('encrypts the topic with a rotating key CloudWatch may use, enforces TLS and subscribes the e-mail', () => {
      hub.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      hub.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
      hub.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      hub.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    });
  });

  describe('dashboard', () => {
    /** The dashboard's widgets, with each reference in the body written as `{Ref:LogicalId}`. */
    function dashboardWidgets(): Cfn[] {
      const body = onlyResource(hub, 'AWS::CloudWatch::Dashboard').Properties.DashboardBody;
      const parts: Cfn[] = body['Fn::Join'][1];
      const text = parts
        .map((part) => (typeof part === 'string' ? part : `{Ref:${part.Ref ?? part['Fn::GetAtt']?.[0]}}`))
        .join('');
      return JSON.parse(text).widgets;
    }
    const queries = () =>
      dashboardWidgets()
        .filter((widget) => widget.type === 'log')
        .map((widget) => String(widget.properties.query));

    it('draws no custom metric: every figure comes from Logs Insights', () => {
      const widgets = dashboardWidgets();
      const metricNamespaces = widgets
        .flatMap((widget) => widget.properties.metrics ?? [])
        .map((metric: Cfn[]) => metric[0]);

      expect(widgets.filter((widget) => widget.type === 'log').length).toBeGreaterThanOrEqual(6);
      expect(metricNamespaces.filter((namespace: Cfn) => namespace === METRICS.namespace)).toEqual([]);
      expect(JSON.stringify(widgets)).not.toContain(`"${METRICS.namespace}"`);
    });

    it("queries FinalizeRun's log group for the run's line and ScanTarget's for the targets' lines", () => {
      const all = queries();
      const run = all.filter((query) => query.includes(`message = '${RUN_LOG.runCompleted}'`));
      const scan = all.filter((query) => query.includes(`message = '${RUN_LOG.targetScanned}'`));

      expect(run.length + scan.length).toBe(all.length);
      expect(run.length).toBeGreaterThanOrEqual(5);
      expect(scan.length).toBeGreaterThanOrEqual(2);
      for (const query of run) expect(query).toMatch(/^SOURCE '\{Ref:FinalizeRunLogs[0-9A-F]+\}' \| /);
      for (const query of scan) expect(query).toMatch(/^SOURCE '\{Ref:ScanTargetLogs[0-9A-F]+\}' \| /);
    });

    it('shows findings by code, expiring certificates, coverage, run duration and throttles, one point per run', () => {
      const all = queries().join('\n');

      for (const code of FINDING_CODES) expect(all).toContain(`max(findings.${code}) as ${code}`);
      for (const field of [...DASHBOARD_FIELDS.runCompleted, ...DASHBOARD_FIELDS.targetScanned]) {
        expect(all).toMatch(new RegExp(`\\b${field}\\b`));
      }
      for (const text of [
        'max(expiringWithin7Days)',
        'max(expiringWithin30Days)',
        'max(targets) as scanned',
        'max(targetsFailed) as failed',
        'max(durationSeconds)',
        'sum(throttles)',
        "status != 'ok'",
        // The schedule's period (daily by default) is the bucket.
        'by bin(24h)',
      ]) {
        expect(all).toContain(text);
      }
    });
  });

  describe('outputs', () => {
    it('name the state machine, table, secret and topic, and how to start a run by hand', () => {
      const outputs = hub.findOutputs('*');

      expect(Object.keys(outputs).sort()).toEqual([
        'AlarmTopicArn',
        'SlackSecretName',
        'StartRunCommand',
        'StateMachineArn',
        'TableName',
      ]);
      expect(JSON.stringify(outputs.StartRunCommand)).toContain(
        'aws stepfunctions start-execution --state-machine-arn ',
      );
    });

    it('deploy into the configured hub account and region', () => {
      const { stacks } = synthesize(minimalConfig());

      expect(stacks.hub.account).toBe(HUB_ACCOUNT);
      expect(stacks.hub.region).toBe('eu-west-1');
      expect(stacks.organization).toBeUndefined();
    });
  });
});
