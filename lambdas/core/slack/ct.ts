/**
 * The CT watch in Slack: the on-call alert for an issuance outside the organization (what was issued, by whom, for
 * which watched domain, the crt.sh link and what to do), and the digest's section listing the watched domains and
 * every issuance still unknown, until someone allow-lists it.
 */
import { CT_FINDING, crtShLink, ctMeaning } from '../ct/finding';
import type { CtIssuanceEntry, CtReport } from '../ct/model';
import type { AlertNotice } from '../notices';
import { type Block, context, fitMessage, header, type SlackMessage, section } from './blocks';
import { fallbackBlock, routeLine } from './routing';
import { code, inline, isoDate, isoMinute, truncateList } from './text';

export const CT_ALERT_TITLE = '🚨 Certificate issued for your domain outside the organization';
const AMAZON_TITLE = '🚨 Amazon certificate for your domain in an account outside the organization';
/** Issuances the digest lists before "+N more". */
export const CT_DIGEST_CAP = 10;

function names(entry: CtIssuanceEntry, cap = 5): string {
  const { shown, more } = truncateList(entry.dnsNames, cap);
  return `${shown.map((name) => code(name, 120)).join(', ')}${more > 0 ? ` +${more} more` : ''}`;
}

export function renderCtAlert(notice: AlertNotice, fallbackFrom?: string): SlackMessage {
  const entry = notice.incident.ct;
  const title = entry?.status === 'amazon-outside-organization' ? AMAZON_TITLE : CT_ALERT_TITLE;
  if (entry === undefined) {
    return fitMessage({ text: title, blocks: [header(title), context(`alert ${inline(notice.id, 120)}`)] });
  }
  const facts = [
    `*Names:* ${names(entry)}`,
    `*Watched domain:* ${code(entry.matchedDomain, 120)}`,
    `*Issuer:* ${code(entry.issuer, 200)}`,
    `*Valid:* ${isoDate(entry.notBefore) ?? '?'} → ${isoDate(entry.notAfter) ?? '?'}`,
    `*Serial:* ${code(entry.serial, 120)}`,
    `*Certificate:* <${crtShLink(entry.certSha256)}|crt.sh ${inline(entry.certSha256.slice(0, 16), 20)}…>`,
  ];
  const blocks: Block[] = [
    header(title),
    // With owner routing, like every alert: whom it was meant for when it fell back, and why it reached this channel.
    ...(fallbackFrom !== undefined ? [fallbackBlock(fallbackFrom)] : []),
    section(`${ctMeaning(entry)}\n${facts.join('\n')}`),
    section(`*What to do*\n${CT_FINDING.fix}`),
    ...(notice.route !== undefined ? [context(routeLine(notice.route))] : []),
    context(
      [
        `Finding ${CT_FINDING.code}`,
        `found ${isoMinute(notice.openedAt) ?? notice.openedAt}`,
        `alert ${inline(notice.id, 120)}`,
      ].join(' · '),
    ),
  ];
  return fitMessage({ text: `${title}: ${entry.dnsNames[0] ?? entry.matchedDomain}`, blocks });
}

/** The digest's CT section: watched domains, then the issuances still unknown (allow-listing one removes it). */
export function ctDigestBlocks(ct: CtReport): Block[] {
  const unknown = ct.issuances.filter((i) => i.status === 'unknown' || i.status === 'amazon-outside-organization');
  const domains = truncateList(ct.domains, 20);
  const watched = `*Certificate Transparency:* watching ${domains.shown.map((d) => code(d, 80)).join(', ')}${domains.more > 0 ? ` +${domains.more} more` : ''}`;
  if (unknown.length === 0) {
    return [section(`${watched}\nNo certificate issued outside the organization.`)];
  }
  const { shown, more } = truncateList(unknown, CT_DIGEST_CAP);
  const lines = shown.map(
    (entry) =>
      `• ${names(entry, 3)} by ${code(entry.issuer, 80)}${entry.status === 'amazon-outside-organization' ? ' (Amazon, another AWS account)' : ''}, until ${isoDate(entry.notAfter) ?? '?'} · <${crtShLink(entry.certSha256)}|crt.sh>`,
  );
  if (more > 0) lines.push(`+${more} more in the report`);
  return [
    section(
      `${watched}\n*${unknown.length} issued outside the organization* (listed until allow-listed):\n${lines.join('\n')}`,
    ),
  ];
}
