/**
 * The `certMonitor.events` settings (the real-time event path): a block config.ts's schema includes. It imports
 * nothing from config.ts, so either module can be loaded first; the checks that span keys (the organization id may
 * come from `organization.principalOrgId`, the regions from `regions.names`) live in events-settings.ts.
 */
import { z } from 'zod';
import { looksLikeRegion } from '../lambdas/core/regions';

/**
 * Regions every account has enabled by default (those launched before March 2019); opt-in regions are enabled per
 * account, and a StackSet instance in a region an account has not enabled fails, so they must be listed explicitly.
 */
export const DEFAULT_ENABLED_REGIONS = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
] as const;

export const DEFAULT_EVENT_BATCHING_WINDOW_SECONDS = 5;

const ORG_ID_HINT = 'must be an organization id, e.g. "o-a1b2c3d4e5"';
const REGION_HINT = 'must be a list of region names such as ["us-east-1", "eu-west-1"]';

export const eventsSchema = z
  .strictObject({
    /** Forward ACM and CloudTrail events from the organization to the hub, for alerts within a minute. */
    enabled: z.boolean({ error: 'must be true or false' }).default(false),
    /** The organization whose accounts may put events on the hub bus; defaults to organization.principalOrgId. */
    principalOrgId: z
      .string({ error: ORG_ID_HINT })
      .regex(/^o-[a-z0-9]{10,32}$/, ORG_ID_HINT)
      .optional(),
    /** Regions the forwarding rules go to; defaults to regions.names, else every region enabled by default. */
    regions: z
      .array(z.string().refine(looksLikeRegion, REGION_HINT), { error: REGION_HINT })
      .min(1, 'must list at least one region; remove the key to use the default')
      .refine((names) => new Set(names).size === names.length, 'must not repeat a region')
      .optional(),
    /** Seconds the queue gathers a burst before the event Lambda runs (SQS batching window). */
    batchingWindowSeconds: z
      .number({ error: 'must be a whole number of seconds from 0 to 60' })
      .int('must be a whole number of seconds from 0 to 60')
      .min(0, 'must be a whole number of seconds from 0 to 60')
      .max(60, 'must be a whole number of seconds from 0 to 60')
      .default(DEFAULT_EVENT_BATCHING_WINDOW_SECONDS),
  })
  .default({ enabled: false, batchingWindowSeconds: DEFAULT_EVENT_BATCHING_WINDOW_SECONDS });
