/**
 * One actionable Slack message per alert notice: what broke, where, who owns it and what to do, with the console
 * link and (for validation) the exact DNS records to create.
 */
import { likelyCauseFor } from '../failures';
import type { ValidationRecord } from '../model';
import type { AlertNotice, Incident, IncidentKind, NoticeStage } from '../notices';
import { EXPIRING_FIX, RENEWAL_FAILED_FIX, VALIDATION_FIX, validationMethodName } from '../validation-advice';
import { type Block, context, fitMessage, header, type SlackMessage, section } from './blocks';
import { CT_ALERT_TITLE, renderCtAlert } from './ct';
import { diagnosisBlocks } from './diagnosis';
import {
  ENDPOINT_OPENED_TITLES,
  ENDPOINT_RESOLVED_TITLES,
  ENDPOINT_SHORT_NAMES,
  endpointActionBlocks,
  endpointFactLines,
  endpointSubject,
  isEndpointIncident,
} from './endpoint-alert';
import { listBlocks } from './list';
import { fallbackBlock, routeLine } from './routing';
import {
  accountLabel,
  certificateRef,
  code,
  expiryPhrase,
  inline,
  isoDate,
  isoMinute,
  plural,
  relativeDays,
  truncateList,
} from './text';

export interface AlertOptions {
  /** The tag that names a certificate's owner; named in the message when the certificate lacks it. */
  ownerTagKey?: string;
  /** The destination this message was meant for, when the default receives it because that webhook is broken. */
  fallbackFrom?: string;
}

/** DNS records and attached resources shown before "+N more". */
export const ALERT_LIST_CAPS = { validationRecords: 10, inUseBy: 10 } as const;

const MAX_DOMAIN = 120;
const MAX_REASON = 300;

const OPENED_TITLES: Record<IncidentKind, string> = {
  RENEWAL_FAILED: '🔴 Certificate renewal failed',
  PENDING_VALIDATION: '🟠 Certificate waiting for DNS validation',
  EXPIRING_IN_USE: '🟠 Certificate in use is expiring',
  EXPIRED_IN_USE: '🔴 Certificate in use has expired',
  COVERAGE_GAP: '⚠️ Coverage gap: a target could not be scanned',
  MONITOR_STATE_TABLE: '🛠️ Certificate monitor: its own state table keeps failing',
  CT_UNKNOWN_ISSUANCE: CT_ALERT_TITLE,
  ...ENDPOINT_OPENED_TITLES,
};

const RESOLVED_TITLES: Record<IncidentKind, string> = {
  RENEWAL_FAILED: '✅ Resolved: certificate renewal no longer failing',
  PENDING_VALIDATION: '✅ Resolved: certificate validated',
  EXPIRING_IN_USE: '✅ Resolved: certificate renewed or no longer in use',
  EXPIRED_IN_USE: '✅ Resolved: expired certificate replaced or no longer in use',
  COVERAGE_GAP: '✅ Resolved: target scanned again',
  MONITOR_STATE_TABLE: '✅ Resolved: the monitor stores its scans again',
  CT_UNKNOWN_ISSUANCE: '✅ Resolved: issuance allow-listed or expired',
  ...ENDPOINT_RESOLVED_TITLES,
};

const SHORT_NAMES: Record<IncidentKind, string> = {
  RENEWAL_FAILED: 'renewal still failing',
  PENDING_VALIDATION: 'still waiting for DNS validation',
  EXPIRING_IN_USE: 'in-use certificate still expiring',
  EXPIRED_IN_USE: 'in-use certificate still expired',
  COVERAGE_GAP: 'target still not scanned',
  MONITOR_STATE_TABLE: 'monitor state table still failing',
  CT_UNKNOWN_ISSUANCE: 'certificate issued outside the organization',
  ...ENDPOINT_SHORT_NAMES,
};

export function renderAlert(notice: AlertNotice, opts: AlertOptions = {}): SlackMessage {
  const { incident } = notice;
  // A CT issuance has no account, region or ACM certificate: its message is its own.
  if (incident.kind === 'CT_UNKNOWN_ISSUANCE') return renderCtAlert(notice, opts.fallbackFrom);
  const title = alertTitle(notice);
  const blocks: Block[] = [header(title)];
  if (opts.fallbackFrom !== undefined) blocks.push(fallbackBlock(opts.fallbackFrom));
  blocks.push(section(factLines(incident, notice.stage, opts).join('\n')));
  if (notice.stage !== 'resolved')
    blocks.push(...diagnosisBlocks(incident.diagnosis, incident.diagnosisOmitted), ...actionBlocks(incident));
  // With owner routing every message says why it reached this channel, so a wrong owner tag is seen and fixed.
  if (notice.route !== undefined) blocks.push(context(routeLine(notice.route)));
  blocks.push(context(footerText(notice)));
  return fitMessage({ text: fallbackText(title, incident), blocks });
}

function alertTitle(notice: AlertNotice): string {
  const { incident, stage } = notice;
  if (stage === 'resolved') return RESOLVED_TITLES[incident.kind];
  if (incident.kind === 'PENDING_VALIDATION' && incident.validationMethod !== 'DNS') {
    // The titles name DNS validation, the usual method; another method must not be told to create DNS records.
    const method = validationMethodName(incident.validationMethod);
    if (stage === 'opened') return `🟠 Certificate waiting for ${method} validation`;
  }
  if (stage === 'reminder') {
    const days = incident.daysToExpiry ?? notice.threshold;
    const left =
      incident.kind === 'COVERAGE_GAP' ||
      incident.kind === 'MONITOR_STATE_TABLE' ||
      incident.kind === 'ENDPOINT_UNREACHABLE' ||
      days === undefined
        ? ''
        : days < 0
          ? ' — expired'
          : ` — ${plural(days, 'day')} left`;
    const short =
      incident.kind === 'PENDING_VALIDATION'
        ? `still waiting for ${validationMethodName(incident.validationMethod ?? 'DNS')} validation`
        : SHORT_NAMES[incident.kind];
    return `⏰ Reminder: ${short}${left}`;
  }
  if (incident.kind === 'EXPIRING_IN_USE' && incident.daysToExpiry !== undefined) {
    return `${OPENED_TITLES.EXPIRING_IN_USE}: ${expiryPhrase(incident.daysToExpiry)}`;
  }
  return OPENED_TITLES[incident.kind];
}

function subject(incident: Incident): string {
  if (incident.kind === 'MONITOR_STATE_TABLE') return 'the monitor’s state table';
  if (isEndpointIncident(incident)) {
    // A user's endpoint belongs to no account.
    const where = incident.accountId
      ? ` in ${accountLabel(incident.accountId, incident.accountName)} ${inline(incident.region, 30)}`
      : '';
    return `${endpointSubject(incident)}${where}`;
  }
  if (incident.kind === 'COVERAGE_GAP')
    return `${accountLabel(incident.accountId, incident.accountName)} ${inline(incident.region, 30)}`;
  return `${code(incident.domainName ?? '(no domain)', MAX_DOMAIN)} in ${accountLabel(incident.accountId, incident.accountName)} ${inline(incident.region, 30)}`;
}

function factLines(incident: Incident, stage: NoticeStage, opts: AlertOptions): string[] {
  if (isEndpointIncident(incident)) return endpointFactLines(incident, stage);
  const lines: string[] = [];
  if (incident.kind === 'MONITOR_STATE_TABLE') {
    lines.push('*Affected:* the monitor’s own DynamoDB state table, not a member account');
    lines.push(`*Error:* ${code(incident.errorCode ?? 'unknown error', 80)}`);
    if (incident.reason) lines.push(`*Seen:* ${inline(incident.reason, MAX_REASON)}`);
    return lines;
  }
  if (incident.kind !== 'COVERAGE_GAP') {
    lines.push(`*Certificate:* ${certificateRef(incident, true, MAX_DOMAIN)}`);
  }
  lines.push(`*Account:* ${accountLabel(incident.accountId, incident.accountName)}`);
  lines.push(`*Region:* ${inline(incident.region, 30)}`);
  if (incident.kind === 'COVERAGE_GAP') {
    lines.push(`*Error:* ${code(incident.errorCode ?? 'unknown error', 80)}`);
    if (incident.reason) lines.push(`*Message:* ${code(incident.reason, MAX_REASON)}`);
    if (stage !== 'resolved') lines.push(`*Likely cause:* ${likelyCauseFor(incident)}`);
    return lines;
  }
  const date = isoDate(incident.notAfter);
  if (date !== undefined || incident.daysToExpiry !== undefined) {
    const relative = incident.daysToExpiry === undefined ? '' : ` (${relativeDays(incident.daysToExpiry)})`;
    lines.push(`*${(incident.daysToExpiry ?? 0) < 0 ? 'Expired' : 'Expires'}:* ${date ?? 'unknown date'}${relative}`);
  }
  if (incident.type) lines.push(`*Type:* ${inline(incident.type, 30)}`);
  if (incident.kind === 'RENEWAL_FAILED' && incident.reason && stage !== 'resolved') {
    lines.push(`*Reason:* ${code(incident.reason, MAX_REASON)}`);
  }
  lines.push(ownerLine(incident, opts));
  return lines;
}

function ownerLine(incident: Incident, opts: AlertOptions): string {
  // Owner and reasons come from member accounts (tags, AWS messages quoting their resources): code, never mrkdwn.
  if (incident.owner !== undefined && incident.owner.trim() !== '') return `*Owner:* ${code(incident.owner, 80)}`;
  return opts.ownerTagKey === undefined
    ? '*Owner:* unknown'
    : `*Owner:* unknown (no ${code(opts.ownerTagKey, 60)} tag on the certificate)`;
}

function actionBlocks(incident: Incident): Block[] {
  switch (incident.kind) {
    case 'RENEWAL_FAILED':
      return [section(`*What to do*\n${renewalAdvice(incident)}`)];
    case 'PENDING_VALIDATION':
      return validationBlocks(incident);
    case 'EXPIRING_IN_USE':
    case 'EXPIRED_IN_USE':
      return [section(`*What to do*\n${expiryAdvice(incident)}`), ...attachedBlocks(incident)];
    case 'MONITOR_STATE_TABLE':
      return [
        section(
          '*What to do*\nThe accounts are fine: ACM was read and every certificate read is in the report, marked “not stored”. The monitor could not keep its state, so changes are not recorded and alerts about those targets wait for a run that stores them. Check the state table’s throttled requests and system errors in CloudWatch and the ScanTarget logs; an on-demand table that keeps throttling has hit an account or partition limit.',
        ),
      ];
    case 'CT_UNKNOWN_ISSUANCE':
      return [];
    case 'ENDPOINT_MISMATCH':
    case 'ENDPOINT_EXPIRED':
    case 'ENDPOINT_EXPIRING':
    case 'ENDPOINT_UNREACHABLE':
      return endpointActionBlocks(incident);
    case 'COVERAGE_GAP':
      return [
        section(
          '*What to do*\nUntil this target is scanned, its certificates are shown as last seen and nothing about them is alerted. Check that the audit role exists in the account with the expected trust policy and ExternalId (`aws iam get-role --role-name &lt;audit role&gt;` from that account), and that no SCP denies it.',
        ),
      ];
  }
}

/** Advice per ACM RenewalStatusReason / FailureReason; the default covers DNS validation, the usual cause. */
function renewalAdvice(incident: Incident): string {
  const reason = incident.reason ?? '';
  if (reason === 'CAA_ERROR') {
    return 'A CAA record on the domain does not allow Amazon to issue. Add `0 issue "amazon.com"` (or remove the restrictive CAA record); ACM retries on its own.';
  }
  if (reason === 'NO_AVAILABLE_CONTACTS' || reason === 'DOMAIN_VALIDATION_DENIED') {
    return 'Email validation cannot complete. Request a new DNS-validated certificate, create its CNAME record, and move the resources to it before expiry.';
  }
  if (reason === 'ADDITIONAL_VERIFICATION_REQUIRED')
    return 'AWS needs more information to issue: open an AWS Support case.';
  if (reason === 'DOMAIN_NOT_ALLOWED' || reason === 'INVALID_PUBLIC_DOMAIN') {
    return 'ACM will not issue for this domain name. Request a certificate for an allowed name and move the resources to it.';
  }
  if (reason.startsWith('PCA_')) {
    return 'The private CA cannot issue: check it is ACTIVE, not expired, and that ACM may use it (its policy or RAM share).';
  }
  return RENEWAL_FAILED_FIX[incident.validationMethod ?? 'DNS'];
}

function expiryAdvice(incident: Incident): string {
  const expired = incident.kind === 'EXPIRED_IN_USE';
  const impact = expired ? 'Clients connecting to the resources below get certificate errors now. ' : '';
  switch (incident.type) {
    case 'IMPORTED':
      return `${impact}Imported certificates never renew: import the renewed certificate over the same ARN (\`aws acm import-certificate --certificate-arn &lt;arn&gt; ...\`) so every resource picks it up.`;
    case 'PRIVATE':
      return `${impact}Private certificates renew only while their CA is usable: check the private CA is ACTIVE and not expired, or issue a new certificate and attach it.`;
    default:
      return `${impact}${EXPIRING_FIX[incident.validationMethod ?? 'DNS']}`;
  }
}

function attachedBlocks(incident: Incident): Block[] {
  const resources = incident.inUseBy ?? [];
  if (resources.length === 0) return [];
  const lines = resources.slice(0, ALERT_LIST_CAPS.inUseBy).map((arn) => `• ${code(arn, 250)}`);
  return listBlocks(`*Attached to* (${plural(resources.length, 'resource')})`, lines, {
    total: resources.length,
    budget: 2_500,
    elsewhere: 'see the certificate in the console',
  });
}

function validationBlocks(incident: Incident): Block[] {
  if (incident.validationMethod === 'EMAIL') return [section(`*What to do*\n${escapeAdvice(VALIDATION_FIX.EMAIL)}`)];
  if (incident.validationMethod === 'HTTP') return httpValidationBlocks(incident);
  const records = uniqueRecords(incident.validationRecords ?? []);
  const blocks: Block[] = [];
  if (records.length === 0) {
    blocks.push(
      section(
        '*What to do*\nACM has not published validation records yet, or the certificate uses email validation. Open the certificate in the console to see how it validates.',
      ),
    );
    return blocks;
  }
  blocks.push(
    section(
      `*What to do*\nCreate ${records.length === 1 ? 'this DNS record' : `these ${records.length} DNS records`} in the zone of each domain. ACM validates within minutes of seeing ${records.length === 1 ? 'it' : 'them'}; keep ${records.length === 1 ? 'it' : 'them'} in place so future renewals succeed.`,
    ),
  );
  blocks.push(
    ...validationList(
      '*DNS records to create*',
      records,
      (record) =>
        `• for ${code(record.domainName, MAX_DOMAIN)}\n    Name: ${code(record.name, 260)}\n    Type: ${code(record.type, 20)}\n    Value: ${code(record.value, 260)}`,
    ),
  );
  return blocks;
}

/** The advice is our own text; only `&` needs escaping for mrkdwn (it holds no `<` or `>`). */
function escapeAdvice(text: string): string {
  return text.replace(/&/g, '&amp;');
}

function httpValidationBlocks(incident: Incident): Block[] {
  const redirects = incident.httpRedirects ?? [];
  const blocks: Block[] = [section(`*What to do*\n${escapeAdvice(VALIDATION_FIX.HTTP)}`)];
  if (redirects.length === 0) return blocks;
  blocks.push(
    ...validationList(
      '*Redirects to serve*',
      redirects,
      (redirect) =>
        `• for ${code(redirect.domainName, MAX_DOMAIN)}\n    Redirect from: ${code(redirect.redirectFrom, 400)}\n    To: ${code(redirect.redirectTo, 400)}`,
    ),
  );
  return blocks;
}

/** What the owner must publish for validation (records or redirects), capped like every list of an alert. */
function validationList<T>(title: string, items: readonly T[], line: (item: T) => string): Block[] {
  const { shown } = truncateList(items, ALERT_LIST_CAPS.validationRecords);
  return listBlocks(title, shown.map(line), {
    total: items.length,
    budget: 5_000,
    elsewhere: 'see the certificate in the console',
  });
}

/** A wildcard and its apex share one validation record; show it once. */
function uniqueRecords(records: readonly ValidationRecord[]): ValidationRecord[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    const key = `${record.name}\u0000${record.type}\u0000${record.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function footerText(notice: AlertNotice): string {
  const opened = isoMinute(notice.openedAt);
  const since =
    opened === undefined ? '' : notice.stage === 'resolved' ? `Was open since ${opened}` : `Open since ${opened}`;
  return [since, `alert ${inline(notice.id, 120)}`].filter(Boolean).join(' · ');
}

function fallbackText(title: string, incident: Incident): string {
  return `${title}: ${subject(incident)}`;
}
