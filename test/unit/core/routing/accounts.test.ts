/**
 * The account facts kept for the event path: only what the rules read is recorded, and an account no run has
 * recorded routes by certificate tags alone, to the default destination with the reason in its route line.
 */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_ROUTING_NOT_RECORDED,
  describeRoute,
  factsToRecord,
  parseRoutes,
  type RoutesConfig,
  readsAccountFacts,
  resolveRoute,
  withUnrecorded,
} from '../../../../lambdas/core/routing';

const config: RoutesConfig = parseRoutes(
  {
    destinations: { platform: 'p', web: 'w' },
    default: 'platform',
    rules: [{ certificateTag: 'team' }, { accountTag: 'team' }, { ou: { 'ou-ab12-11111111': 'web' } }],
  },
  'secretKey',
  'test routes',
);

describe('account routing facts for the event path', () => {
  it('records only the tag keys the account rules read, with the OUs and read errors', () => {
    const facts = factsToRecord(config, {
      accountId: '111111111111',
      tags: { team: 'web', 'cost-center': '42' },
      ouPath: ['ou-ab12-11111111'],
      ouError: 'x',
    });

    expect(facts).toEqual({
      accountId: '111111111111',
      tags: { team: 'web' },
      ouPath: ['ou-ab12-11111111'],
      ouError: 'x',
    });
  });

  it('reads account facts only when a rule needs them', () => {
    expect(readsAccountFacts(config)).toBe(true);
    expect(readsAccountFacts({ rules: [{ certificateTag: 'team' }] })).toBe(false);
  });

  it('routes an account no run recorded by certificate tags only, and says why nobody owns it', () => {
    const accounts = withUnrecorded(
      ['111111111111', '222222222222'],
      new Map([['222222222222', { accountId: '222222222222', tags: { team: 'web' } }]]),
    );
    const unknown = resolveRoute(config, { certificateTags: {}, account: accounts.get('111111111111') });
    const tagged = resolveRoute(config, { certificateTags: { team: 'web' }, account: accounts.get('111111111111') });
    const recorded = resolveRoute(config, { certificateTags: {}, account: accounts.get('222222222222') });

    expect(unknown.route).toEqual({ destination: 'platform', rule: 'default', value: ACCOUNT_ROUTING_NOT_RECORDED });
    expect(describeRoute(unknown.route)).toBe(`no owner known: ${ACCOUNT_ROUTING_NOT_RECORDED}`);
    expect(unknown.problems.map((problem) => problem.reason)).toEqual([
      ACCOUNT_ROUTING_NOT_RECORDED,
      ACCOUNT_ROUTING_NOT_RECORDED,
    ]);
    expect(tagged.route).toEqual({ destination: 'web', rule: 'certificateTag:team', value: 'web' });
    expect(recorded.route).toEqual({ destination: 'web', rule: 'accountTag:team', value: 'web' });
    expect(describeRoute({ rule: 'default' })).toBe('no owner');
  });
});
