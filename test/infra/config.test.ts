import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { ConfigError, parseConfig } from '../../infra/config';
import { lambdaSettings } from '../../infra/lambda-environment';
import { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_CHANGE_THRESHOLDS, ENV } from '../../lambdas/core/names';
import type { LambdaName } from '../../lambdas/core/settings';
import { EXTERNAL_ID, minimalConfig, testApp } from './fixtures';

function problemOf(raw: unknown): ConfigError {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('fills every default when only the hub and the external id are given', () => {
    const config = parseConfig(minimalConfig());

    expect(config).toMatchObject({
      schedule: { cron: 'cron(0 6 * * ? *)', timezone: 'UTC', periodHours: 24 },
      accounts: { source: 'organization' },
      regions: { source: 'enabled' },
      auditRoleName: DEFAULT_AUDIT_ROLE_NAME,
      externalId: EXTERNAL_ID,
      expiryDays: 30,
      changeThresholds: [...DEFAULT_CHANGE_THRESHOLDS],
      refreshDays: 7,
      maxConcurrency: 100,
      describeConcurrency: 5,
      slackSecretName: 'cert-monitor/slack',
      ownerTagKey: 'owner',
      heartbeat: { graceHours: 6 },
      logRetentionDays: 90,
      historyDays: 90,
    });
    expect(config.features).toEqual([]);
    expect(config.alarmEmail).toBeUndefined();
    expect(config.organization).toBeUndefined();
  });

  it('accepts the configuration as a JSON string, as `-c certMonitor=...` passes it', () => {
    const config = parseConfig(JSON.stringify(minimalConfig({ expiryDays: 21 })));

    expect(config.expiryDays).toBe(21);
  });

  it.each([
    ['a missing external id', { externalId: undefined }, /certMonitor\.externalId: is required/],
    [
      'an unknown feature set',
      { features: ['ct-watch'] },
      /certMonitor\.features: "ct-watch" is not an optional feature set; known: dns-diagnosis, probe/,
    ],
    ['the core set named as optional', { features: ['core'] }, /certMonitor\.features: "core" is not an optional/],
    ['a Slack admin that is not a role', { slackSecretAdminRoleArn: 'admin' }, /certMonitor\.slackSecretAdminRoleArn/],
    ['a one-character external id', { externalId: 'x' }, /certMonitor\.externalId: must be 2-1224 characters/],
    ['an external id with spaces', { externalId: 'has spaces' }, /certMonitor\.externalId/],
    [
      'a five-field cron',
      { schedule: { cron: 'cron(0 6 * * ?)' } },
      /certMonitor\.schedule\.cron: .*cron\(0 6 \* \* \? \*\)/,
    ],
    ['a cron without "?"', { schedule: { cron: 'cron(0 6 * * * *)' } }, /certMonitor\.schedule\.cron/],
    ['a rate instead of a cron', { schedule: { cron: 'rate(1 day)' } }, /certMonitor\.schedule\.cron/],
    [
      'an unknown time zone',
      { schedule: { timezone: 'Mars/Olympus' } },
      /certMonitor\.schedule\.timezone: must be an IANA/,
    ],
    [
      'a list source without ids',
      { accounts: { source: 'list' } },
      /certMonitor\.accounts\.ids: is required when source is "list"/,
    ],
    [
      'ids with the organization source',
      { accounts: { source: 'organization', ids: ['111111111111'] } },
      /certMonitor\.accounts\.ids: is only read/,
    ],
    [
      'an 11-digit excluded account',
      { accounts: { source: 'organization', exclude: ['11111111111'] } },
      /certMonitor\.accounts\.exclude\[0\]: must be a 12-digit/,
    ],
    [
      'an account id as a number',
      { accounts: { source: 'list', ids: [111111111111] } },
      /certMonitor\.accounts\.ids\[0\]/,
    ],
    [
      'an unknown account source',
      { accounts: { source: 'everything' } },
      /certMonitor\.accounts\.source: must be "organization" or "list"/,
    ],
    ['a list of regions without names', { regions: { source: 'list' } }, /certMonitor\.regions\.names: is required/],
    [
      'a misspelt region',
      { regions: { source: 'list', names: ['eu-west'] } },
      /certMonitor\.regions\.names\[0\]: must be an AWS region/,
    ],
    [
      'thresholds smallest first',
      { changeThresholds: [1, 7, 30] },
      /certMonitor\.changeThresholds: must be sorted largest first/,
    ],
    ['a fractional expiry', { expiryDays: 2.5 }, /certMonitor\.expiryDays: must be a whole number/],
    [
      'no concurrency',
      { maxConcurrency: 0 },
      /certMonitor\.maxConcurrency: must be a whole number of child executions from 1 to 10000/,
    ],
    ['more describes than ACM allows', { describeConcurrency: 11 }, /certMonitor\.describeConcurrency/],
    [
      'a retention CloudWatch does not offer',
      { logRetentionDays: 8 },
      /certMonitor\.logRetentionDays: must be a retention CloudWatch Logs accepts/,
    ],
    ['a role name with a space', { auditRoleName: 'Cert Audit' }, /certMonitor\.auditRoleName/],
    [
      'a user ARN as the organization role',
      { organizationRoleArn: 'arn:aws:iam::111111111111:user/x' },
      /certMonitor\.organizationRoleArn: must be an IAM role ARN/,
    ],
    ['an invalid e-mail', { alarmEmail: 'oncall' }, /certMonitor\.alarmEmail: must be an e-mail address/],
    ['a grace of zero hours', { heartbeat: { graceHours: 0 } }, /certMonitor\.heartbeat\.graceHours/],
    ['a misspelt key', { expiryDay: 30 }, /certMonitor\.expiryDay: is not a known setting/],
    [
      'a misspelt nested key',
      { schedule: { crons: 'cron(0 6 * * ? *)' } },
      /certMonitor\.schedule\.crons: is not a known setting/,
    ],
    ['a hub without a region', { hub: { accountId: '222222222222' } }, /certMonitor\.hub\.region: is required/],
  ])('names the key and the fix for %s', (_case, overrides, message) => {
    expect(() => parseConfig(minimalConfig(overrides))).toThrow(message);
  });

  it('takes owner routing with Slack secret keys, gives it to the Lambdas that read it, and refuses URLs in config', () => {
    const routes = {
      destinations: { platform: 'platformWebhookUrl', web: 'webWebhookUrl' },
      default: 'platform',
      rules: [{ certificateTag: 'team' }, { ou: { 'ou-ab12-11111111': 'web' } }],
      teamDigests: true,
    };
    const config = parseConfig(minimalConfig({ routes }));
    const resources = { tableName: 't', workBucket: 'b', slackSecretId: 's' };

    expect(config.routes).toMatchObject({ ...routes, organizationDigest: 'all' });
    expect(lambdaSettings('finalizeRun', config, resources)[ENV.routes]).toBe(JSON.stringify(config.routes));
    expect(lambdaSettings('listTargets', config, resources)[ENV.routes]).toBeDefined();
    expect(lambdaSettings('heartbeat', config, resources)[ENV.routes]).toBeDefined();
    expect(lambdaSettings('scanTarget', config, resources)[ENV.routes]).toBeUndefined();
    expect(() =>
      parseConfig(minimalConfig({ routes: { ...routes, destinations: { platform: 'https://hooks.slack.com/x' } } })),
    ).toThrow('certMonitor.routes: destinations.platform: must be a key of the Slack secret');
    expect(() => parseConfig(minimalConfig({ routes: { ...routes, default: 'nobody' } }))).toThrow(
      'default: "nobody" is not a destination (destinations: platform, web)',
    );
  });

  it('rejects a configuration without a hub', () => {
    expect(() => parseConfig({ externalId: EXTERNAL_ID })).toThrow(/certMonitor\.hub: is required/);
  });

  it('reports every problem at once, the first as the key', () => {
    const error = problemOf(minimalConfig({ externalId: undefined, expiryDays: -1, schedule: { cron: 'daily' } }));

    expect(error.problems.map((p) => p.key).sort()).toEqual([
      'certMonitor.expiryDays',
      'certMonitor.externalId',
      'certMonitor.schedule.cron',
    ]);
    expect(error.problems.map((p) => p.key)).toContain(error.key);
  });

  it('says how to add the configuration when the context has none', () => {
    expect(() => parseConfig(undefined)).toThrow(/certMonitor: is missing: add a "certMonitor" object/);
    expect(() => parseConfig('{not json')).toThrow(/certMonitor: is not valid JSON/);
  });

  describe('organization', () => {
    const base = { accountId: '111111111111' };

    it('needs exactly one of the organization root and organizational units', () => {
      expect(() => parseConfig(minimalConfig({ organization: base }))).toThrow(
        /certMonitor\.organization\.organizationRootId: set exactly one/,
      );
      expect(() =>
        parseConfig(
          minimalConfig({
            organization: { ...base, organizationRootId: 'r-ab12', organizationalUnitIds: ['ou-ab12-34cd56ef'] },
          }),
        ),
      ).toThrow(/set exactly one/);
    });

    it('checks the shape of root, OU and organization ids and the caller', () => {
      expect(() => parseConfig(minimalConfig({ organization: { ...base, organizationRootId: 'root' } }))).toThrow(
        /certMonitor\.organization\.organizationRootId: must be the organization root id/,
      );
      expect(() => parseConfig(minimalConfig({ organization: { ...base, organizationalUnitIds: ['ou-1'] } }))).toThrow(
        /certMonitor\.organization\.organizationalUnitIds\[0\]: must be organizational unit ids/,
      );
      expect(() =>
        parseConfig(minimalConfig({ organization: { ...base, organizationRootId: 'r-ab12', principalOrgId: 'org' } })),
      ).toThrow(/certMonitor\.organization\.principalOrgId/);
      expect(() =>
        parseConfig(minimalConfig({ organization: { ...base, organizationRootId: 'r-ab12', callAs: 'ADMIN' } })),
      ).toThrow(/certMonitor\.organization\.callAs: must be "SELF"/);
    });

    it('defaults to calling as the management account with gentle operation preferences', () => {
      const config = parseConfig(minimalConfig({ organization: { ...base, organizationRootId: 'r-ab12' } }));

      expect(config.organization).toEqual({
        accountId: '111111111111',
        organizationRootId: 'r-ab12',
        callAs: 'SELF',
        failureTolerancePercentage: 10,
        maxConcurrentPercentage: 25,
      });
    });
  });
});

describe('buildApp', () => {
  it('fails the synth with a ConfigError naming the key when the context is wrong', () => {
    const app = testApp(minimalConfig({ externalId: undefined }));

    expect(() => buildApp(app)).toThrow(ConfigError);
    expect(() => buildApp(testApp(minimalConfig({ externalId: undefined })))).toThrow(/certMonitor\.externalId/);
  });
});

describe('lambdaSettings', () => {
  const RESOURCES = { tableName: 'state', workBucket: 'work', slackSecretId: 'cert-monitor/slack' };

  it('writes lists comma-separated and numbers in decimal, leaving unset options out', () => {
    const settings = lambdaSettings(
      'scanTarget',
      parseConfig(minimalConfig({ regions: { source: 'list', names: ['us-east-1', 'eu-west-1'] } })),
      RESOURCES,
    );

    expect(settings[ENV.regions]).toBe('us-east-1,eu-west-1');
    expect(settings[ENV.changeThresholds]).toBe('30,14,7,3,1');
    expect(settings[ENV.refreshDays]).toBe('7');
    expect(settings).not.toHaveProperty(ENV.excludedAccounts);
  });

  it('gives each Lambda only the settings it reads: the ExternalId only to ScanTarget', () => {
    const config = parseConfig(minimalConfig({ accounts: { source: 'organization', exclude: ['333333333333'] } }));
    const names = (fn: LambdaName) => Object.keys(lambdaSettings(fn, config, RESOURCES)).sort();

    expect(names('scanTarget')).toContain(ENV.externalId);
    for (const fn of ['listTargets', 'finalizeRun', 'heartbeat'] as const) {
      expect(names(fn)).not.toContain(ENV.externalId);
    }
    expect(names('listTargets')).toEqual([ENV.excludedAccounts, ENV.historyDays, ENV.tableName, ENV.workBucket].sort());
    expect(names('heartbeat')).toEqual(
      [
        ENV.heartbeatGraceHours,
        ENV.historyDays,
        ENV.ownerTagKey,
        ENV.schedulePeriodHours,
        ENV.slackSecretId,
        ENV.tableName,
      ].sort(),
    );
  });

  it('refuses an account list too long for the Lambda environment', () => {
    const ids = Array.from({ length: 300 }, (_, i) => String(100_000_000_000 + i));
    const config = parseConfig(minimalConfig({ accounts: { source: 'list', ids } }));

    expect(() => lambdaSettings('listTargets', config, RESOURCES)).toThrow(
      /certMonitor\.accounts\.ids: makes the Lambda environment/,
    );
  });

  it('passes the optional feature sets on, so ScanTarget lists hosted zones only when dns-diagnosis is on', () => {
    const on = lambdaSettings('scanTarget', parseConfig(minimalConfig({ features: ['dns-diagnosis'] })), RESOURCES);
    const off = lambdaSettings('scanTarget', parseConfig(minimalConfig()), RESOURCES);

    expect(on[ENV.features]).toBe('dns-diagnosis');
    expect(off).not.toHaveProperty(ENV.features);
  });
});
