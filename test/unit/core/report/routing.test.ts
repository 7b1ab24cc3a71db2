import { describe, expect, it } from 'vitest';
import { buildReport, parseReport, withRouting } from '../../../../lambdas/core/report';
import { parseRoutes, routeRun } from '../../../../lambdas/core/routing';
import { certificate, target } from '../alerting/fixtures';

describe('withRouting', () => {
  it('adds each certificate’s route and the problems by target and for the run, and stays a valid schema-1 report', () => {
    // Prepare
    const routes = parseRoutes(
      { destinations: { platform: 'p', web: 'w' }, default: 'platform', rules: [{ certificateTag: 'team' }] },
      'secretKey',
      'routes',
    );
    const web = certificate({ arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/web', tags: { team: 'web' } });
    const typo = certificate({ arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/typo', tags: { team: 'wbe' } });
    const other = target({ accountId: '222222222222' });
    const report = buildReport({
      runId: 'run-1',
      generatedAt: new Date('2026-12-01T06:00:00.000Z'),
      targets: [target(), other],
      certificates: [web, typo],
    });

    // Act
    const routed = withRouting(report, routeRun(routes, [web, typo], [target(), other], new Map()));

    // Assess
    const byArn = new Map(routed.certificates.map((c) => [c.arn, c.route]));
    expect(byArn.get(web.arn)).toEqual({ destination: 'web', rule: 'certificateTag:team' });
    expect(byArn.get(typo.arn)).toEqual({ destination: 'platform', rule: 'default' });
    const problem = {
      value: 'wbe',
      rule: 'certificateTag:team',
      reason: 'names no destination (destinations: platform, web)',
    };
    expect(routed.routingProblems).toEqual([problem]);
    expect(routed.targets.find((t) => t.accountId === '111111111111')?.routingProblems).toEqual([problem]);
    expect(routed.targets.find((t) => t.accountId === '222222222222')).not.toHaveProperty('routingProblems');
    expect(parseReport(JSON.parse(JSON.stringify(routed)))).toEqual(routed);
  });

  it('leaves a report without routing unchanged: no route, no routingProblems', () => {
    const report = buildReport({
      runId: 'r',
      generatedAt: new Date(),
      targets: [target()],
      certificates: [certificate()],
    });
    expect(report).not.toHaveProperty('routingProblems');
    expect(report.certificates[0]).not.toHaveProperty('route');
  });
});
