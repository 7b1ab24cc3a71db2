import { describe, expect, it } from 'vitest';
import { parseRoutes, RoutesConfigError } from '../../../../lambdas/core/routing';

const parse = (raw: unknown) => parseRoutes(raw, 'url', 'routes.json');

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
    [
      { destinations: { a: 'not a url' }, default: 'a' },
      'destinations.a: must be an https:// Slack incoming webhook address',
    ],
  ])('refuses %j naming the problem by its path', (raw, expected) => {
    expect(() => parse(raw)).toThrow(RoutesConfigError);
    expect(() => parse(raw)).toThrow(expected);
  });

  it('takes Slack secret keys, not URLs, for the stack', () => {
    expect(
      parseRoutes({ destinations: { web: 'webWebhookUrl' }, default: 'web' }, 'secretKey', 'cdk.json').destinations,
    ).toEqual({
      web: 'webWebhookUrl',
    });
    expect(() =>
      parseRoutes(
        { destinations: { web: 'https://hooks.slack.com/services/T/B/X' }, default: 'web' },
        'secretKey',
        'cdk.json',
      ),
    ).toThrow('cdk.json: destinations.web: must be a key of the Slack secret');
  });

  it('says a file that is not an object must be one', () => {
    expect(() => parse([])).toThrow('routes.json: (top level): must be a JSON object');
  });

  it('never echoes a destination value (a webhook URL is a credential)', () => {
    const secret = 'https://hooks.slack.com/services/T000/B000/SECRETSECRET';
    try {
      parse({ destinations: { a: secret, b: 'http://example.com/hook' }, default: 'a', extra: 1 });
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('SECRETSECRET');
      expect(String(error)).toContain('routes.json');
    }
  });
});
