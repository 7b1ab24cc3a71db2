import { describe, expect, it } from 'vitest';
import { detectIncidents } from '../../../lambdas/core/alerting/incidents';
import { planAlerts } from '../../../lambdas/core/alerting/planner';
import { STATE_TABLE_FAILED } from '../../../lambdas/core/failures';
import type { TargetResult } from '../../../lambdas/core/model';
import { MONITOR_STATE_TABLE_KEY, stateTableFailure, stateTableIncident } from '../../../lambdas/core/monitor-health';
import { buildReport, parseReport, renderTable } from '../../../lambdas/core/report';
import { renderAlert } from '../../../lambdas/core/slack';
import { day, target } from './alerting/fixtures';
import { certificate } from './certificate-fixture';
import { expectSafeMarkup, expectWithinSlackLimits } from './slack/limits';

const tableTrouble = { code: 'ProvisionedThroughputExceededException', message: 'throttled' };

function stateTableTarget(accountId: string): TargetResult {
  return stateTableFailure(target({ accountId }), 'store', tableTrouble);
}

describe('stateTableFailure', () => {
  it('makes a scanned target partial with the monitor’s code and a cause naming the state table', () => {
    const result = stateTableFailure(target(), 'store', tableTrouble);

    expect(result).toMatchObject({ status: 'partial', errorCode: STATE_TABLE_FAILED });
    expect(result.errorMessage).toContain("the monitor's state table");
    expect(result.errorMessage).toContain('Nothing is wrong in this account');
  });

  it('keeps what else the scan missed in the message', () => {
    const partial = target({ status: 'partial', errorCode: 'ThrottlingException', errorMessage: 'describe throttled' });

    const result = stateTableFailure(partial, 'store', tableTrouble);

    expect(result.errorMessage).toContain('also ThrottlingException: describe throttled');
  });
});

describe('incidents of the monitor’s state table', () => {
  it('never opens a coverage gap for a target the state table failed, even one recorded as an error', () => {
    const targets = [
      stateTableTarget('111111111111'),
      target({ accountId: '222222222222', status: 'error', errorCode: 'StateStoreError', errorMessage: 'x' }),
    ];

    expect(detectIncidents([], targets, { now: day(0) })).toEqual([]);
  });

  it('stays quiet for one run on a few targets, and opens one monitor-health incident when it persists', () => {
    const few = [stateTableTarget('111111111111')];
    const many = ['1', '2', '3', '4'].map((n) => stateTableTarget(n.repeat(12)));

    expect(stateTableIncident(few, [])).toBeUndefined();
    expect(stateTableIncident(few, [{ errorCode: STATE_TABLE_FAILED }])).toMatchObject({
      key: MONITOR_STATE_TABLE_KEY,
      kind: 'MONITOR_STATE_TABLE',
    });
    expect(stateTableIncident(many, [])?.reason).toMatch(/^4 of 4 targets in this run/);
    expect(stateTableIncident(many, [], { alertTargets: 4 })).toBeUndefined();
  });

  it('resolves after a run without the trouble, whatever the targets', () => {
    const incidents = detectIncidents([], [stateTableTarget('111111111111')], {
      now: day(0),
      previousRunFailures: [{ errorCode: STATE_TABLE_FAILED }],
    });
    const opened = planAlerts([], incidents, { now: day(0), targets: [] });
    const stored = opened.states.map((state) => ({ ...state, version: 1, pending: [] }));

    const next = planAlerts(stored, [], { now: day(1), targets: [target({ status: 'partial' })] });

    expect(opened.notices.map((n) => n.id)).toEqual([`${MONITOR_STATE_TABLE_KEY}#opened`]);
    expect(next.notices.map((n) => n.id)).toEqual([`${MONITOR_STATE_TABLE_KEY}#resolved`]);
  });

  it('tells on-call it is the monitor’s table, not an account to fix', () => {
    const [incident] = detectIncidents([], [stateTableTarget('111111111111')], {
      now: day(0),
      previousRunFailures: [{ errorCode: STATE_TABLE_FAILED }],
    });

    const text = JSON.stringify(
      renderAlert({ id: 'n', stage: 'opened', incident: incident!, openedAt: day(0).toISOString() }),
    );

    expect(text).toContain('state table');
    expect(text).not.toMatch(/Coverage gap|audit role|SCP/);
  });

  it('renders every stage within Slack’s limits with safe markup', () => {
    const [incident] = detectIncidents([], [stateTableTarget('111111111111')], {
      now: day(0),
      previousRunFailures: [{ errorCode: STATE_TABLE_FAILED }],
    });
    for (const stage of ['opened', 'reminder', 'resolved'] as const) {
      const message = renderAlert({ id: 'n', stage, incident: incident!, openedAt: day(0).toISOString() });

      expectWithinSlackLimits(message);
      expectSafeMarkup(message);
      expect(message.text).toContain('state table');
    }
  });
});

describe('the report of a run whose state table failed', () => {
  it('lists the certificates read in that target, marked not stored, and only those', () => {
    // Prepare
    const unstored = certificate({
      accountId: '111111111111',
      region: 'eu-west-1',
      arn: 'arn:1',
      domainName: 'a.example.com',
    });
    const stored = certificate({
      accountId: '222222222222',
      region: 'eu-west-1',
      arn: 'arn:2',
      domainName: 'b.example.com',
    });
    const targets = [stateTableTarget('111111111111'), target({ accountId: '222222222222' })];
    // Act
    const report = buildReport({ runId: 'r', generatedAt: day(0), targets, certificates: [unstored, stored] });
    const table = renderTable(report);
    // Assess
    expect(report.certificates.map((c) => [c.arn, c.notStored])).toEqual(
      expect.arrayContaining([
        ['arn:1', true],
        ['arn:2', undefined],
      ]),
    );
    expect(parseReport(JSON.parse(JSON.stringify(report)))).toEqual(report);
    expect(table.split('\n').find((line) => line.startsWith('a.example.com'))).toContain('(not stored)');
    expect(table.split('\n').find((line) => line.startsWith('b.example.com'))).not.toContain('not stored');
    expect(table).toContain("the monitor's state table could not store this scan");
  });
});
