/**
 * The environment each Lambda of the monitor receives: exactly the settings SETTINGS says it reads, so a Lambda
 * that assumes no audit role never holds the ExternalId. Values are plain strings: numbers in decimal, lists
 * comma-separated (`ACCOUNTS=111111111111,222222222222`, `CHANGE_THRESHOLDS=30,14,7,3,1`); optional settings are
 * absent rather than empty. Nothing secret goes here: the Slack webhooks stay in Secrets Manager and only the
 * secret's ARN is passed.
 */
import { DEFAULT_CT_API_URL } from '../lambdas/core/ct/model';
import { parseDnsServers } from '../lambdas/core/diagnosis/servers';
import { type LambdaName, SETTINGS, type SettingKey, settingsReadBy } from '../lambdas/core/settings';
import { type CertMonitorConfig, ConfigError } from './config';
import { resolveEventsConfig } from './events-settings';

/** Lambda rejects a function whose variables exceed 4 KB in total; keep room for the resource names. */
const SETTINGS_MAX_BYTES = 3_000;

/** The names of the resources the stack creates, which it hands to the Lambdas that read them. */
export interface LambdaResources {
  readonly tableName: string;
  readonly workBucket: string;
  readonly slackSecretId: string;
}

type ResourceKey = keyof LambdaResources;
/** Set by the Lambda runtime, not by the stack. */
type RuntimeKey = 'region';
type ConfiguredKey = Exclude<SettingKey, ResourceKey | RuntimeKey>;

interface Inputs {
  readonly config: CertMonitorConfig;
  readonly organizationRoleArn: string | undefined;
}

/** Each configured setting's value from cdk.json; `undefined`: leave the variable out (the Lambda's default). */
const VALUES: { readonly [K in ConfiguredKey]: (inputs: Inputs) => string | undefined } = {
  organizationRoleArn: ({ organizationRoleArn }) => organizationRoleArn,
  accounts: ({ config }) => config.accounts.ids?.join(','),
  excludedAccounts: ({ config }) => config.accounts.exclude?.join(','),
  regions: ({ config }) => config.regions.names?.join(','),
  auditRoleName: ({ config }) => config.auditRoleName,
  externalId: ({ config }) => config.externalId,
  features: ({ config }) => (config.features.length > 0 ? config.features.join(',') : undefined),
  expiryDays: ({ config }) => String(config.expiryDays),
  changeThresholds: ({ config }) => config.changeThresholds.join(','),
  refreshDays: ({ config }) => String(config.refreshDays),
  describeConcurrency: ({ config }) => String(config.describeConcurrency),
  ownerTagKey: ({ config }) => config.ownerTagKey,
  historyDays: ({ config }) => String(config.historyDays),
  // The deployment has no setting for it yet; a function configured by hand may set it.
  reportBaseUrl: () => undefined,
  dnsDiagnosis: ({ config }) => (config.dnsDiagnosis.enabled ? undefined : 'off'),
  dnsServers: ({ config }) =>
    config.dnsDiagnosis.servers ? parseDnsServers(config.dnsDiagnosis.servers.join(',')).join(',') : undefined,
  dnsTimeoutMs: ({ config }) =>
    config.dnsDiagnosis.timeoutMs === SETTINGS.dnsTimeoutMs.default ? undefined : String(config.dnsDiagnosis.timeoutMs),
  probeTimeoutMs: ({ config }) =>
    config.probe.timeoutMs === SETTINGS.probeTimeoutMs.default ? undefined : String(config.probe.timeoutMs),
  probeConcurrency: ({ config }) =>
    config.probe.concurrency === SETTINGS.probeConcurrency.default ? undefined : String(config.probe.concurrency),
  probeEndpoints: ({ config }) => (config.probe.endpoints.length > 0 ? config.probe.endpoints.join(',') : undefined),
  // Node's own variable: the stack sets none (public endpoints chain to public roots); set on a function by hand.
  extraCaCertificates: () => undefined,
  routes: ({ config }) => (config.routes === undefined ? undefined : JSON.stringify(config.routes)),
  schedulePeriodHours: ({ config }) => String(config.schedule.periodHours),
  heartbeatGraceHours: ({ config }) => String(config.heartbeat.graceHours),
  // Set whenever the watch is deployed: FinalizeRun reads its presence as "the CT watch is on".
  ctApiUrl: ({ config }) => (config.ct.enabled ? (config.ct.apiUrl ?? DEFAULT_CT_API_URL) : undefined),
  ctDomains: ({ config }) => (config.ct.enabled ? config.ct.domains?.join(',') : undefined),
  ctAllow: ({ config }) =>
    config.ct.enabled && config.ct.allow !== undefined ? JSON.stringify(config.ct.allow) : undefined,
  ctSchedulePeriodMinutes: ({ config }) => String(config.ct.periodMinutes),
  // The secret's ARN is the stack's to fill in (a resource it references), not a configured value.
  ctApiKeySecretId: () => undefined,
  eventRegions: ({ config }) => resolveEventsConfig(config)?.regions.join(','),
};

const RESOURCE_KEYS: readonly ResourceKey[] = ['tableName', 'workBucket', 'slackSecretId'];

function isResource(key: SettingKey): key is ResourceKey {
  return (RESOURCE_KEYS as readonly string[]).includes(key);
}

/**
 * The variables of one Lambda: the configured settings it reads, and the resource names it reads.
 * @param organizationRoleArn the role ListTargets assumes to list the organization (configured or derived);
 *   absent when it calls Organizations with its own role
 */
export function lambdaSettings(
  fn: LambdaName,
  config: CertMonitorConfig,
  resources: LambdaResources,
  organizationRoleArn?: string,
): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const key of settingsReadBy(fn)) {
    if (key === 'region') continue;
    const value = isResource(key) ? resources[key] : VALUES[key]({ config, organizationRoleArn });
    if (value !== undefined) settings[SETTINGS[key].env] = value;
  }

  const bytes = Object.entries(settings).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  if (bytes > SETTINGS_MAX_BYTES) {
    throw new ConfigError([
      {
        key: config.accounts.ids ? 'certMonitor.accounts.ids' : 'certMonitor.accounts.exclude',
        message:
          `makes the Lambda environment ${bytes} bytes (at most ${SETTINGS_MAX_BYTES}): scan the organization ` +
          '(source "organization") and exclude fewer accounts, or move the excluded accounts to an OU you do not target',
      },
    ]);
  }
  return settings;
}
