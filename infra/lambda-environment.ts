/**
 * The settings every Lambda of the monitor receives, as environment variables named from ENV. Values are
 * plain strings: numbers in decimal, lists comma-separated (`ACCOUNTS=111111111111,222222222222`,
 * `CHANGE_THRESHOLDS=30,14,7,3,1`); optional settings are absent rather than empty. Nothing secret goes here:
 * the Slack webhooks stay in Secrets Manager and only the secret's ARN is passed.
 */
import { DEFAULT_DNS_TIMEOUT_MS, parseDnsServers } from '../lambdas/core/diagnosis/servers';
import { ENV } from '../lambdas/core/names';
import { type CertMonitorConfig, ConfigError } from './config';
import { resolveEventsConfig } from './events-settings';

/** Lambda rejects a function whose variables exceed 4 KB in total; keep room for the resource names. */
const SETTINGS_MAX_BYTES = 3_000;

/**
 * @param organizationRoleArn the role ListTargets assumes to list the organization (configured or derived);
 *   absent when it calls Organizations with its own role
 */
export function lambdaSettings(config: CertMonitorConfig, organizationRoleArn?: string): Record<string, string> {
  const settings: Record<string, string> = {
    [ENV.auditRoleName]: config.auditRoleName,
    [ENV.externalId]: config.externalId,
    [ENV.expiryDays]: String(config.expiryDays),
    [ENV.changeThresholds]: config.changeThresholds.join(','),
    [ENV.refreshDays]: String(config.refreshDays),
    [ENV.describeConcurrency]: String(config.describeConcurrency),
    [ENV.ownerTagKey]: config.ownerTagKey,
    [ENV.schedulePeriodHours]: String(config.schedule.periodHours),
    [ENV.heartbeatGraceHours]: String(config.heartbeat.graceHours),
    [ENV.historyDays]: String(config.historyDays),
  };
  if (!config.dnsDiagnosis.enabled) settings[ENV.dnsDiagnosis] = 'off';
  if (config.dnsDiagnosis.servers)
    settings[ENV.dnsServers] = parseDnsServers(config.dnsDiagnosis.servers.join(',')).join(',');
  if (config.dnsDiagnosis.timeoutMs !== DEFAULT_DNS_TIMEOUT_MS)
    settings[ENV.dnsTimeoutMs] = String(config.dnsDiagnosis.timeoutMs);
  if (config.features.length > 0) settings[ENV.features] = config.features.join(',');
  const events = resolveEventsConfig(config);
  if (events) settings[ENV.events] = events.regions.join(',');
  if (organizationRoleArn) settings[ENV.organizationRoleArn] = organizationRoleArn;
  if (config.accounts.ids) settings[ENV.accounts] = config.accounts.ids.join(',');
  if (config.accounts.exclude) settings[ENV.excludedAccounts] = config.accounts.exclude.join(',');
  if (config.regions.names) settings[ENV.regions] = config.regions.names.join(',');

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
