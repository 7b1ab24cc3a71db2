/**
 * The facts and advice of an endpoint incident's alert (core/probe/incidents.ts): which endpoint, what it served
 * against what ACM holds, and the first thing to try. Everything here came from a member account or a server on the
 * internet (names, subjects, error messages), so it is shown as code, never as mrkdwn.
 */

import type { Incident, IncidentKind, NoticeStage } from '../notices';
import { probeFindingRule } from '../probe/findings';
import { type Block, section } from './blocks';
import { accountLabel, code, inline, isoDate, relativeDays } from './text';

const MAX_NAME = 200;

export const ENDPOINT_OPENED_TITLES = {
  ENDPOINT_MISMATCH: '🔴 Endpoint serves another certificate than ACM’s',
  ENDPOINT_EXPIRED: '🔴 Endpoint serves an expired certificate',
  ENDPOINT_EXPIRING: '🟠 Endpoint serves a certificate about to expire',
  ENDPOINT_UNREACHABLE: '⚠️ Endpoint unreachable for several runs',
} as const satisfies Partial<Record<IncidentKind, string>>;

export const ENDPOINT_RESOLVED_TITLES = {
  ENDPOINT_MISMATCH: '✅ Resolved: endpoint serves its ACM certificate again',
  ENDPOINT_EXPIRED: '✅ Resolved: endpoint serves a valid certificate again',
  ENDPOINT_EXPIRING: '✅ Resolved: endpoint serves a renewed certificate',
  ENDPOINT_UNREACHABLE: '✅ Resolved: endpoint reachable again',
} as const satisfies Partial<Record<IncidentKind, string>>;

export const ENDPOINT_SHORT_NAMES = {
  ENDPOINT_MISMATCH: 'endpoint still serves another certificate',
  ENDPOINT_EXPIRED: 'endpoint still serves an expired certificate',
  ENDPOINT_EXPIRING: 'endpoint still serves the expiring certificate',
  ENDPOINT_UNREACHABLE: 'endpoint still unreachable',
} as const satisfies Partial<Record<IncidentKind, string>>;

export function isEndpointIncident(incident: Pick<Incident, 'kind'>): boolean {
  return incident.kind.startsWith('ENDPOINT_');
}

/** "`shop.example.com` at `abc.elb.amazonaws.com:443`". */
export function endpointSubject(incident: Incident): string {
  const endpoint = incident.endpoint;
  if (endpoint === undefined) return code(incident.domainName ?? '(no endpoint)', MAX_NAME);
  const at = endpoint.host === endpoint.sni ? '' : ` at ${code(`${endpoint.host}:${endpoint.port}`, MAX_NAME)}`;
  return `${code(endpoint.sni, MAX_NAME)}${at}${endpoint.host === endpoint.sni && endpoint.port !== 443 ? `:${endpoint.port}` : ''}`;
}

export function endpointFactLines(incident: Incident, stage: NoticeStage): string[] {
  const endpoint = incident.endpoint;
  const lines = [`*Endpoint:* ${endpointSubject(incident)}`];
  if (endpoint !== undefined) {
    const resource = endpoint.resourceArn ? ` ${code(endpoint.resourceArn, 250)}` : '';
    lines.push(`*Found through:* ${inline(endpoint.source, 20)}${resource}`);
  }
  if (incident.certificateArn) lines.push(`*ACM certificate:* ${code(incident.certificateArn, 250)}`);
  if (incident.accountId) {
    lines.push(`*Account:* ${accountLabel(incident.accountId, incident.accountName)} · ${inline(incident.region, 30)}`);
  }
  const others = incident.otherEndpoints ?? [];
  if (others.length > 0) {
    const total = (incident.endpointIdentities?.length ?? others.length + 1) - 1;
    const names = others.map((other) => code(`${other.sni} at ${other.host}:${other.port}`, 200)).join(', ');
    lines.push(`*Also on:* ${names}${total > others.length ? ` and ${total - others.length} more` : ''}`);
  }
  if (endpoint === undefined) return lines;
  if (incident.kind === 'ENDPOINT_UNREACHABLE') {
    if (endpoint.error && stage !== 'resolved') {
      lines.push(`*Error:* ${inline(endpoint.error.reason, 20)} ${code(endpoint.error.message, 300)}`);
    }
    lines.push(`*Unreachable:* ${endpoint.unreachableRuns} runs in a row`);
    return lines;
  }
  const served = endpoint.served;
  if (served) {
    const days = incident.daysToExpiry;
    lines.push(
      `*Served:* serial ${code(served.serial, 120)} · ${code(served.subject, 200)} · issued by ${code(served.issuer, 200)}`,
    );
    lines.push(
      `*${(days ?? 0) < 0 ? 'Expired' : 'Expires'}:* ${isoDate(served.notAfter) ?? 'unknown'}${days === undefined ? '' : ` (${relativeDays(days)})`}`,
    );
  }
  if (endpoint.expectedSerials.length > 0) {
    lines.push(`*ACM serial:* ${endpoint.expectedSerials.map((serial) => code(serial, 120)).join(' or ')}`);
  }
  if (stage !== 'resolved' && endpoint.findings.length > 0) {
    lines.push(`*Findings:* ${endpoint.findings.map((finding) => code(finding, 40)).join(' ')}`);
  }
  return lines;
}

/** The fix of each finding the endpoint has, most serious first (the rules' order). */
export function endpointActionBlocks(incident: Incident): Block[] {
  const findings = incident.endpoint?.findings ?? [];
  if (findings.length === 0) return [];
  const fixes = findings.map((finding) => `• ${code(finding, 40)}: ${probeFindingRule(finding).fix}`);
  return [section(`*What to do*\n${fixes.join('\n').replace(/&/g, '&amp;')}`)];
}
