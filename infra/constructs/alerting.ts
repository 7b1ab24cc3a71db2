/**
 * How people hear about the monitor itself: the Slack secret the Lambdas read, and CloudWatch alarms on an
 * SNS topic that work even when Slack does not (a revoked webhook, a broken Lambda, a deleted schedule).
 */
import { Duration, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarm,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AnyPrincipal, Effect, type IRole, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_DIMENSIONS, METRICS, SLACK_SECRET_PLACEHOLDER } from '../../lambdas/core/names';
import { acknowledgeFinding } from '../nag';

export interface AlertingProps {
  readonly slackSecretName: string;
  /** @default - no e-mail subscription; subscribe to the topic by other means */
  readonly alarmEmail?: string;
  /** Hours between scheduled runs. */
  readonly schedulePeriodHours: number;
  /** Extra hours a run may be late before the run-completed alarm fires. */
  readonly graceHours: number;
}

/** A metric the Lambdas emit through Powertools (which adds the `service` dimension). */
function monitorMetric(metricName: string, props: { statistic: string; period: Duration }): Metric {
  return new Metric({
    namespace: METRICS.namespace,
    metricName,
    dimensionsMap: { [METRIC_DIMENSIONS.service]: METRICS.serviceName },
    statistic: props.statistic,
    period: props.period,
  });
}

export class Alerting extends Construct {
  readonly slackSecret: Secret;
  readonly topic: Topic;
  readonly alarms: IAlarm[] = [];
  /** Fires when no run completed within the schedule period plus the grace. */
  readonly runMissingAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);

    // Created with a placeholder instead of a generated value: the webhook URLs come from Slack, and a deploy
    // does not overwrite a value set later, because this template value never changes.
    this.slackSecret = new Secret(this, 'SlackSecret', {
      secretName: props.slackSecretName,
      description: 'Slack incoming webhook URLs of the certificate monitor: {"digestWebhookUrl","alertsWebhookUrl"}',
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(SLACK_SECRET_PLACEHOLDER)),
      // The webhook URLs were set by hand and cannot be read back from Slack: deleting the stack keeps them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeFinding(
      this.slackSecret,
      'AwsSolutions-SMG4',
      'Slack incoming webhook URLs cannot be rotated by a Lambda: Slack issues them to a person in the Slack UI. ' +
        'A revoked or rotated webhook is detected (SlackWebhookBroken alarm) and the value is replaced by hand.',
    );

    // A customer managed key, because CloudWatch alarms cannot publish to a topic encrypted with the AWS managed
    // SNS key (its policy cannot be changed to let cloudwatch.amazonaws.com use it).
    const key = new Key(this, 'TopicKey', {
      description: 'Encrypts the certificate monitor alarm topic',
      enableKeyRotation: true,
    });
    // Only for alarms of this account: the service principal alone would let CloudWatch use the key on behalf of
    // any account's alarms.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      displayName: 'Certificate monitor alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const hours = props.schedulePeriodHours + props.graceHours;
    this.runMissingAlarm = this.addAlarm('RunMissing', {
      metric: monitorMetric(METRICS.runCompleted, { statistic: 'Sum', period: Duration.hours(hours) }),
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      threshold: 1,
      // No data at all is exactly the failure this alarm exists for (schedule deleted, pipeline never ran).
      treatMissingData: TreatMissingData.BREACHING,
      description: `No certificate scan completed in the last ${hours} hours. Check the state machine's recent executions and the schedule.`,
    });

    this.addAlarm('SlackWebhookBroken', {
      metric: monitorMetric(METRICS.webhookBroken, { statistic: 'Sum', period: Duration.hours(1) }),
      description:
        'Slack rejected a webhook (revoked, channel archived or URL wrong): digests and alerts are not arriving. ' +
        'Set a new URL in the Slack secret.',
    });
  }

  /**
   * Lets only these roles read the webhook URLs: in its own account a secret is readable by any principal whose
   * IAM policy allows it, so the resource policy denies GetSecretValue to every other principal. `adminRoleArn`
   * (config `slackSecretAdminRoleArn`) is the one person-facing role that may read it back; writing a new value
   * (PutSecretValue) is not restricted here.
   */
  restrictSlackSecretReaders(readers: readonly IRole[], adminRoleArn?: string): void {
    this.slackSecret.addToResourcePolicy(
      new PolicyStatement({
        sid: 'OnlyTheMonitorReadsTheWebhooks',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['secretsmanager:GetSecretValue'],
        resources: ['*'],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': [...readers.map((role) => role.roleArn), ...(adminRoleArn ? [adminRoleArn] : [])],
          },
        },
      }),
    );
  }

  /** Alarms when a run fails or times out. */
  watchStateMachine(stateMachine: IStateMachine): void {
    const period = Duration.minutes(5);
    this.addAlarm('RunFailed', {
      metric: stateMachine.metricFailed({ period, statistic: 'Sum' }),
      description: 'A certificate scan run failed. Open the failed execution in the Step Functions console.',
    });
    this.addAlarm('RunTimedOut', {
      metric: stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
      description: 'A certificate scan run timed out. Look for a slow target or raise maxConcurrency.',
    });
  }

  /** Alarms when the Lambda reports an error; `name` names the alarm. */
  watchFunction(name: string, fn: IFunction): void {
    this.addAlarm(`${name}Errors`, {
      metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      description: `The ${name} Lambda failed. Its log group has the error.`,
    });
  }

  private addAlarm(
    id: string,
    props: {
      metric: IMetric;
      description: string;
      comparisonOperator?: ComparisonOperator;
      threshold?: number;
      treatMissingData?: TreatMissingData;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric: props.metric,
      alarmDescription: props.description,
      comparisonOperator: props.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      threshold: props.threshold ?? 1,
      evaluationPeriods: 1,
      treatMissingData: props.treatMissingData ?? TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.push(alarm);
    return alarm;
  }
}
