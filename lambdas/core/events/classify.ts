/**
 * What an event forwarded from a member account-region means for the monitor: which target (account and region) it
 * touches, which certificates it names, and whether it is worth a rescan now or at most a dirty mark for the daily
 * run. An event is never trusted alone: a rescan of its target decides what on-call hears, so the classification
 * only has to be right about where to look, never about what happened.
 *
 * Two families reach the hub bus (AWS documentation, "Amazon EventBridge support for ACM" and "AWS service events
 * delivered via AWS CloudTrail"):
 * - `source: aws.acm` service events, best effort, naming the certificate in `resources`;
 * - "AWS API Call via CloudTrail" for calls that change something (read-only calls are never sent), where a trail
 *   logs management events, naming certificates somewhere in `requestParameters` or `responseElements` (the
 *   shape differs per API: `certificateArn`, `certificates[].certificateArn`, CloudFront's
 *   `viewerCertificate.aCMCertificateArn`, API Gateway's `regionalCertificateArn`...), so ARNs are found by their
 *   form anywhere in those two fields rather than by a path per API.
 *
 * Only AWS services can put events whose source starts with `aws.` (PutEvents refuses such a source from anyone
 * else), so a member account cannot forge one; still, an event only ever makes the monitor rescan the account it
 * came from: a certificate ARN of another account inside it is ignored.
 */

/** The EventBridge envelope, as the hub's queue receives it (the forwarding rules keep it unchanged). */
export interface OrganizationEvent {
  id: string;
  'detail-type': string;
  source: string;
  /** The member account the event happened in. */
  account: string;
  /** When it happened (ISO-8601). */
  time: string;
  region: string;
  resources?: readonly string[];
  detail?: Record<string, unknown>;
}

/** ACM's own event types (`source: aws.acm`). */
export const ACM_DETAIL_TYPES = {
  approachingExpiration: 'ACM Certificate Approaching Expiration',
  expired: 'ACM Certificate Expired',
  available: 'ACM Certificate Available',
  renewalActionRequired: 'ACM Certificate Renewal Action Required',
  revoked: 'ACM Certificate Revoked',
  rotated: 'ACM Certificate Rotated',
} as const;

export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/**
 * The calls that change a certificate, or what it is in use by, per CloudTrail event source. These are what the
 * forwarding rules match and what this module rescans for; every other call is ignored.
 */
export const CHANGING_CALLS = {
  'acm.amazonaws.com': [
    'RequestCertificate',
    'ImportCertificate',
    'DeleteCertificate',
    'RenewCertificate',
    'RevokeCertificate',
    'ExportCertificate',
    'AddTagsToCertificate',
    'RemoveTagsFromCertificate',
    'UpdateCertificateOptions',
  ],
  'elasticloadbalancing.amazonaws.com': [
    'CreateListener',
    'ModifyListener',
    'DeleteListener',
    'AddListenerCertificates',
    'RemoveListenerCertificates',
    'DeleteLoadBalancer',
  ],
  'cloudfront.amazonaws.com': [
    'CreateDistribution',
    'CreateDistributionWithTags',
    'UpdateDistribution',
    'DeleteDistribution',
  ],
  'apigateway.amazonaws.com': ['CreateDomainName', 'UpdateDomainName', 'DeleteDomainName'],
} as const satisfies Record<string, readonly string[]>;

export type CloudTrailEventSource = keyof typeof CHANGING_CALLS;

/** The EventBridge `source` of each CloudTrail event source above (`aws.<service>`). */
export const EVENT_SOURCES: Readonly<Record<CloudTrailEventSource, string>> = {
  'acm.amazonaws.com': 'aws.acm',
  'elasticloadbalancing.amazonaws.com': 'aws.elasticloadbalancing',
  'cloudfront.amazonaws.com': 'aws.cloudfront',
  'apigateway.amazonaws.com': 'aws.apigateway',
};

/** CloudFront uses certificates of us-east-1 only, whatever region its calls are recorded in. */
const CLOUDFRONT_CERTIFICATE_REGION = 'us-east-1';

/**
 * - `rescan`: the target is scanned again now and its incidents planned (the event may lead to a page, if the
 *   rescan finds a problem);
 * - `mark-dirty`: the target is marked for the daily run, nothing else (Approaching Expiration: the daily run's
 *   thresholds decide when an expiry pages, and ACM sends this one every day for every certificate in range);
 * - `ignore`: nothing this monitor watches changed (a failed call, a call that changes no certificate).
 */
export type EventAction = 'rescan' | 'mark-dirty' | 'ignore';

export interface EventTarget {
  accountId: string;
  region: string;
}

export interface ClassifiedEvent {
  eventId: string;
  action: EventAction;
  /** Present unless ignored. */
  target?: EventTarget;
  /** Certificates the event names in its target; the rescan describes these whatever its policy says. */
  arns: string[];
  /** When it happened (the event's `time`). */
  occurredAt: string;
  /** `ACM Certificate Expired`, `acm:DeleteCertificate`, ...: for logs and the run record. */
  what: string;
  /** Why this action, in a few words (logs). */
  reason: string;
}

const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):(\d{12}):certificate\/[0-9A-Za-z-]{1,64}$/;

/** The account and region an ACM certificate ARN names, or undefined when it is not one. */
export function certificateTarget(arn: string): EventTarget | undefined {
  const match = CERTIFICATE_ARN.exec(arn);
  return match ? { region: match[1] as string, accountId: match[2] as string } : undefined;
}

/** Every string anywhere in a JSON value that is an ACM certificate ARN, in order of appearance, without repeats. */
export function certificateArnsIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 20) return;
    if (typeof node === 'string') {
      if (CERTIFICATE_ARN.test(node)) found.add(node);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
    } else if (node !== null && typeof node === 'object') {
      for (const item of Object.values(node)) visit(item, depth + 1);
    }
  };
  visit(value, 0);
  return [...found];
}

function ignored(event: OrganizationEvent, what: string, reason: string): ClassifiedEvent {
  return { eventId: event.id, action: 'ignore', arns: [], occurredAt: event.time, what, reason };
}

/** The ARNs of the event's own account, each in the target it names; those of other accounts are dropped. */
function ownArns(event: OrganizationEvent, arns: readonly string[]): string[] {
  return arns.filter((arn) => certificateTarget(arn)?.accountId === event.account);
}

function acmEvent(event: OrganizationEvent): ClassifiedEvent {
  const what = event['detail-type'];
  const arns = ownArns(event, event.resources ?? []);
  const named = arns[0] === undefined ? undefined : certificateTarget(arns[0]);
  const target = named ?? { accountId: event.account, region: event.region };
  const base = { eventId: event.id, target, arns, occurredAt: event.time, what };
  switch (what) {
    case ACM_DETAIL_TYPES.approachingExpiration:
      return { ...base, action: 'mark-dirty', reason: "sent daily near expiry: the daily run's thresholds decide" };
    case ACM_DETAIL_TYPES.expired:
    case ACM_DETAIL_TYPES.available:
    case ACM_DETAIL_TYPES.renewalActionRequired:
    case ACM_DETAIL_TYPES.revoked:
    case ACM_DETAIL_TYPES.rotated:
      return { ...base, action: 'rescan', reason: 'the certificate changed state' };
    default:
      // A type ACM added after this was written: worth a look by the daily run, not a page on a guess.
      return { ...base, action: 'mark-dirty', reason: 'an ACM event type this monitor does not know' };
  }
}

function cloudTrailEvent(event: OrganizationEvent): ClassifiedEvent {
  const detail = event.detail ?? {};
  const eventSource = String(detail.eventSource ?? '');
  const eventName = String(detail.eventName ?? '');
  const what = `${eventSource.replace('.amazonaws.com', '')}:${eventName}`;
  const calls = (CHANGING_CALLS as Record<string, readonly string[]>)[eventSource];
  if (calls === undefined || !calls.includes(eventName))
    return ignored(event, what, 'a call that changes no certificate');
  if (detail.readOnly === true) return ignored(event, what, 'a read-only call');
  if (detail.errorCode !== undefined && detail.errorCode !== null) {
    return ignored(event, what, `the call failed (${String(detail.errorCode)}): nothing changed`);
  }
  const arns = ownArns(event, certificateArnsIn([detail.requestParameters, detail.responseElements]));
  const recordedIn = typeof detail.awsRegion === 'string' ? detail.awsRegion : event.region;
  const named = arns[0] === undefined ? undefined : certificateTarget(arns[0]);
  // A call that names no certificate (DeleteListener, DeleteDistribution) may still have ended a use: rescan the
  // region its certificates live in (CloudFront's: us-east-1).
  const region =
    named?.region ?? (eventSource === 'cloudfront.amazonaws.com' ? CLOUDFRONT_CERTIFICATE_REGION : recordedIn);
  return {
    eventId: event.id,
    action: 'rescan',
    target: { accountId: event.account, region },
    arns: arns.filter((arn) => certificateTarget(arn)?.region === region),
    occurredAt: typeof detail.eventTime === 'string' ? detail.eventTime : event.time,
    what,
    reason: arns.length > 0 ? 'a call changed a certificate or its use' : 'a call may have ended a use',
  };
}

export function classifyEvent(event: OrganizationEvent): ClassifiedEvent {
  if (event['detail-type'] === CLOUDTRAIL_DETAIL_TYPE) return cloudTrailEvent(event);
  if (event.source === 'aws.acm') return acmEvent(event);
  return ignored(event, `${event.source}:${event['detail-type']}`, 'not an event this monitor watches');
}
