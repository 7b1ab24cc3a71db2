import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { MonitorDashboard } from '../../infra/constructs/dashboard';

function scope() {
  const stack = new Stack(new App(), 'Test');
  const stateMachine = new StateMachine(stack, 'Machine', { definition: new Pass(stack, 'Pass') });
  const fn = (id: string) =>
    new LambdaFunction(stack, id, {
      runtime: Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = () => {};'),
    });
  return { stack, stateMachine, fn };
}

describe('MonitorDashboard', () => {
  it('refuses, at synth time, functions without the ones whose log lines it queries', () => {
    const { stack, stateMachine, fn } = scope();

    expect(
      () => new MonitorDashboard(stack, 'Dashboard', { stateMachine, functions: { FinalizeRun: fn('F') }, alarms: [] }),
    ).toThrow(/props.functions has no 'ScanTarget' \(got FinalizeRun\)/);
  });

  it('buckets the per-run figures by the given period, in minutes when it is not whole hours', () => {
    const { stack, stateMachine, fn } = scope();

    new MonitorDashboard(stack, 'Dashboard', {
      stateMachine,
      functions: { FinalizeRun: fn('F'), ScanTarget: fn('S') },
      alarms: [],
      period: Duration.minutes(90),
    });

    const body = JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
    expect(body).toContain('by bin(90m)');
    expect(body).not.toContain('bin(1h)');
  });
});
