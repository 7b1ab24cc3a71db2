/**
 * Route 53 (restXml, global, signed for us-east-1): ListHostedZones of the caller's account, paged as the API
 * reference says: `GET /2013-04-01/hostedzone?marker=<zone id>&maxitems=<1..100>`, zones in id order, answered with
 * `IsTruncated`, `MaxItems` and, when truncated, `NextMarker` (the id of the first zone of the next page). Ids go on
 * the wire as `/hostedzone/<id>` and names with their trailing dot, as Route 53 sends them.
 */
import { AwsError, RawAnswer } from '../wire';
import type { HandlerContext, Input, ServiceDefinition } from './context';

const NAMESPACE = 'https://route53.amazonaws.com/doc/2013-04-01/';
const DEFAULT_MAX_ITEMS = 100;

function route(method: string, path: string): { operation: string; params: Input } | undefined {
  if (method === 'GET' && path.replace(/\/$/, '') === '/2013-04-01/hostedzone') {
    return { operation: 'ListHostedZones', params: {} };
  }
  return undefined;
}

function invalidInput(message: string): AwsError {
  return new AwsError('InvalidInput', message, 400);
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function listHostedZones(input: Input, ctx: HandlerContext) {
  const rawMax = input.maxitems;
  const maxItems = rawMax === undefined ? DEFAULT_MAX_ITEMS : Number(rawMax);
  if (!Number.isInteger(maxItems) || maxItems < 1 || maxItems > 100) {
    throw invalidInput(`Value '${String(rawMax)}' at 'maxItems' failed to satisfy constraint: between 1 and 100`);
  }
  const zones = [...(ctx.org.account(ctx.caller.accountId)?.hostedZones ?? [])].sort((a, b) =>
    a.id.localeCompare(b.id),
  );
  const marker = typeof input.marker === 'string' && input.marker !== '' ? input.marker : undefined;
  let start = 0;
  if (marker !== undefined) {
    start = zones.findIndex((zone) => zone.id === marker.replace(/^\/hostedzone\//, ''));
    if (start < 0) throw invalidInput(`Invalid marker: ${marker}`);
  }
  const page = zones.slice(start, start + maxItems);
  const next = zones[start + maxItems];
  const zoneXml = page
    .map(
      (zone) =>
        `<HostedZone><Id>/hostedzone/${escapeXml(zone.id)}</Id><Name>${escapeXml(zone.name.replace(/\.?$/, '.'))}</Name>` +
        `<CallerReference>sim-${escapeXml(zone.id)}</CallerReference><Config><PrivateZone>${zone.privateZone}</PrivateZone></Config>` +
        '<ResourceRecordSetCount>2</ResourceRecordSetCount></HostedZone>',
    )
    .join('');
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListHostedZonesResponse xmlns="${NAMESPACE}">` +
    `<HostedZones>${zoneXml}</HostedZones>` +
    (marker !== undefined ? `<Marker>${escapeXml(marker)}</Marker>` : '') +
    `<IsTruncated>${next !== undefined}</IsTruncated>` +
    (next !== undefined ? `<NextMarker>${escapeXml(next.id)}</NextMarker>` : '') +
    `<MaxItems>${maxItems}</MaxItems></ListHostedZonesResponse>`;
  return new RawAnswer(200, { 'content-type': 'text/xml' }, body);
}

export const route53: ServiceDefinition = {
  scope: 'route53',
  name: 'Route53',
  iamPrefix: 'route53',
  protocol: 'restXml',
  route,
  xmlNamespace: NAMESPACE,
  regional: false,
  throttle: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  operations: { ListHostedZones: listHostedZones },
};
