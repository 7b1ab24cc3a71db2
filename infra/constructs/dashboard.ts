/**
 * One CloudWatch dashboard: what the certificates look like (findings, expiring soon) and how well the monitor sees
 * them (coverage, run duration, throttling, alarms). The run's figures come from Logs Insights queries over the
 * structured log lines FinalizeRun and ScanTarget write (RUN_LOG), not from custom metrics: Logs Insights is billed
 * per GB scanned (a few MB a month here), a custom metric per metric and month. Only AWS's own free metrics (Step
 * Functions, Lambda) are drawn as metrics.
 */
import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  LogQueryVisualizationType,
  LogQueryWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FINDING_CODES } from '../../lambdas/core/model';
import { RUN_LOG } from '../../lambdas/core/names';
import type { TargetScannedLine } from '../../lambdas/pipeline/contracts';
import type { RunFigures } from '../../lambdas/pipeline/finalize-run';

/** The functions whose log lines the dashboard queries. */
const DASHBOARD_LOG_SOURCES = { runCompleted: 'FinalizeRun', targetScanned: 'ScanTarget' } as const;

/** A function with the log group it writes to (a `Function` or `NodejsFunction` has one). */
export type LoggingFunction = IFunction & { readonly logGroup: ILogGroup };

export interface MonitorDashboardProps {
  readonly stateMachine: IStateMachine;
  /** The monitor's Lambdas by name; must include FinalizeRun and ScanTarget, whose log groups the widgets query. */
  readonly functions: Readonly<Record<string, LoggingFunction>>;
  readonly alarms: readonly IAlarm[];
  /**
   * Bucket of the per-run figures; a run reports them once, so one point per scheduled run.
   * @default 1 day
   */
  readonly period?: Duration;
}

/**
 * The fields of each log line the widgets read. The queries can name only these, and these must be fields of the
 * line's source (RunFigures, TargetScannedLine), so renaming a figure fails to compile instead of emptying a widget.
 */
export const DASHBOARD_FIELDS = {
  runCompleted: [
    'certificates',
    'expiringWithin7Days',
    'expiringWithin30Days',
    'targets',
    'targetsFailed',
    'durationSeconds',
    'findings',
  ],
  targetScanned: ['runId', 'accountId', 'region', 'status', 'errorCode', 'throttles'],
} as const satisfies {
  runCompleted: readonly (keyof RunFigures)[];
  targetScanned: readonly (keyof TargetScannedLine)[];
};

/** Numbers at the top level of the "run completed" line (`findings` is read per code). */
type RunField = Exclude<(typeof DASHBOARD_FIELDS.runCompleted)[number], 'findings'>;
type ScanField = (typeof DASHBOARD_FIELDS.targetScanned)[number];

const runField = (field: RunField): string => field;
const scanField = (field: ScanField): string => field;
const findingsField: (typeof DASHBOARD_FIELDS.runCompleted)[number] = 'findings';

export class MonitorDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitorDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.days(1);
    const minutes = period.toMinutes();
    const bin = minutes % 60 === 0 ? `bin(${minutes / 60}h)` : `bin(${minutes}m)`;
    const runLogs = [logGroupOf(props.functions, DASHBOARD_LOG_SOURCES.runCompleted)];
    const scanLogs = [logGroupOf(props.functions, DASHBOARD_LOG_SOURCES.targetScanned)];
    // Per-run figures are gauges: the largest value in a bucket is that run's (retries log the same figures).
    const perRun = (fields: Array<[RunField, string]>) =>
      fields.map(([field, label]) => `max(${runField(field)}) as ${label}`).join(', ');
    const runLine = `filter message = '${RUN_LOG.runCompleted}'`;
    const scanLine = `filter message = '${RUN_LOG.targetScanned}'`;

    const functions = Object.entries(props.functions);

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(30),
      widgets: [
        [
          new LogQueryWidget({
            title: 'Certificates (latest run)',
            width: 12,
            logGroupNames: runLogs,
            view: LogQueryVisualizationType.TABLE,
            queryLines: [
              `fields @timestamp, ${(['certificates', 'expiringWithin30Days', 'expiringWithin7Days', 'targets', 'targetsFailed'] as const).map(runField).join(', ')}`,
              runLine,
              'sort @timestamp desc',
              'limit 1',
            ],
          }),
          new AlarmStatusWidget({ title: 'Monitor alarms', width: 12, alarms: [...props.alarms] }),
        ],
        [
          new LogQueryWidget({
            title: 'Certificates by finding',
            width: 12,
            logGroupNames: runLogs,
            view: LogQueryVisualizationType.STACKEDAREA,
            queryLines: [
              runLine,
              `stats ${FINDING_CODES.map((code) => `max(${findingsField}.${code}) as ${code}`).join(', ')} by ${bin}`,
            ],
          }),
          new LogQueryWidget({
            title: 'Expiring soon',
            width: 12,
            logGroupNames: runLogs,
            view: LogQueryVisualizationType.LINE,
            queryLines: [
              runLine,
              `stats ${perRun([
                ['expiringWithin7Days', 'within7Days'],
                ['expiringWithin30Days', 'within30Days'],
              ])} by ${bin}`,
            ],
          }),
        ],
        [
          new LogQueryWidget({
            title: 'Coverage: account-regions scanned and failed',
            width: 8,
            logGroupNames: runLogs,
            view: LogQueryVisualizationType.LINE,
            queryLines: [
              runLine,
              `stats ${perRun([
                ['targets', 'scanned'],
                ['targetsFailed', 'failed'],
              ])} by ${bin}`,
            ],
          }),
          new LogQueryWidget({
            title: 'Run duration (seconds)',
            width: 8,
            logGroupNames: runLogs,
            view: LogQueryVisualizationType.LINE,
            queryLines: [runLine, `stats ${perRun([['durationSeconds', 'runSeconds']])} by ${bin}`],
          }),
          new LogQueryWidget({
            title: 'AWS API throttles during scans',
            width: 8,
            logGroupNames: scanLogs,
            view: LogQueryVisualizationType.LINE,
            queryLines: [scanLine, `stats sum(${scanField('throttles')}) as throttles by ${bin}`],
          }),
        ],
        [
          new LogQueryWidget({
            title: 'Account-regions not fully scanned (newest first)',
            width: 12,
            logGroupNames: scanLogs,
            view: LogQueryVisualizationType.TABLE,
            queryLines: [
              `fields @timestamp, ${(['accountId', 'region', 'status', 'errorCode', 'runId'] as const).map(scanField).join(', ')}`,
              `${scanLine} and ${scanField('status')} != 'ok'`,
              'sort @timestamp desc',
              'limit 50',
            ],
          }),
          new GraphWidget({
            title: 'Failed runs and Lambda throttles',
            width: 12,
            left: [props.stateMachine.metricFailed({ period, statistic: 'Sum', label: 'Failed runs' })],
            right: functions.map(([name, fn]) =>
              fn.metricThrottles({ period: Duration.hours(1), statistic: 'Sum', label: `${name} Lambda throttles` }),
            ),
          }),
        ],
      ],
    });
  }
}

function logGroupOf(functions: Readonly<Record<string, LoggingFunction>>, name: string): string {
  const fn = functions[name];
  if (fn === undefined) {
    throw new Error(
      `MonitorDashboard: props.functions has no '${name}' (got ${Object.keys(functions).join(', ') || 'none'}); ` +
        'its log group holds the lines the dashboard queries',
    );
  }
  return fn.logGroup.logGroupName;
}
