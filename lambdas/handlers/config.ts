/**
 * Each Lambda's configuration: the settings SETTINGS says it reads, parsed from its environment at cold start
 * (config/environment.ts), in the shape its use case takes.
 */
import { type Environment, loadSettings } from '../config/environment';

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
export type ScanTargetConfig = ReturnType<typeof loadScanTargetConfig>;

export function loadFinalizeRunConfig(env: Environment) {
  const { dnsDiagnosis, dnsServers, dnsTimeoutMs, ...settings } = loadSettings('finalizeRun', env);
  return { ...settings, dnsDiagnosis: { enabled: dnsDiagnosis, servers: dnsServers, timeoutMs: dnsTimeoutMs } };
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
