import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../infra/config';
import { lambdaSettings } from '../../../infra/lambda-environment';
import { HandlerConfigError } from '../../../lambdas/config/environment';
import { DEFAULT_CHANGE_THRESHOLDS, ENV } from '../../../lambdas/core/names';
import { LAMBDA_NAMES, type LambdaName } from '../../../lambdas/core/settings';
import {
  loadFinalizeRunConfig,
  loadHeartbeatConfig,
  loadListTargetsConfig,
  loadScanTargetConfig,
} from '../../../lambdas/handlers/config';

/**
 * What the hub stack gives a function (every function when none is named), from the example cdk.json, plus the
 * region the Lambda runtime sets.
 */
function stackEnvironment(fn?: LambdaName): Record<string, string> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'));
  const config = parseConfig(cdkJson.context.certMonitor);
  const resources = {
    tableName: 'cert-monitor-state',
    workBucket: 'cert-monitor-work',
    slackSecretId: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cert-monitor/slack-AbCdEf',
  };
  const organizationRoleArn = 'arn:aws:iam::111111111111:role/cert-monitor-organization-read';
  const settings = (fn ? [fn] : LAMBDA_NAMES).map((name) =>
    lambdaSettings(name, config, resources, organizationRoleArn),
  );
  return Object.assign({ AWS_REGION: 'eu-west-1' }, ...settings);
}

function without(env: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _removed, ...rest } = env;
  return rest;
}

function configError(load: () => unknown): HandlerConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof HandlerConfigError) return error;
    throw error;
  }
  throw new Error('expected a HandlerConfigError');
}

describe('handler configuration', () => {
  it('reads everything the hub stack sets for each function', () => {
    const list = loadListTargetsConfig(stackEnvironment('listTargets'));
    const scan = loadScanTargetConfig(stackEnvironment('scanTarget'));
    const finalize = loadFinalizeRunConfig(stackEnvironment('finalizeRun'));
    const heartbeat = loadHeartbeatConfig(stackEnvironment('heartbeat'));

    expect(list).toMatchObject({
      region: 'eu-west-1',
      tableName: 'cert-monitor-state',
      workBucket: 'cert-monitor-work',
      organizationRoleArn: 'arn:aws:iam::111111111111:role/cert-monitor-organization-read',
      accounts: 'organization',
      excludedAccounts: ['333333333333'],
    });
    expect(scan).toMatchObject({
      auditRoleName: 'CertAuditReadOnly',
      externalId: 'cert-monitor-example-3f9c2a7d',
      regions: 'enabled',
      changeThresholds: [...DEFAULT_CHANGE_THRESHOLDS],
      describeConcurrency: 5,
    });
    expect(finalize.slackSecretId).toBe(stackEnvironment('finalizeRun')[ENV.slackSecretId]);
    expect(heartbeat).toMatchObject({ schedulePeriodHours: 24, heartbeatGraceHours: 6, ownerTagKey: 'owner' });
  });

  it.each([
    ['ListTargets', loadListTargetsConfig, ENV.workBucket],
    ['ListTargets', loadListTargetsConfig, ENV.tableName],
    ['ScanTarget', loadScanTargetConfig, ENV.tableName],
    ['FinalizeRun', loadFinalizeRunConfig, ENV.slackSecretId],
    ['Heartbeat', loadHeartbeatConfig, ENV.slackSecretId],
    ['Heartbeat', loadHeartbeatConfig, 'AWS_REGION'],
  ] as const)('%s fails naming %s when it is missing', (_name, load, variable) => {
    const error = configError(() => load(without(stackEnvironment(), variable)));

    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`Environment variable ${variable} is required`);
  });

  it('treats an empty required variable like a missing one', () => {
    const error = configError(() => loadScanTargetConfig({ ...stackEnvironment(), [ENV.tableName]: '  ' }));

    expect(error.variable).toBe(ENV.tableName);
    expect(error.message).toMatch(/must not be empty/);
  });

  it.each([
    [ENV.historyDays, 'thirty', /whole number from 1 to 3650, got "thirty"/],
    [ENV.refreshDays, '0', /whole number from 1 to 365, got "0"/],
    [ENV.describeConcurrency, '50', /whole number from 1 to 10, got "50"/],
    [ENV.changeThresholds, '30,x,7', /comma-separated whole days/],
    [ENV.externalId, 'x', /2-1224 characters/],
    [ENV.auditRoleName, 'Audit Role', /IAM role name/],
  ])('fails naming %s when it holds %s', (variable, value, message) => {
    const error = configError(() => loadScanTargetConfig({ ...stackEnvironment(), [variable]: value }));

    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  it('reads the optional feature sets for ScanTarget and names one it does not know', () => {
    const on = loadScanTargetConfig({ ...stackEnvironment(), [ENV.features]: 'dns-diagnosis' });
    const off = loadScanTargetConfig(without(stackEnvironment(), ENV.features));
    const wrong = configError(() => loadScanTargetConfig({ ...stackEnvironment(), [ENV.features]: 'dns,core' }));

    expect(on.features).toEqual(['dns-diagnosis']);
    expect(off.features).toEqual([]);
    expect([wrong.variable, wrong.message]).toEqual([ENV.features, expect.stringContaining('"dns, core"')]);
  });

  it('reads the routing table for ListTargets, FinalizeRun and the heartbeat, and names a bad one', () => {
    const routes = {
      destinations: { platform: 'platformWebhookUrl', web: 'webWebhookUrl' },
      default: 'platform',
      rules: [{ accountTag: 'team' }],
    };
    const env = { ...stackEnvironment(), [ENV.routes]: JSON.stringify(routes) };
    const wrongKey = configError(() =>
      loadFinalizeRunConfig({
        ...env,
        [ENV.routes]: JSON.stringify({
          ...routes,
          destinations: { platform: 'https://hooks.slack.com/services/T/B/X' },
        }),
      }),
    );
    const notJson = configError(() => loadHeartbeatConfig({ ...env, [ENV.routes]: '{destinations' }));

    expect(loadListTargetsConfig(env).routes?.rules).toEqual([{ accountTag: 'team' }]);
    expect(loadFinalizeRunConfig(env).routes?.destinations).toEqual(routes.destinations);
    expect(loadHeartbeatConfig(env).routes?.default).toBe('platform');
    expect(loadFinalizeRunConfig(without(env, ENV.routes)).routes).toBeUndefined();
    expect(wrongKey.variable).toBe(ENV.routes);
    expect(wrongKey.message).toContain('destinations.platform: must be a key of the Slack secret');
    expect(wrongKey.message).not.toContain('hooks.slack.com');
    expect(notJson.message).toBe(
      `Environment variable ${ENV.routes} must be JSON: ${'the owner routing table (JSON; its destinations are keys of the Slack secret)'}`,
    );
  });

  it('names the accounts and regions that are not valid', () => {
    const accounts = configError(() =>
      loadListTargetsConfig({ ...stackEnvironment(), [ENV.accounts]: '111111111111, 12345' }),
    );
    const regions = configError(() =>
      loadScanTargetConfig({ ...stackEnvironment(), [ENV.regions]: 'eu-west-1,europe' }),
    );
    const role = configError(() =>
      loadListTargetsConfig({ ...stackEnvironment(), [ENV.organizationRoleArn]: 'cert-monitor-organization-read' }),
    );

    expect([accounts.variable, accounts.message]).toEqual([ENV.accounts, expect.stringContaining('"12345"')]);
    expect([regions.variable, regions.message]).toEqual([ENV.regions, expect.stringContaining('"europe"')]);
    expect(role.variable).toBe(ENV.organizationRoleArn);
  });

  it('reads explicit account and region lists, without repeats, and sorts thresholds largest first', () => {
    const env = {
      ...stackEnvironment(),
      [ENV.accounts]: '111111111111,222222222222,111111111111',
      [ENV.regions]: ' eu-west-1 , us-east-1 ',
      [ENV.changeThresholds]: '7,30,14',
    };

    expect(loadListTargetsConfig(env)).toMatchObject({ accounts: ['111111111111', '222222222222'] });
    expect(loadScanTargetConfig(env)).toMatchObject({
      regions: ['eu-west-1', 'us-east-1'],
      changeThresholds: [30, 14, 7],
    });
  });

  it('takes the defaults for tunables a hand-configured function leaves out', () => {
    const minimal = {
      AWS_REGION: 'eu-west-1',
      [ENV.tableName]: 'state',
      [ENV.slackSecretId]: 'cert-monitor/slack',
      [ENV.workBucket]: 'work',
    };

    expect(loadFinalizeRunConfig(minimal)).toMatchObject({ expiryDays: 30, ownerTagKey: 'owner', historyDays: 90 });
    expect(loadListTargetsConfig(minimal)).toMatchObject({ accounts: 'organization', excludedAccounts: [] });
    expect(loadScanTargetConfig(minimal)).toMatchObject({ regions: 'enabled', auditRoleName: 'CertAuditReadOnly' });
  });
});

describe('handler modules', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it.each([
    ['list-targets', ENV.workBucket],
    ['scan-target', ENV.tableName],
    ['finalize-run', ENV.slackSecretId],
    ['heartbeat', ENV.slackSecretId],
  ])('%s fails its cold start naming %s when it is missing', async (file, variable) => {
    for (const [name, value] of Object.entries(stackEnvironment())) vi.stubEnv(name, value);
    vi.stubEnv(variable, undefined);

    await expect(import(`../../../lambdas/handlers/${file}.ts`)).rejects.toThrow(
      new RegExp(`Environment variable ${variable} is required`),
    );
  });

  it('loads when the environment is complete', async () => {
    for (const [name, value] of Object.entries(stackEnvironment())) vi.stubEnv(name, value);

    const module = await import('../../../lambdas/handlers/finalize-run');

    expect(module.handler).toBeTypeOf('function');
  });
});
