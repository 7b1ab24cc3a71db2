/**
 * The hub: everything that runs the monitor, in one account and region. Each concern is one construct
 * (table, bucket, Lambdas, pipeline, schedules, alerting, dashboard); this stack wires them and grants each
 * Lambda exactly what it calls.
 */
import { CfnOutput, Duration, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ORGANIZATIONS_LIST_ACTIONS, ORGANIZATIONS_ROUTING_ACTIONS } from '../lambdas/aws/organizations';
import { ENV } from '../lambdas/core/names';
import type { LambdaName } from '../lambdas/core/settings';
import { TABLE_ACCESS, type TableAccess } from '../lambdas/pipeline/table-access';
import type { CertMonitorConfig } from './config';
import { Alerting } from './constructs/alerting';
import { CtWatch } from './constructs/ct-watch';
import { MonitorDashboard } from './constructs/dashboard';
import { EventPath } from './constructs/event-path';
import { MonitorFunction } from './constructs/monitor-function';
import { Pipeline } from './constructs/pipeline';
import { Schedules } from './constructs/schedules';
import { StateTable } from './constructs/state-table';
import { WorkBucket } from './constructs/work-bucket';
import { resolveEventsConfig } from './events-settings';
import { lambdaSettings } from './lambda-environment';
import { acknowledgeFinding, arnWildcardFinding } from './nag';
import {
  eventsRoleName,
  listTargetsRoleName,
  needsOrganizationReadRole,
  ORGANIZATION_READ_ROLE_NAME,
  scannerRoleName,
} from './role-names';

/** The Events Lambda's timeout: a batch rescans a few account-regions, well within a minute each. */
const EVENTS_TIMEOUT = Duration.minutes(2);

export interface HubStackProps extends StackProps {
  readonly config: CertMonitorConfig;
}

export class HubStack extends Stack {
  readonly table: StateTable;
  readonly workBucket: WorkBucket;
  readonly functions: {
    readonly listTargets: MonitorFunction;
    readonly scanTarget: MonitorFunction;
    readonly finalizeRun: MonitorFunction;
    readonly heartbeat: MonitorFunction;
    /** Present when the event path is on (`certMonitor.events.enabled`). */
    readonly events?: MonitorFunction;
  };
  readonly pipeline: Pipeline;
  /** The hourly Certificate Transparency watch, when `certMonitor.ct.enabled`. */
  readonly ctWatch: CtWatch | undefined;
  readonly schedules: Schedules;
  readonly alerting: Alerting;
  readonly dashboard: MonitorDashboard;
  /** Present when the event path is on. */
  readonly eventPath?: EventPath;

  constructor(scope: Construct, id: string, props: HubStackProps) {
    const { config } = props;
    super(scope, id, {
      description: 'Certificate monitor hub: daily scan of every ACM certificate in the organization',
      env: { account: config.hub.accountId, region: config.hub.region },
      ...props,
    });

    this.table = new StateTable(this, 'State');
    this.workBucket = new WorkBucket(this, 'WorkLists');
    this.alerting = new Alerting(this, 'Alerting', {
      slackSecretName: config.slackSecretName,
      alarmEmail: config.alarmEmail,
      schedulePeriodHours: config.schedule.periodHours,
      graceHours: config.heartbeat.graceHours,
    });
    this.functions = this.createFunctions(config);
    this.ctWatch = config.ct.enabled ? this.createCtWatch(config) : undefined;
    this.pipeline = new Pipeline(this, 'Pipeline', {
      listTargets: this.functions.listTargets.function,
      scanTarget: this.functions.scanTarget.function,
      finalizeRun: this.functions.finalizeRun.function,
      workBucket: this.workBucket.bucket,
      maxConcurrency: config.maxConcurrency,
      logRetention: config.logRetentionDays as RetentionDays,
    });
    const events = resolveEventsConfig(config);
    if (events && this.functions.events) {
      this.eventPath = new EventPath(this, 'EventPath', {
        handler: this.functions.events.function,
        handlerTimeout: EVENTS_TIMEOUT,
        principalOrgId: events.principalOrgId,
        batchingWindow: Duration.seconds(events.batchingWindowSeconds),
        alarmTopic: this.alerting.topic,
      });
      new CfnOutput(this, 'EventBusArn', {
        description: 'The hub event bus the organization forwards certificate events to (HubEventBusArn)',
        value: this.eventPath.bus.eventBusArn,
      });
    }
    this.alerting.watchStateMachine(this.pipeline.stateMachine);
    for (const [name, fn] of Object.entries(this.functionsByName())) this.alerting.watchFunction(name, fn);
    if (this.ctWatch) this.alerting.watchFunction('CtWatch', this.ctWatch.function.function);
    // Every reader of the webhooks is known only once the optional CT watch exists.
    this.alerting.restrictSlackSecretReaders(
      [
        this.functions.finalizeRun.role,
        this.functions.heartbeat.role,
        ...(this.functions.events ? [this.functions.events.role] : []),
        ...(this.ctWatch ? [this.ctWatch.function.role] : []),
      ],
      config.slackSecretAdminRoleArn,
    );
    this.schedules = new Schedules(this, 'Schedules', {
      stateMachine: this.pipeline.stateMachine,
      heartbeat: this.functions.heartbeat.function,
      cron: config.schedule.cron,
      timezone: config.schedule.timezone,
    });
    this.dashboard = new MonitorDashboard(this, 'Dashboard', {
      stateMachine: this.pipeline.stateMachine,
      functions: this.functionsByName(),
      alarms: this.alerting.alarms,
      period: Duration.hours(config.schedule.periodHours),
    });

    new CfnOutput(this, 'StateMachineArn', { value: this.pipeline.stateMachine.stateMachineArn });
    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'SlackSecretName', { value: config.slackSecretName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alerting.topic.topicArn });
    new CfnOutput(this, 'StartRunCommand', {
      description: 'Starts a run now (the execution name becomes the run id)',
      value: Fn.join('', [
        'aws stepfunctions start-execution --state-machine-arn ',
        this.pipeline.stateMachine.stateMachineArn,
        ` --name manual-$(date -u +%Y%m%dT%H%M%SZ) --region ${config.hub.region}`,
      ]),
    });
  }

  private functionsByName() {
    const f = this.functions;
    return {
      ListTargets: f.listTargets.function,
      ScanTarget: f.scanTarget.function,
      FinalizeRun: f.finalizeRun.function,
      Heartbeat: f.heartbeat.function,
      ...(f.events ? { Events: f.events.function } : {}),
    };
  }

  private createFunctions(config: CertMonitorConfig): HubStack['functions'] {
    const resources = {
      tableName: this.table.table.tableName,
      workBucket: this.workBucket.bucket.bucketName,
      slackSecretId: this.alerting.slackSecret.secretArn,
    };
    const environment = (fn: LambdaName) => lambdaSettings(fn, config, resources, this.organizationRoleArn(config));
    const logRetention = config.logRetentionDays as RetentionDays;
    const region = config.hub.region;

    const listTargets = new MonitorFunction(this, 'ListTargets', {
      handler: 'listTargets',
      description: 'Lists the accounts of a run and writes the work list to S3',
      environment: environment('listTargets'),
      logRetention,
      timeout: Duration.minutes(5),
      roleName: listTargetsRoleName(region),
    });
    const scanTarget = new MonitorFunction(this, 'ScanTarget', {
      handler: 'scanTarget',
      description:
        'Scans the ACM certificates of one account, its regions side by side, and stores snapshots and changes',
      environment: environment('scanTarget'),
      logRetention,
      memorySize: 1024,
      // EXPRESS children end after 5 minutes; the handler stops describing early using the context's remaining time.
      timeout: Duration.minutes(4),
      roleName: scannerRoleName(region),
    });
    const finalizeRun = new MonitorFunction(this, 'FinalizeRun', {
      handler: 'finalizeRun',
      description: 'Aggregates a run, alerts on-call, posts the digest and records the run as complete',
      environment: environment('finalizeRun'),
      logRetention,
      memorySize: 1024,
      timeout: Duration.minutes(10),
    });
    const heartbeat = new MonitorFunction(this, 'Heartbeat', {
      handler: 'heartbeat',
      description: 'Alerts when no run completed within the schedule period plus the grace',
      environment: environment('heartbeat'),
      logRetention,
      memorySize: 256,
      timeout: Duration.minutes(1),
    });

    // The event path's Lambda: rescans the account-region an event came from and alerts on-call like FinalizeRun.
    const events = resolveEventsConfig(config)
      ? new MonitorFunction(this, 'Events', {
          handler: 'events',
          description: 'Rescans the account-region an organization event came from and alerts on-call at once',
          environment: environment('events'),
          logRetention,
          memorySize: 1024,
          timeout: EVENTS_TIMEOUT,
          roleName: eventsRoleName(region),
        })
      : undefined;

    const functions = { listTargets, scanTarget, finalizeRun, heartbeat, ...(events ? { events } : {}) };
    for (const [name, fn] of Object.entries(functions)) {
      this.grantTableAccess(fn.role, TABLE_ACCESS[name as keyof typeof TABLE_ACCESS]);
    }
    if (events) {
      this.grantAssumeAuditRole(config, events.role, 'rescans the one account-region an event came from');
      this.alerting.slackSecret.grantRead(events.role);
    }
    this.grantAssumeAuditRole(
      config,
      scanTarget.role,
      'lists its enabled regions and reads ACM certificates and their tags',
    );
    this.grantListAccounts(config, listTargets.role, this.organizationRoleArn(config));

    const workListObjects = this.workBucket.bucket.arnForObjects('*');
    listTargets.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject'], resources: [workListObjects] }),
    );
    // FinalizeRun reads the work list (accounts without a result are coverage gaps) and writes the run's report.
    finalizeRun.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [workListObjects] }),
    );
    const workListReason =
      "Object-level access to the work bucket, which holds nothing but this pipeline's work lists and run reports.";
    acknowledgeFinding(listTargets.role, arnWildcardFinding(this.workBucket.bucket, '/*'), workListReason);
    acknowledgeFinding(finalizeRun.role, arnWildcardFinding(this.workBucket.bucket, '/*'), workListReason);

    this.alerting.slackSecret.grantRead(finalizeRun.role);
    this.alerting.slackSecret.grantRead(heartbeat.role);
    return { listTargets, scanTarget, finalizeRun, heartbeat, ...(events ? { events } : {}) };
  }

  /** Its own role: the table (its actions in TABLE_ACCESS), the Slack secret, the API key secret; no audit role. */
  private createCtWatch(config: CertMonitorConfig): CtWatch {
    const environment = lambdaSettings('ctWatch', config, {
      tableName: this.table.table.tableName,
      workBucket: this.workBucket.bucket.bucketName,
      slackSecretId: this.alerting.slackSecret.secretArn,
    });
    const ctWatch = new CtWatch(this, 'CtWatch', {
      environment,
      logRetention: config.logRetentionDays as RetentionDays,
      periodMinutes: config.ct.periodMinutes,
      ...(config.ct.apiKeySecretName !== undefined ? { apiKeySecretName: config.ct.apiKeySecretName } : {}),
    });
    this.grantTableAccess(ctWatch.function.role, TABLE_ACCESS.ctWatch);
    this.alerting.slackSecret.grantRead(ctWatch.function.role);
    // FinalizeRun polls once more so the digest lists CT (its table grant already covers the CT store's actions).
    if (ctWatch.apiKeySecret) {
      ctWatch.apiKeySecret.grantRead(this.functions.finalizeRun.role);
      this.functions.finalizeRun.function.addEnvironment(ENV.ctApiKeySecretId, ctWatch.apiKeySecret.secretArn);
    }
    return ctWatch;
  }

  /** Exactly the DynamoDB actions the function's use case calls (TABLE_ACCESS), on this table (and its index). */
  private grantTableAccess(role: IRole, access: TableAccess): void {
    const table = this.table.table;
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'StateTable', actions: [...access.actions], resources: [table.tableArn] }),
    );
    if (!access.queriesIndex) return;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'StateTableAttentionIndex',
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/*`],
      }),
    );
    acknowledgeFinding(
      role,
      arnWildcardFinding(table, '/index/*'),
      'Query on the index ARNs of this one table, whose only index is the sparse attention index.',
    );
  }

  /**
   * sts:AssumeRole on the audit role only: in the listed accounts, or by name in any account when the whole
   * organization is scanned (its accounts change; the audit role's trust policy is what limits the callers).
   */
  private grantAssumeAuditRole(config: CertMonitorConfig, role: IRole, why: string): void {
    const excluded = new Set(config.accounts.exclude ?? []);
    const accounts = config.accounts.ids ? config.accounts.ids.filter((id) => !excluded.has(id)) : ['*'];
    const resources = accounts.map((account) =>
      this.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: config.auditRoleName }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ sid: 'AssumeAuditRole', actions: ['sts:AssumeRole'], resources }));
    if (accounts.includes('*')) {
      acknowledgeFinding(
        role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${config.auditRoleName}]`,
        `Assumes the audit role (one exact role name) in every account of the organization, whose accounts change over time; it ${why}. The audit role trusts only this role ARN and requires the external id.`,
      );
    }
  }

  /** The role ListTargets assumes to list accounts: configured, or the organization stack's, or none. */
  private organizationRoleArn(config: CertMonitorConfig): string | undefined {
    if (config.organizationRoleArn) return config.organizationRoleArn;
    if (!needsOrganizationReadRole(config) || !config.organization) return undefined;
    return this.formatArn({
      service: 'iam',
      region: '',
      account: config.organization.accountId,
      resource: 'role',
      resourceName: ORGANIZATION_READ_ROLE_NAME,
    });
  }

  private grantListAccounts(config: CertMonitorConfig, role: IRole, organizationRoleArn: string | undefined): void {
    if (config.accounts.source !== 'organization') return;
    if (organizationRoleArn) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          sid: 'AssumeOrganizationReadRole',
          actions: ['sts:AssumeRole'],
          resources: [organizationRoleArn],
        }),
      );
      return;
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'ListAccounts', actions: [...ORGANIZATIONS_LIST_ACTIONS], resources: ['*'] }),
    );
    // Owner routing reads each account's tags and the OUs above it where the accounts are listed. Granted with the
    // listing whether or not a routing table is configured: turning routing on then needs no IAM change, and both
    // only read what ListAccounts' caller may already see.
    role.addToPrincipalPolicy(
      new PolicyStatement({ sid: 'ReadAccountRouting', actions: [...ORGANIZATIONS_ROUTING_ACTIONS], resources: ['*'] }),
    );
    acknowledgeFinding(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'organizations:ListAccounts does not support resource-level permissions; ListTagsForResource and ListParents read every account of the organization, whose ids are only known once listed. These read-only actions are the only ones granted on "*".',
    );
  }
}
