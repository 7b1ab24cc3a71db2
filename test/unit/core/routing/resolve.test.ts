import { describe, expect, it } from 'vitest';
import {
  type AccountRouting,
  describeRoute,
  parseRoutes,
  type RoutesConfig,
  type RoutingSubject,
  resolveRoute,
} from '../../../../lambdas/core/routing';

const config: RoutesConfig = parseRoutes(
  {
    destinations: { platform: 'p', web: 'w', payments: 'pay', data: 'd' },
    default: 'platform',
    rules: [
      { certificateTag: 'owner-slack' },
      { certificateTag: 'team' },
      { accountTag: 'team' },
      { ou: { 'ou-ab12-11111111': 'web', 'ou-ab12-22222222': 'data' } },
    ],
    teamDigests: true,
  },
  'secretKey',
  'test routes',
);

const account = (extra: Partial<AccountRouting> = {}): AccountRouting => ({ accountId: '111111111111', ...extra });

describe('resolveRoute', () => {
  const cases: Array<{
    name: string;
    subject: RoutingSubject;
    destination: string;
    rule: string;
    problems?: unknown[];
  }> = [
    {
      name: 'the first certificate tag that names a destination wins',
      subject: { certificateTags: { 'owner-slack': 'payments', team: 'web' }, account: account() },
      destination: 'payments',
      rule: 'certificateTag:owner-slack',
    },
    {
      name: 'a missing certificate tag falls through silently to the next rule',
      subject: { certificateTags: { team: 'web' }, account: account() },
      destination: 'web',
      rule: 'certificateTag:team',
    },
    {
      name: 'an unknown value falls through and is reported',
      subject: { certificateTags: { 'owner-slack': 'mobile', team: 'web' }, account: account() },
      destination: 'web',
      rule: 'certificateTag:team',
      problems: [
        {
          value: 'mobile',
          rule: 'certificateTag:owner-slack',
          reason: 'names no destination (destinations: platform, web, payments, data)',
        },
      ],
    },
    {
      name: 'a value of another case is unknown (names are exact) and the reason says which was meant',
      subject: { certificateTags: { team: 'Web' }, account: account() },
      destination: 'platform',
      rule: 'default',
      problems: [
        {
          value: 'Web',
          rule: 'certificateTag:team',
          reason: 'names no destination: destination names are exact (did you mean "web"?)',
        },
      ],
    },
    {
      name: 'a malformed value (spaces, channel syntax) falls through with the reason',
      subject: { certificateTags: { 'owner-slack': ' web', team: '#payments' }, account: account() },
      destination: 'platform',
      rule: 'default',
      problems: [
        {
          value: ' web',
          rule: 'certificateTag:owner-slack',
          reason: 'malformed: spaces around the destination name (did you mean "web"?)',
        },
        {
          value: '#payments',
          rule: 'certificateTag:team',
          reason: 'malformed: not a destination name (letters, digits, ".", "_", "-")',
        },
      ],
    },
    {
      name: 'an empty tag falls through with the reason',
      subject: { certificateTags: { team: '' }, account: account({ tags: { team: 'data' } }) },
      destination: 'data',
      rule: 'accountTag:team',
      problems: [{ value: '', rule: 'certificateTag:team', reason: 'the tag is empty' }],
    },
    {
      name: "the account's tag in Organizations routes a certificate without tags",
      subject: { certificateTags: {}, account: account({ tags: { team: 'payments' } }) },
      destination: 'payments',
      rule: 'accountTag:team',
    },
    {
      name: 'an OU rule matches an account anywhere below the OU, the nearest mapped OU first',
      subject: {
        certificateTags: {},
        account: account({ tags: {}, ouPath: ['ou-ab12-33333333', 'ou-ab12-22222222', 'ou-ab12-11111111'] }),
      },
      destination: 'data',
      rule: 'ou:ou-ab12-22222222',
    },
    {
      name: 'an account in no mapped OU goes to the default: no owner',
      subject: { certificateTags: { env: 'prod' }, account: account({ tags: {}, ouPath: ['ou-ab12-99999999'] }) },
      destination: 'platform',
      rule: 'default',
    },
    {
      name: 'account tags that could not be read are reported and the next rule decides',
      subject: {
        certificateTags: {},
        account: account({
          tagsError: 'account tags unreadable (AccessDeniedException)',
          ouPath: ['ou-ab12-11111111'],
        }),
      },
      destination: 'web',
      rule: 'ou:ou-ab12-11111111',
      problems: [
        { value: '111111111111', rule: 'accountTag:team', reason: 'account tags unreadable (AccessDeniedException)' },
      ],
    },
    {
      name: 'an incident without a certificate (a coverage gap) is routed by its account only',
      subject: { account: account({ tags: { team: 'web' } }) },
      destination: 'web',
      rule: 'accountTag:team',
    },
  ];

  it.each(cases)('$name', ({ subject, destination, rule, problems }) => {
    const decision = resolveRoute(config, subject);
    expect(decision.route.destination).toBe(destination);
    expect(decision.route.rule).toBe(rule);
    expect(decision.problems).toEqual(problems ?? []);
  });

  it('gives every certificate exactly one known destination, whatever its tags', () => {
    // Prepare: every combination of present, missing, unknown and malformed values over the three tag rules.
    const values = [undefined, 'web', 'payments', 'nobody', ' web', ''];
    const destinations = Object.keys(config.destinations);
    let count = 0;
    for (const a of values)
      for (const b of values)
        for (const c of values) {
          const tags = (key: string, value: string | undefined) => (value === undefined ? {} : { [key]: value });
          // Act
          const { route } = resolveRoute(config, {
            certificateTags: { ...tags('owner-slack', a), ...tags('team', b) },
            account: account({ tags: tags('team', c) }),
          });
          // Assess
          expect(destinations).toContain(route.destination);
          count++;
        }
    expect(count).toBe(values.length ** 3);
  });

  it('uses the default rules owner-slack then team when the table lists none', () => {
    const defaults = parseRoutes({ destinations: { a: 'x', b: 'y' }, default: 'a' }, 'secretKey', 'routes');
    expect(resolveRoute(defaults, { certificateTags: { team: 'b' } }).route).toEqual({
      destination: 'b',
      rule: 'certificateTag:team',
      value: 'b',
    });
    expect(resolveRoute(defaults, { certificateTags: { 'owner-slack': 'a', team: 'b' } }).route.rule).toBe(
      'certificateTag:owner-slack',
    );
  });
});

describe('describeRoute', () => {
  it.each([
    [{ rule: 'certificateTag:team', value: 'web' }, 'routed by tag team=web'],
    [{ rule: 'accountTag:team', value: 'web' }, 'routed by account tag team=web'],
    [{ rule: 'ou:ou-ab12-11111111', value: 'ou-ab12-11111111' }, 'routed by OU ou-ab12-11111111'],
    [{ rule: 'default' }, 'no owner'],
  ])('says why %j chose its destination', (route, text) => {
    expect(describeRoute(route)).toBe(text);
  });
});
