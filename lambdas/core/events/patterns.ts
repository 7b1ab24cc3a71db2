/**
 * The EventBridge event patterns of the forwarding rules (each member account-region's default bus → the hub bus)
 * and of the hub's rule (hub bus → queue): one definition, read by stacksets/ and infra/, built from the same lists
 * the classifier reads (classify.ts), so what is forwarded and what is understood cannot drift apart.
 *
 * ACM's own events all match (`source: aws.acm`, any detail type, CloudTrail's ACM calls included: they carry the
 * same source); of the services that use certificates only the calls that change a use are forwarded. Read-only
 * calls never reach EventBridge, and a failed call is dropped by the classifier (a pattern cannot say "absent").
 */
import { CHANGING_CALLS, CLOUDTRAIL_DETAIL_TYPE, type CloudTrailEventSource, EVENT_SOURCES } from './classify';

export interface EventPattern {
  source: string[];
  'detail-type'?: string[];
  detail?: { eventSource: string[]; eventName: string[] };
}

/** ACM's service events and its CloudTrail calls. */
export const ACM_PATTERN: EventPattern = { source: ['aws.acm'] };

/** The calls of ELBv2, CloudFront and API Gateway that attach or detach a certificate. */
export function usePattern(): EventPattern {
  const sources = (Object.keys(CHANGING_CALLS) as CloudTrailEventSource[]).filter(
    (source) => source !== 'acm.amazonaws.com',
  );
  return {
    source: sources.map((source) => EVENT_SOURCES[source]),
    'detail-type': [CLOUDTRAIL_DETAIL_TYPE],
    detail: {
      eventSource: sources,
      eventName: [...new Set(sources.flatMap((source) => CHANGING_CALLS[source]))].sort(),
    },
  };
}

/** Every pattern a forwarding rule and the hub rule match (one rule each: a rule takes one pattern). */
export function forwardedEventPatterns(): EventPattern[] {
  return [ACM_PATTERN, usePattern()];
}
