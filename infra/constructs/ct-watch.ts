/**
 * The Certificate Transparency watch in the hub: its own Lambda (own role, the state table's CT items and alert
 * state, the Slack secret, the optional API key secret) on its own schedule, hourly by default. Kept apart from the
 * daily pipeline: an issuance outside the organization should page within the hour, not the next morning.
 */
import { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV } from '../../lambdas/core/names';
import { acknowledgeFinding, arnWildcardFinding } from '../nag';
import { MonitorFunction } from './monitor-function';
import { schedulerRole } from './schedules';

export interface CtWatchProps {
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  /** Minutes between two polls. */
  readonly periodMinutes: number;
  /** The secret holding the API key as plain text, by name; absent: no key. */
  readonly apiKeySecretName?: string;
}

export class CtWatch extends Construct {
  readonly function: MonitorFunction;
  readonly schedule: Schedule;
  readonly apiKeySecret: ISecret | undefined;

  constructor(scope: Construct, id: string, props: CtWatchProps) {
    super(scope, id);
    this.apiKeySecret =
      props.apiKeySecretName === undefined
        ? undefined
        : Secret.fromSecretNameV2(this, 'ApiKeySecret', props.apiKeySecretName);
    this.function = new MonitorFunction(this, 'Function', {
      handler: 'ctWatch',
      description: 'Polls Certificate Transparency for certificates issued for the organization’s domains outside ACM',
      environment: {
        ...props.environment,
        ...(this.apiKeySecret ? { [ENV.ctApiKeySecretId]: this.apiKeySecret.secretArn } : {}),
      },
      logRetention: props.logRetention,
      memorySize: 512,
      timeout: Duration.minutes(5),
    });
    this.apiKeySecret?.grantRead(this.function.role);

    const role = schedulerRole(this, 'ScheduleRole');
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Polls Certificate Transparency for the organization’s domains',
      schedule: ScheduleExpression.rate(Duration.minutes(props.periodMinutes)),
      target: new LambdaInvoke(this.function.function, {
        role,
        input: ScheduleTargetInput.fromObject({ trigger: 'ct-watch' }),
        retryAttempts: 1,
        maxEventAge: Duration.minutes(30),
      }),
    });
    acknowledgeFinding(
      role,
      arnWildcardFinding(this.function.function, ':*'),
      'lambda:InvokeFunction on the CT watch function and its versions (ARN:*), as the Scheduler target grants it.',
    );
  }
}
