/**
 * One CloudWatch dashboard: what the certificates look like (findings, expiring soon) and how well the
 * monitor sees them (coverage, run duration, throttling, alarms).
 */
import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  Metric,
  SingleValueWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FINDING_CODES } from '../../lambdas/core/model';
import { METRIC_DIMENSIONS, METRICS } from '../../lambdas/core/names';
import { monitorMetric } from './alerting';

export interface MonitorDashboardProps {
  readonly stateMachine: IStateMachine;
  readonly functions: Readonly<Record<string, IFunction>>;
  readonly alarms: readonly IAlarm[];
  /**
   * Period of the per-run figures; a run reports them once, so one point per scheduled run.
   * @default 1 day
   */
  readonly period?: Duration;
}

export class MonitorDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.days(1);
    // Gauges reported once per run: the newest value is the latest run's, so Maximum, not Sum.
    const gauge = (metricName: string, label: string): IMetric =>
      monitorMetric(metricName, { statistic: 'Maximum', period }).with({ label });
    const count = (metricName: string, label: string): IMetric =>
      monitorMetric(metricName, { statistic: 'Sum', period }).with({ label });

    const findings = FINDING_CODES.map(
      (code) =>
        new Metric({
          namespace: METRICS.namespace,
          metricName: METRICS.findings,
          dimensionsMap: { [METRIC_DIMENSIONS.service]: METRICS.serviceName, [METRIC_DIMENSIONS.findingCode]: code },
          statistic: 'Maximum',
          period,
          label: code,
        }),
    );
    const functions = Object.entries(props.functions);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(30),
      widgets: [
        [
          new SingleValueWidget({
            title: 'Certificates (latest run)',
            width: 12,
            metrics: [
              gauge(METRICS.certificates, 'Certificates'),
              gauge(METRICS.expiringWithin30Days, 'Expiring within 30 days'),
              gauge(METRICS.expiringWithin7Days, 'Expiring within 7 days'),
            ],
          }),
          new AlarmStatusWidget({ title: 'Monitor alarms', width: 12, alarms: [...props.alarms] }),
        ],
        [
          new GraphWidget({ title: 'Certificates by finding', width: 12, stacked: true, left: findings }),
          new GraphWidget({
            title: 'Expiring soon',
            width: 12,
            left: [
              gauge(METRICS.expiringWithin7Days, 'Within 7 days'),
              gauge(METRICS.expiringWithin30Days, 'Within 30 days'),
            ],
          }),
        ],
        [
          new GraphWidget({
            title: 'Coverage: account-regions scanned and failed',
            width: 8,
            left: [count(METRICS.targetsScanned, 'Scanned'), count(METRICS.targetsFailed, 'Failed')],
          }),
          new GraphWidget({
            title: 'Run duration (seconds)',
            width: 8,
            left: [gauge(METRICS.runDurationSeconds, 'Run duration')],
            right: [props.stateMachine.metricFailed({ period, statistic: 'Sum', label: 'Failed runs' })],
          }),
          new GraphWidget({
            title: 'Throttling',
            width: 8,
            left: [count(METRICS.throttles, 'AWS API throttles (ACM, tagging, Organizations)')],
            right: functions.map(([name, fn]) =>
              fn.metricThrottles({ period: Duration.hours(1), statistic: 'Sum', label: `${name} Lambda throttles` }),
            ),
          }),
        ],
      ],
    });
  }
}
