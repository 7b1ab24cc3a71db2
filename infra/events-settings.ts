/**
 * What the `certMonitor.events` block resolves to at synth time, with the settings it borrows from other keys: the
 * organization id from `organization.principalOrgId`, the regions from `regions.names`. A missing organization id
 * fails the synth with the key to set: the hub bus must never be opened without it.
 */
import { type CertMonitorConfig, ConfigError } from './config';
import { DEFAULT_ENABLED_REGIONS } from './events-config';

export interface EventsSettings {
  principalOrgId: string;
  regions: string[];
  batchingWindowSeconds: number;
}

/** The event path's settings when it is on, else undefined. */
export function resolveEventsConfig(config: CertMonitorConfig): EventsSettings | undefined {
  const events = config.events;
  if (!events.enabled) return undefined;
  const principalOrgId = events.principalOrgId ?? config.organization?.principalOrgId;
  if (principalOrgId === undefined) {
    throw new ConfigError([
      {
        key: 'certMonitor.events.principalOrgId',
        message:
          "is required when events are enabled: the hub's event bus accepts events from this organization only " +
          '(aws organizations describe-organization --query Organization.Id)',
      },
    ]);
  }
  return {
    principalOrgId,
    regions: [...(events.regions ?? config.regions.names ?? DEFAULT_ENABLED_REGIONS)].sort(),
    batchingWindowSeconds: events.batchingWindowSeconds,
  };
}
