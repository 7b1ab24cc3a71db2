/**
 * Each Lambda's configuration: the settings SETTINGS says it reads, parsed from its environment at cold start
 * (config/environment.ts), in the shape its use case takes.
 */
import { type Environment, HandlerConfigError, loadSettings } from '../config/environment';
import { parseAllowList } from '../core/ct/allow-list';
import { parseWatchedDomains } from '../core/ct/domains';
import { DEFAULT_CT_API_URL } from '../core/ct/model';
import { ENV } from '../core/names';
import { parseEndpoint } from '../core/probe/endpoints-file';

export function loadListTargetsConfig(env: Environment) {
  const settings = loadSettings('listTargets', env);
  return {
    ...settings,
    accounts: settings.accounts ?? ('organization' as const),
    excludedAccounts: settings.excludedAccounts ?? [],
  };
}
export type ListTargetsConfig = ReturnType<typeof loadListTargetsConfig>;

export function loadScanTargetConfig(env: Environment) {
  const settings = loadSettings('scanTarget', env);
  return { ...settings, features: settings.features ?? [], regions: settings.regions ?? ('enabled' as const) };
}

/** What the probe is built from, in the shape net/probe-factory.ts takes it. */
function probeSettings(settings: {
  probeTimeoutMs: number;
  dnsServers: string[] | undefined;
  extraCaCertificates: string | undefined;
}) {
  return {
    timeoutMs: settings.probeTimeoutMs,
    ...(settings.dnsServers ? { dnsServers: settings.dnsServers } : {}),
    ...(settings.extraCaCertificates ? { extraCaCertificatesFile: settings.extraCaCertificates } : {}),
  };
}

/** ScanTarget's probe, when the `probe` feature set is on. */
export function scanTargetProbe(config: ScanTargetConfig) {
  return config.features.includes('probe') ? probeSettings(config) : undefined;
}
export type ScanTargetConfig = ReturnType<typeof loadScanTargetConfig>;

export function loadFinalizeRunConfig(env: Environment) {
  const { dnsDiagnosis, dnsServers, dnsTimeoutMs, ctDomains, ctApiUrl, ctAllow, ctApiKeySecretId, ...settings } =
    loadSettings('finalizeRun', env);
  const fileEndpoints = (settings.probeEndpoints ?? []).map((item) => parseEndpoint(item));
  // The run's endpoints are reported when the accounts' scans probe (the feature set) or there are user endpoints.
  const probing = (settings.features ?? []).includes('probe') || fileEndpoints.length > 0;
  const ct =
    ctApiUrl === undefined
      ? undefined
      : {
          apiUrl: ctApiUrl,
          ...(ctDomains !== undefined
            ? { domains: checked(ENV.ctDomains, () => parseWatchedDomains(ctDomains.join(','))) }
            : {}),
          allow: ctAllow === undefined ? [] : checked(ENV.ctAllow, () => parseAllowList(ctAllow, ENV.ctAllow)),
          ...(ctApiKeySecretId !== undefined ? { apiKeySecretId: ctApiKeySecretId } : {}),
        };
  return {
    ...settings,
    dnsDiagnosis: { enabled: dnsDiagnosis, servers: dnsServers, timeoutMs: dnsTimeoutMs },
    probe: probing ? { ...probeSettings({ ...settings, dnsServers }), fileEndpoints } : undefined,
    ...(ct !== undefined ? { ct } : {}),
  };
}

/** A value whose check belongs to the CT core (the Public Suffix List, the allow list), reported on its variable. */
function checked<T>(variable: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new HandlerConfigError(variable, (error as Error).message);
  }
}
export type FinalizeRunConfig = ReturnType<typeof loadFinalizeRunConfig>;

export function loadHeartbeatConfig(env: Environment) {
  return loadSettings('heartbeat', env);
}
export type HeartbeatConfig = ReturnType<typeof loadHeartbeatConfig>;

/** The Events Lambda: the scan's settings (it rescans targets) and the alerting's (it plans and sends alerts). */
export function loadEventsConfig(env: Environment) {
  const { dnsDiagnosis, dnsServers, dnsTimeoutMs, ...settings } = loadSettings('events', env);
  return {
    ...settings,
    features: settings.features ?? [],
    dnsDiagnosis: { enabled: dnsDiagnosis, servers: dnsServers, timeoutMs: dnsTimeoutMs },
  };
}
export type EventsConfig = ReturnType<typeof loadEventsConfig>;

/** The CT watch's settings, its domains checked against the Public Suffix List and its allow list parsed, at cold start. */
export function loadCtWatchConfig(env: Environment) {
  const { ctDomains, ctApiUrl, ctAllow, ctApiKeySecretId, ...settings } = loadSettings('ctWatch', env);
  return {
    ...settings,
    ...(ctDomains !== undefined
      ? { domains: checked(ENV.ctDomains, () => parseWatchedDomains(ctDomains.join(','))) }
      : {}),
    apiUrl: ctApiUrl ?? DEFAULT_CT_API_URL,
    allow: ctAllow === undefined ? [] : checked(ENV.ctAllow, () => parseAllowList(ctAllow, ENV.ctAllow)),
    ...(ctApiKeySecretId !== undefined ? { apiKeySecretId: ctApiKeySecretId } : {}),
  };
}
export type CtWatchConfig = ReturnType<typeof loadCtWatchConfig>;
