/**
 * Text for Slack mrkdwn: escaping of anything that came from AWS, cutting that never breaks an entity or a link,
 * and the small formats (days, dates, accounts, console links) every message shares.
 */

import { acmCertificateConsoleUrl } from '../partition';

const ELLIPSIS = '…';

/**
 * Escapes the three characters Slack treats as control sequences, so a tag like `<!channel>` or `<@U123>`
 * shows as text and never pings anyone.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The reverse of `escapeSlack`, for terminal output. */
export function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Where to end a cut of `text` at `end` so no surrogate pair is split. */
function surrogateSafeEnd(text: string, end: number): number {
  return end > 0 && isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
}

/**
 * Cuts already-escaped mrkdwn to at most `max` characters, "…" included. The cut never lands inside an escape
 * entity (`&amp;`), a link or mention (`<url|label>`), a code span or a surrogate pair: it moves back before them.
 */
export function cutSlackText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = surrogateSafeEnd(text, max - ELLIPSIS.length);
  const amp = text.lastIndexOf('&', end - 1);
  // Entities are at most 5 characters (`&amp;`); one that started in the last 4 and has no `;` yet is split.
  if (amp !== -1 && end - amp <= 4 && !text.slice(amp, end).includes(';')) end = amp;
  const open = text.lastIndexOf('<', end - 1);
  if (open !== -1) {
    const close = text.indexOf('>', open);
    if (close === -1 || close >= end) end = open;
  }
  const kept = text.slice(0, end);
  const backticks = kept.split('`').length - 1;
  const safe = backticks % 2 === 1 ? kept.slice(0, kept.lastIndexOf('`')) : kept;
  return `${safe.trimEnd()}${ELLIPSIS}`;
}

/** Cuts plain text (a header) to at most `max` characters, "…" included, without splitting a surrogate pair. */
export function cutPlainText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  return `${text.slice(0, surrogateSafeEnd(text, max - ELLIPSIS.length)).trimEnd()}${ELLIPSIS}`;
}

/** One line of AWS-sourced text: control characters and line breaks become spaces, so a tag cannot add lines. */
function singleLine(raw: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  return raw.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** AWS-sourced text as one escaped line of at most `max` characters. */
export function inline(raw: string, max: number): string {
  return cutSlackText(escapeSlack(singleLine(raw)), max);
}

/** AWS-sourced text as an escaped code span (no formatting applies inside, wildcards like `*.example.com` stay). */
export function code(raw: string, max: number): string {
  return `\`${inline(raw.replace(/`/g, "'"), max - 2)}\``;
}

/** Keeps the first `cap` items; `more` says how many were left out. */
export function truncateList<T>(items: readonly T[], cap: number): { shown: T[]; more: number } {
  const shown = items.slice(0, Math.max(0, cap));
  return { shown, more: items.length - shown.length };
}

const MAX_REPORT_LOCATION = 300;

/** Where the full report is, as mrkdwn: a link when it is a web address, escaped text otherwise. */
export function reportReference(location: string): string {
  const trimmed = singleLine(location);
  // Inside a link only `&` needs escaping (`<`, `>` and `|` are refused): Slack reads `&amp;` back as `&`.
  if (/^https:\/\/[^\s<>|]+$/.test(trimmed) && trimmed.length <= MAX_REPORT_LOCATION)
    return `<${trimmed.replace(/&/g, '&amp;')}|full report>`;
  return `full report: ${inline(trimmed, MAX_REPORT_LOCATION)}`;
}

/**
 * The "+N more" line of a truncated list, pointing to the full report when there is one, else to `elsewhere`
 * (our own mrkdwn, e.g. "see the console").
 */
export function moreLine(more: number, reportLocation?: string, elsewhere = 'see the full report'): string {
  const count = `+${formatCount(more)} more`;
  return reportLocation === undefined || reportLocation.trim() === ''
    ? `${count} (${elsewhere})`
    : `${count} — ${reportReference(reportLocation)}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "in 12 days", "tomorrow", "today", "yesterday", "3 days ago"; undefined days read "on an unknown date". */
export function relativeDays(days: number | undefined): string {
  if (days === undefined) return 'on an unknown date';
  if (days < -1) return `${formatCount(-days)} days ago`;
  if (days === -1) return 'yesterday';
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  return `in ${formatCount(days)} days`;
}

/** "expired 3 days ago", "expires today", "expires in 12 days". */
export function expiryPhrase(daysToExpiry: number | undefined): string {
  if (daysToExpiry === undefined) return 'no expiry date';
  return `${daysToExpiry < 0 ? 'expired' : 'expires'} ${relativeDays(daysToExpiry)}`;
}

/** The calendar date (UTC) of an ISO-8601 time, or undefined when it is not one. */
export function isoDate(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

/** "2026-01-05 06:00 UTC", or undefined when `iso` is not a time. */
export function isoMinute(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const MAX_ACCOUNT_NAME = 40;

/** "Prod (123456789012)", the account name next to its id; just the id when the name is unknown. */
export function accountLabel(accountId: string, accountName?: string): string {
  const id = inline(accountId, 20);
  // A member account can rename itself: its name is shown as code, so it can neither format nor link.
  const name = accountName === undefined || singleLine(accountName) === '' ? '' : code(accountName, MAX_ACCOUNT_NAME);
  return name === '' ? id : `${name} (${id})`;
}

/**
 * The ACM console page of a certificate, in the console of its region's partition, or undefined when the ARN or
 * region does not look like one (a malformed value must not be able to break out of the link).
 */
export function consoleUrl(arn: string, region: string): string | undefined {
  return acmCertificateConsoleUrl(arn, region);
}

/** A Slack link; `label` must already be escaped. */
function slackLink(url: string, label: string): string {
  return `<${url}|${label}>`;
}

const MAX_DOMAIN = 80;

/**
 * A certificate's domain as mrkdwn: the console link (domain as its label) when links are wanted and the ARN is
 * usable, else a code span so wildcards render literally.
 */
export function certificateRef(
  cert: { arn?: string; region: string; domainName?: string },
  links: boolean,
  maxDomain = MAX_DOMAIN,
): string {
  const domain = cert.domainName === undefined || cert.domainName === '' ? '(no domain)' : cert.domainName;
  const url = links && cert.arn !== undefined ? consoleUrl(cert.arn, cert.region) : undefined;
  return url === undefined ? code(domain, maxDomain) : slackLink(url, inline(domain, maxDomain));
}
