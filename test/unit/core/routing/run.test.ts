import { describe, expect, it } from 'vitest';
import {
  type AccountRouting,
  incidentRoutes,
  parseRoutes,
  type RoutedCertificate,
  routeRun,
} from '../../../../lambdas/core/routing';

const config = parseRoutes(
  {
    destinations: { platform: 'p', web: 'w', payments: 'pay' },
    default: 'platform',
    rules: [{ certificateTag: 'team' }, { accountTag: 'team' }],
  },
  'secretKey',
  'routes',
);
const A = '111111111111';
const B = '222222222222';
const arn = (account: string, region: string, id: string) => `arn:aws:acm:${region}:${account}:certificate/${id}`;
const certificates: RoutedCertificate[] = [
  { arn: arn(A, 'eu-west-1', 'web'), accountId: A, region: 'eu-west-1', tags: { team: 'web' } },
  { arn: arn(A, 'eu-west-1', 'pay'), accountId: A, region: 'eu-west-1', tags: { team: 'payments' } },
  { arn: arn(A, 'us-east-1', 'typo'), accountId: A, region: 'us-east-1', tags: { team: 'wbe' } },
  { arn: arn(B, 'eu-west-1', 'none'), accountId: B, region: 'eu-west-1', tags: {} },
];
const targets = [
  { accountId: A, region: 'eu-west-1' },
  { accountId: A, region: 'us-east-1' },
  { accountId: B, region: 'eu-west-1' },
];
const accounts = new Map<string, AccountRouting>([
  [A, { accountId: A, tags: { team: 'payments' } }],
  [B, { accountId: B, tags: {} }],
]);

describe('routeRun', () => {
  it('routes every certificate once and keeps each problem with its target and once for the run', () => {
    const routing = routeRun(config, [...certificates, certificates[2]!], targets, accounts);

    expect([...routing.byArn.values()].map((r) => r.destination)).toEqual(['web', 'payments', 'payments', 'platform']);
    expect(routing.byAccount.get(A)).toEqual({ destination: 'payments', rule: 'accountTag:team', value: 'payments' });
    expect(routing.problemsByTarget.get(`${A}#us-east-1`)).toEqual([
      {
        value: 'wbe',
        rule: 'certificateTag:team',
        reason: 'names no destination (destinations: platform, web, payments)',
      },
    ]);
    expect(routing.problemsByTarget.get(`${A}#eu-west-1`)).toBeUndefined();
    expect(routing.problems).toHaveLength(1);
  });
});

describe('incidentRoutes', () => {
  const routing = routeRun(config, certificates, targets, accounts);

  it("sends a certificate's incident to its owner only", () => {
    expect(
      incidentRoutes(routing, {
        kind: 'RENEWAL_FAILED',
        arn: arn(A, 'eu-west-1', 'web'),
        accountId: A,
        region: 'eu-west-1',
      }),
    ).toEqual([{ destination: 'web', rule: 'certificateTag:team', value: 'web' }]);
  });

  it('sends a coverage gap to every owner of the target once: the account owner and each certificate owner', () => {
    const routes = incidentRoutes(routing, { kind: 'COVERAGE_GAP', accountId: A, region: 'eu-west-1' });
    expect(routes.map((r) => r.destination)).toEqual(['payments', 'web']);
  });

  it("sends a whole-account gap to the owners of the account's certificates in every region", () => {
    const routes = incidentRoutes(routing, { kind: 'COVERAGE_GAP', accountId: A, region: '*' });
    expect(routes.map((r) => r.destination)).toEqual(['payments', 'web']);
  });

  it("sends the monitor's own trouble to the default destination", () => {
    expect(incidentRoutes(routing, { kind: 'MONITOR_STATE_TABLE', accountId: '*', region: '*' })).toEqual([
      { destination: 'platform', rule: 'default' },
    ]);
  });

  it('routes a certificate the run no longer holds by its account', () => {
    expect(
      incidentRoutes(routing, {
        kind: 'EXPIRING_IN_USE',
        arn: arn(B, 'eu-west-1', 'gone'),
        accountId: B,
        region: 'eu-west-1',
      }),
    ).toEqual([{ destination: 'platform', rule: 'default' }]);
  });
});
