/**
 * The public Route 53 hosted zones of one account, so a diagnosis can name the zone (and account) where a validation
 * CNAME or a CAA record is to be changed. Route 53 is global: one paged ListHostedZones sequence per account, with
 * the account's audit-role credentials. Private zones are left out: ACM validates against public DNS, which never
 * sees them, so a record added there would fix nothing.
 */
import {
  ListHostedZonesCommand,
  type ListHostedZonesCommandOutput,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import { adapterCause } from '../core/failures';
import { WHOLE_ACCOUNT } from '../core/model';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** What the audit role must allow for this adapter (the `dns-diagnosis` feature set). */
export const ROUTE53_ACTIONS = ['route53:ListHostedZones'] as const;

/** Route 53's API answers in us-east-1 only (its global endpoint). */
export const ROUTE53_REGION = 'us-east-1';

/** One public hosted zone: its id without the `/hostedzone/` prefix, its name without the trailing dot. */
export interface HostedZoneRef {
  id: string;
  name: string;
}

/** Pages asked for at once: Route 53's own maximum, so a large account takes few calls (5 per second per account). */
const PAGE_SIZE = 100;

export class HostedZonesError extends AwsAdapterError {
  constructor(accountId: string, error: unknown) {
    const code = awsErrorCode(error);
    super(`cannot list the Route 53 hosted zones of ${accountId} (${code}: ${awsErrorMessage(error)})`, {
      accountId,
      region: WHOLE_ACCOUNT,
      code,
      operation: 'Route53.ListHostedZones',
      likelyCause: adapterCause(code, 'route53:ListHostedZones', awsErrorMessage(error)),
      cause: error,
    });
  }
}

/** Every public hosted zone of the account whose credentials the client holds, all pages, sorted by name then id. */
export async function listPublicHostedZones(client: Route53Client, accountId: string): Promise<HostedZoneRef[]> {
  const zones: HostedZoneRef[] = [];
  let marker: string | undefined;
  do {
    let page: ListHostedZonesCommandOutput;
    try {
      page = await client.send(
        new ListHostedZonesCommand({ MaxItems: PAGE_SIZE, ...(marker ? { Marker: marker } : {}) }),
      );
    } catch (error) {
      throw new HostedZonesError(accountId, error);
    }
    for (const zone of page.HostedZones ?? []) {
      if (zone.Config?.PrivateZone === true || !zone.Id || !zone.Name) continue;
      zones.push({ id: zone.Id.replace(/^\/hostedzone\//, ''), name: zone.Name.replace(/\.$/, '') });
    }
    marker = page.IsTruncated ? page.NextMarker || undefined : undefined;
  } while (marker);
  return zones.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}
