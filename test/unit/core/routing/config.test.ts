import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseRoutes, RoutesConfigError } from '../../../../lambdas/core/routing';

const parse = (raw: unknown) => parseRoutes(raw, z.string().url('must be a URL'), 'routes.json');

describe('parseRoutes', () => {
  it('reads the issue example with its defaults', () => {
    const routes = parse({
      destinations: { platform: 'https://hooks.slack.com/a', web: 'https://hooks.slack.com/b' },
      default: 'platform',
      rules: [{ certificateTag: 'owner-slack' }, { accountTag: 'team' }, { ou: { 'ou-ab12-11111111': 'web' } }],
      teamDigests: true,
    });
    expect(routes.default).toBe('platform');
    expect(routes.rules).toHaveLength(3);
    expect(routes.teamDigests).toBe(true);
    expect(routes.organizationDigest).toBe('all');
  });

  it.each([
    [{ destinations: {}, default: 'x' }, 'destinations: name at least one destination'],
    [{ destinations: { a: 'https://h/a' }, default: 'b' }, 'default: "b" is not a destination (destinations: a)'],
    [
      { destinations: { a: 'https://h/a' }, default: 'a', rules: [{ ou: { 'ou-ab12-11111111': 'web' } }] },
      'rules.0.ou.ou-ab12-11111111: "web" is not a destination (destinations: a)',
    ],
    [
      { destinations: { a: 'https://h/a' }, default: 'a', rules: [{ ou: { 'r-ab12': 'a' } }] },
      'must be an OU id like ou-ab12-11111111',
    ],
    [
      { destinations: { a: 'https://h/a' }, default: 'a', rules: [{ tag: 'team' }] },
      'rules.0: a rule is one of {"certificateTag": KEY}, {"accountTag": KEY}, {"ou": {"ou-...": DESTINATION}}',
    ],
    [{ destinations: { 'bad name': 'https://h/a' }, default: 'a' }, 'a destination name is letters'],
    [{ destinations: { a: 'https://h/a' }, default: 'a', teamDigest: true }, 'unknown key(s) teamDigest'],
    [{ destinations: { a: 'not a url' }, default: 'a' }, 'destinations.a: must be a URL'],
  ])('refuses %j naming the problem by its path', (raw, expected) => {
    expect(() => parse(raw)).toThrow(RoutesConfigError);
    expect(() => parse(raw)).toThrow(expected);
  });

  it('never echoes a destination value (a webhook URL is a credential)', () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/SECRETSECRET';
    try {
      parseRoutes({ destinations: { a: secret }, default: 'a', extra: 1 }, z.string().max(5), 'routes.json');
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('SECRETSECRET');
      expect(String(error)).toContain('routes.json');
    }
  });
});
