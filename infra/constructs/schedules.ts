/**
 * EventBridge Scheduler: the daily run (cron in the team's time zone) and the hourly heartbeat. Scheduler,
 * unlike EventBridge rules, takes a time zone, so "06:00 in Berlin" stays 06:00 across daylight saving.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeFinding, arnWildcardFinding } from '../nag';

export interface SchedulesProps {
  readonly stateMachine: IStateMachine;
  readonly heartbeat: IFunction;
  /** EventBridge Scheduler cron expression, e.g. `cron(0 6 * * ? *)`. */
  readonly cron: string;
  /** IANA time zone the cron is read in. */
  readonly timezone: string;
}

export class Schedules extends Construct {
  readonly run: Schedule;
  readonly heartbeat: Schedule;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    this.run = new Schedule(this, 'Run', {
      description: 'Starts the daily certificate scan',
      schedule: ScheduleExpression.expression(props.cron, TimeZone.of(props.timezone)),
      target: new StepFunctionsStartExecution(props.stateMachine, {
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        // A start that fails for an hour is a missed run; the run-completed alarm reports it.
        retryAttempts: 5,
        maxEventAge: Duration.hours(1),
      }),
    });
    // Own role (not the shared one the target would create at stack level), so its grant is acknowledged here.
    // Trusted like the run schedule's role: Scheduler only, for schedules of this account's default group (the
    // schedule's own ARN would make the role and the schedule depend on each other).
    const heartbeatRole = schedulerRole(this, 'HeartbeatRole');
    this.heartbeat = new Schedule(this, 'Heartbeat', {
      description: 'Checks that a certificate scan completed recently',
      schedule: ScheduleExpression.rate(Duration.hours(1)),
      target: new LambdaInvoke(props.heartbeat, {
        role: heartbeatRole,
        input: ScheduleTargetInput.fromObject({ trigger: 'heartbeat' }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      }),
    });
    acknowledgeFinding(
      heartbeatRole,
      arnWildcardFinding(props.heartbeat, ':*'),
      'lambda:InvokeFunction on the heartbeat function and its versions (ARN:*), as the Scheduler target grants it.',
    );
  }
}

/**
 * A role EventBridge Scheduler assumes for this account's default schedule group only (the schedule's own ARN would
 * make the role and the schedule depend on each other): each schedule gets its own, so its grant is acknowledged
 * next to it.
 */
export function schedulerRole(scope: Construct, id: string): Role {
  const stack = Stack.of(scope);
  return new Role(scope, id, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: {
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({
            service: 'scheduler',
            resource: 'schedule-group',
            resourceName: 'default',
          }),
        },
      },
    }),
  });
}
