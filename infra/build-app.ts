/**
 * Builds the app from its context: the hub stack always, the organization stack when `certMonitor.organization`
 * is set, and the cdk-nag checks unless turned off. `app.ts` runs this for the CDK CLI; tests call it directly.
 */
import type { App } from 'aws-cdk-lib';
import { loadConfig } from './config';
import { HubStack } from './hub-stack';
import { addNagChecks } from './nag';
import { OrganizationStack } from './organization-stack';

/** Stack names, fixed so the deploy commands in docs/deploy.md stay true. */
export const STACK_NAMES = { hub: 'CertMonitorHub', organization: 'CertMonitorOrganization' } as const;

export interface CertMonitorApp {
  hub: HubStack;
  organization?: OrganizationStack;
}

export function buildApp(app: App): CertMonitorApp {
  const config = loadConfig(app.node);
  const hub = new HubStack(app, STACK_NAMES.hub, { config });
  const organization = config.organization
    ? new OrganizationStack(app, STACK_NAMES.organization, { config, organization: config.organization })
    : undefined;
  addNagChecks(app);
  return { hub, organization };
}
