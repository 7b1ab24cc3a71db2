/**
 * The daily digest: what needs attention across the organization, most important first, readable on a phone and
 * inside Slack's limits however many certificates there are. Coverage comes first because a digest that scanned
 * nothing must never read as "all fine".
 */

import { diagnosisHeadline } from '../diagnosis';
import { likelyCauseFor } from '../failures';
import {
  type AssessedCertificate,
  type Change,
  type ChangeType,
  countRegions,
  type FindingCode,
  isNeverIssued,
  type TargetResult,
  VALIDATION_TIMEOUT_HOURS,
} from '../model';
import type { DigestInput } from '../notices';
import { validationMethodName } from '../validation-advice';
import { type Block, context, divider, fitMessage, header, type SlackMessage, section } from './blocks';
import { ctDigestBlocks } from './ct';
import { endpointDigestBlocks } from './endpoints';
import { listBlocks } from './list';
import { outlookText } from './outlook';
import { type RoutingSummary, routingBlocks, teamDigestContext } from './routing';
import {
  accountLabel,
  certificateRef,
  code,
  expiryPhrase,
  formatCount,
  inline,
  isoDate,
  isoMinute,
  plural,
  reportReference,
} from './text';

export interface DigestOptions {
  /** Tag whose value names the owner of a certificate (e.g. `team`); shown next to each certificate. */
  ownerTagKey?: string;
  /** Link each certificate to its ACM console page. @default true */
  consoleLinks?: boolean;
  /** Owner routing: this digest is the team digest of this destination (its certificates only). */
  team?: string;
  /** Owner routing: the whole organization's digest in the default destination shows who owns what. */
  routing?: RoutingSummary;
  /** Owner routing's `organizationDigest: "summary"`: the figures and the routing, no certificate lists. */
  summaryOnly?: boolean;
}

/** How many items each list shows before "+N more": enough to act on, few enough to read on a phone. */
export const DIGEST_LIST_CAPS = {
  failedTargets: 6,
  renewalProblems: 8,
  expiringInUse: 8,
  imported: 5,
  changesPerType: 3,
  neverIssued: 5,
  unused: 5,
} as const;

/** Imported certificates never renew; the digest shows those expiring within this many days. */
export const IMPORTED_HORIZON_DAYS = 90;

const LIST_BUDGET = 3_500;
const MAX_REASON = 100;
const MAX_ERROR_MESSAGE = 160;
const MAX_OWNER = 40;
const MAX_SUMMARY = 140;
const MAX_DIAGNOSIS = 200;

const PROBLEM_ORDER: readonly FindingCode[] = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'REVOKED',
  'INELIGIBLE_FOR_RENEWAL',
];

const CHANGE_LABELS: Record<ChangeType, string> = {
  NEW: 'new',
  REMOVED: 'removed',
  RENEWED: 'renewed',
  REIMPORTED: 're-imported',
  STATUS_CHANGED: 'status changed',
  RENEWAL_STATUS_CHANGED: 'renewal status changed',
  ATTACHED: 'attached',
  DETACHED: 'detached',
  BECAME_INELIGIBLE: 'became ineligible',
  THRESHOLD_CROSSED: 'crossed an expiry threshold',
  TAGS_CHANGED: 'tags changed',
};

/** The change types listed one by one; the others only count. */
const LISTED_CHANGES: readonly ChangeType[] = ['NEW', 'REMOVED', 'RENEWED'];

export function renderDigest(input: DigestInput, opts: DigestOptions = {}): SlackMessage {
  const ctx = new DigestContext(input, opts);
  const groups = groupCertificates(input.certificates);
  const coverage = coverageFigures(input.targets);

  const outlook = outlookText({
    generatedAt: input.generatedAt,
    certificates: input.certificates,
    targets: input.targets,
    where: (cell) => ctx.where(cell),
  });
  const lists: Block[][] = opts.summaryOnly
    ? []
    : [
        problemBlocks(ctx, groups.problems),
        expiringBlocks(ctx, groups.expiringInUse),
        importedBlocks(ctx, groups.imported),
        endpointDigestBlocks({
          endpoints: input.endpoints ?? [],
          changes: input.endpointChanges ?? [],
          generatedAt: input.generatedAt,
          accountNames: ctx.accountNames,
          ...(input.reportLocation ? { reportLocation: input.reportLocation } : {}),
        }),
        input.firstRun
          ? baselineBlocks(input.certificates.length)
          : changeBlocks(ctx, input.changes, input.eventPath?.changesFromEvents ?? 0),
        neverIssuedBlocks(ctx, groups.neverIssued, input.generatedAt),
        unusedBlocks(ctx, groups.unused),
        input.ct === undefined ? [] : ctDigestBlocks(input.ct),
      ];
  const sections: Block[][] = [
    [...coverageBlocks(ctx, coverage), ...skippedCleanBlocks(input.targets, input.generatedAt)],
    eventPathBlocks(input),
    ...(opts.routing ? [routingBlocks(opts.routing)] : []),
    outlook === undefined ? [] : [section(outlook)],
    ...lists,
  ].filter((blocks) => blocks.length > 0);
  if (opts.summaryOnly) {
    sections.push([section(summaryLine(groups))]);
  } else if (groups.problems.length === 0 && groups.expiringInUse.length === 0) {
    sections.splice(1, 0, [
      section(`✅ No renewal problems, and no certificate in use expires within ${plural(input.expiryDays, 'day')}.`),
    ]);
  }

  const attention = groups.problems.length + groups.expiringInUse.length;
  const date = isoDate(input.generatedAt) ?? '';
  const blocks: Block[] = [
    header(`📋 ${opts.team === undefined ? 'Certificate digest' : `${opts.team}: certificate digest`} ${date}`.trim()),
    context(
      `*${attention === 0 ? 'Nothing' : formatCount(attention)}* ${attention > 1 ? 'need' : 'needs'} attention · ${plural(input.certificates.length, 'certificate')}`,
    ),
  ];
  if (opts.team !== undefined) blocks.push(teamDigestContext(opts.team, input.certificates.length));
  for (const blocksOfSection of sections) blocks.push(divider, ...blocksOfSection);
  blocks.push(divider, footer(input));

  return fitMessage({ text: fallbackText(date, groups, coverage), blocks });
}

/** The summary-only digest's one line of figures, in place of the lists (the full report has them). */
function summaryLine(groups: CertificateGroups): string {
  return [
    `Renewal problems ${groups.problems.length}`,
    `expiring in use ${groups.expiringInUse.length}`,
    `imported expiring ${groups.imported.length}`,
    `never issued ${groups.neverIssued.length}`,
    `unused ${groups.unused.length}`,
  ].join(' · ');
}

class DigestContext {
  readonly links: boolean;
  readonly ownerTagKey: string | undefined;
  readonly reportLocation: string | undefined;
  readonly accountNames = new Map<string, string>();

  constructor(input: DigestInput, opts: DigestOptions) {
    this.links = opts.consoleLinks ?? true;
    this.ownerTagKey = opts.ownerTagKey;
    this.reportLocation = input.reportLocation;
    for (const item of [...input.targets, ...input.certificates]) {
      if (item.accountName !== undefined && item.accountName !== '')
        this.accountNames.set(item.accountId, item.accountName);
    }
  }

  account(accountId: string, accountName?: string): string {
    return accountLabel(accountId, accountName ?? this.accountNames.get(accountId));
  }

  /** " · owner team-a", or nothing when no owner tag is configured or set. */
  owner(cert: AssessedCertificate): string {
    if (this.ownerTagKey === undefined) return '';
    const value = cert.tags[this.ownerTagKey];
    // A tag value is set in a member account: shown as code, so it can neither format nor link in this channel.
    return value === undefined || value.trim() === '' ? '' : ` · owner ${code(value, MAX_OWNER)}`;
  }

  /** Where a certificate is: "Prod (123456789012) · eu-west-1". */
  where(item: { accountId: string; accountName?: string; region: string }): string {
    return `${this.account(item.accountId, item.accountName)} · ${inline(item.region, 30)}`;
  }

  list(title: string, lines: string[], total: number) {
    const options = {
      total,
      budget: LIST_BUDGET,
      ...(this.reportLocation ? { reportLocation: this.reportLocation } : {}),
    };
    return listBlocks(title, lines, options);
  }
}

interface CertificateGroups {
  problems: AssessedCertificate[];
  expiringInUse: AssessedCertificate[];
  imported: AssessedCertificate[];
  /** Requests that never became certificates: listed apart, briefly, never as renewal problems. */
  neverIssued: AssessedCertificate[];
  unused: AssessedCertificate[];
}

/** Each certificate is listed once, in the first group that claims it; every line shows its expiry anyway. */
function groupCertificates(certificates: readonly AssessedCertificate[]): CertificateGroups {
  const groups: CertificateGroups = { problems: [], expiringInUse: [], imported: [], neverIssued: [], unused: [] };
  for (const cert of certificates) {
    const days = cert.daysToExpiry;
    if (problemOf(cert) !== undefined) groups.problems.push(cert);
    else if (cert.inUse && (cert.findings.includes('EXPIRED') || cert.findings.includes('EXPIRING'))) {
      groups.expiringInUse.push(cert);
    } else if (isNeverIssued(cert)) {
      groups.neverIssued.push(cert);
    } else if (cert.type === 'IMPORTED' && days !== undefined && days >= 0 && days <= IMPORTED_HORIZON_DAYS) {
      groups.imported.push(cert);
    } else if (cert.findings.includes('NOT_IN_USE')) groups.unused.push(cert);
  }
  groups.problems.sort(
    (a, b) =>
      PROBLEM_ORDER.indexOf(problemOf(a) ?? 'RENEWAL_FAILED') -
        PROBLEM_ORDER.indexOf(problemOf(b) ?? 'RENEWAL_FAILED') ||
      Number(b.inUse) - Number(a.inUse) ||
      bySoonestExpiry(a, b),
  );
  groups.expiringInUse.sort(bySoonestExpiry);
  groups.imported.sort(bySoonestExpiry);
  groups.neverIssued.sort(
    (a, b) =>
      NEVER_ISSUED_ORDER.indexOf(a.status) - NEVER_ISSUED_ORDER.indexOf(b.status) ||
      createdTime(b) - createdTime(a) ||
      (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0),
  );
  groups.unused.sort(bySoonestExpiry);
  return groups;
}

/** Still pending first (someone can still finish it), then the ones ACM gave up on. */
const NEVER_ISSUED_ORDER: readonly string[] = ['PENDING_VALIDATION', 'VALIDATION_TIMED_OUT', 'FAILED'];

function createdTime(cert: AssessedCertificate): number {
  const time = cert.createdAt === undefined ? Number.NaN : Date.parse(cert.createdAt);
  return Number.isNaN(time) ? 0 : time;
}

/**
 * A renewal problem only where something can lapse: an issued certificate, or one a resource uses. A request that
 * was never issued has no expiry and serves nothing; it is listed apart.
 */
function problemOf(cert: AssessedCertificate): FindingCode | undefined {
  if (cert.status !== 'ISSUED' && !cert.inUse) return undefined;
  return PROBLEM_ORDER.find((code) => cert.findings.includes(code));
}

function bySoonestExpiry(a: AssessedCertificate, b: AssessedCertificate): number {
  const da = a.daysToExpiry ?? Number.POSITIVE_INFINITY;
  const db = b.daysToExpiry ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0;
}

interface CoverageFigures {
  targets: number;
  accounts: number;
  regions: number;
  failed: TargetResult[];
  partial: TargetResult[];
}

function coverageFigures(targets: readonly TargetResult[]): CoverageFigures {
  const bad = (status: TargetResult['status']) =>
    targets
      .filter((t) => t.status === status)
      .sort((a, b) => (a.accountId + a.region < b.accountId + b.region ? -1 : 1));
  return {
    targets: targets.length,
    accounts: new Set(targets.map((t) => t.accountId)).size,
    regions: countRegions(targets),
    failed: bad('error'),
    partial: bad('partial'),
  };
}

function coverageBlocks(ctx: DigestContext, figures: CoverageFigures): Block[] {
  if (figures.targets === 0) {
    return [
      section(
        '*Coverage*\n⚠️ *Nothing was scanned*: no account or region was in this run, so this digest covers nothing. Check the audit role in the management account and the account and region filters.',
      ),
    ];
  }
  const scope = `${plural(figures.accounts, 'account')} · ${plural(figures.regions, 'region')}`;
  const incomplete = [...figures.failed, ...figures.partial];
  if (incomplete.length === 0) {
    return [section(`*Coverage*\n✅ All ${plural(figures.targets, 'target')} scanned · ${scope}`)];
  }
  const scanned = figures.targets - incomplete.length;
  const counts = [
    figures.failed.length > 0 ? `${formatCount(figures.failed.length)} failed` : '',
    figures.partial.length > 0 ? `${formatCount(figures.partial.length)} partly scanned` : '',
  ].filter(Boolean);
  const lines = [
    `⚠️ ${formatCount(scanned)} of ${plural(figures.targets, 'target')} scanned · ${counts.join(' · ')} · ${scope}`,
    '_Certificates of targets not fully scanned are kept as last seen, never reported as removed._',
  ];
  const byCode = countBy(incomplete, (t) => t.errorCode ?? 'unknown error');
  if (byCode.size > 1 || incomplete.length > DIGEST_LIST_CAPS.failedTargets) {
    const parts = [...byCode.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
    lines.push(`By error: ${parts.map(([errorCode, n]) => `${code(errorCode, 60)} ×${formatCount(n)}`).join(' · ')}`);
  }
  const title = `*Coverage*\n${lines.join('\n')}`;
  const items = incomplete.slice(0, DIGEST_LIST_CAPS.failedTargets).map((target) => {
    const what = target.status === 'partial' ? ' (partly scanned)' : '';
    const message = target.errorMessage ? ` ${inline(target.errorMessage, MAX_ERROR_MESSAGE)}` : '';
    return `• ${ctx.where(target)}${what} — ${code(target.errorCode ?? 'unknown error', 60)}${message}\n    _likely: ${likelyCauseFor(target)}_`;
  });
  return ctx.list(title, items, incomplete.length);
}

/** " · DNS: validation CNAME missing: _x.example.com" when this run diagnosed the certificate. */
function diagnosisSuffix(cert: AssessedCertificate): string {
  const headline = diagnosisHeadline(cert.diagnosis ?? []);
  return headline === undefined ? '' : ` · DNS: ${inline(headline, MAX_DIAGNOSIS)}`;
}

function problemLabel(cert: AssessedCertificate): string {
  return `${problemKind(cert)}${diagnosisSuffix(cert)}`;
}

function problemKind(cert: AssessedCertificate): string {
  switch (problemOf(cert)) {
    case 'RENEWAL_FAILED': {
      const reason = cert.renewalStatusReason ?? cert.failureReason;
      return reason ? `renewal failed: ${code(reason, MAX_REASON)}` : 'renewal failed';
    }
    case 'PENDING_VALIDATION':
      return `waiting for ${validationMethodName(cert.validationMethod ?? 'DNS')} validation`;
    case 'REVOKED':
      return 'revoked';
    default:
      return 'not eligible for automatic renewal';
  }
}

function problemBlocks(ctx: DigestContext, certs: AssessedCertificate[]): Block[] {
  if (certs.length === 0) return [];
  const lines = certs
    .slice(0, DIGEST_LIST_CAPS.renewalProblems)
    .map(
      (cert) =>
        `• ${certificateRef(cert, ctx.links)} — ${problemLabel(cert)} · ${expiryPhrase(cert.daysToExpiry)}${cert.inUse ? '' : ' · not in use'} · ${ctx.where(cert)}${ctx.owner(cert)}`,
    );
  return ctx.list(`🔴 *Renewal problems* (${formatCount(certs.length)})`, lines, certs.length);
}

function expiringBlocks(ctx: DigestContext, certs: AssessedCertificate[]): Block[] {
  if (certs.length === 0) return [];
  const lines = certs.slice(0, DIGEST_LIST_CAPS.expiringInUse).map((cert) => {
    const date = isoDate(cert.notAfter);
    const users = cert.inUseBy.length > 0 ? ` · used by ${plural(cert.inUseBy.length, 'resource')}` : '';
    return `• ${certificateRef(cert, ctx.links)} — *${expiryPhrase(cert.daysToExpiry)}*${date ? ` (${date})` : ''} · ${ctx.where(cert)}${users}${ctx.owner(cert)}`;
  });
  return ctx.list(`🟠 *In use: expired or expiring soonest* (${formatCount(certs.length)})`, lines, certs.length);
}

function importedBlocks(ctx: DigestContext, certs: AssessedCertificate[]): Block[] {
  if (certs.length === 0) return [];
  const lines = certs.slice(0, DIGEST_LIST_CAPS.imported).map((cert) => {
    const date = isoDate(cert.notAfter);
    return `• ${certificateRef(cert, ctx.links)} — ${expiryPhrase(cert.daysToExpiry)}${date ? ` (${date})` : ''}${cert.inUse ? '' : ' · not in use'} · ${ctx.where(cert)}${ctx.owner(cert)}`;
  });
  const title = `📥 *Imported, expiring within ${IMPORTED_HORIZON_DAYS} days* (${formatCount(certs.length)})\n_Imported certificates never renew: import the renewed one over the same ARN._`;
  return ctx.list(title, lines, certs.length);
}

function baselineBlocks(certificates: number): Block[] {
  return [
    section(
      `🔄 *First run*\n${formatCount(certificates)} certificate(s) recorded as the baseline; from the next run on, this section lists what changed.`,
    ),
  ];
}

/**
 * Under coverage: the targets the run left unlisted because the event path watches them, and how old their last
 * listing is, so "all scanned" never hides that some were taken on trust for a few days.
 */
function skippedCleanBlocks(targets: readonly TargetResult[], generatedAt: string): Block[] {
  const listed = targets.flatMap((target) =>
    target.skippedClean ? [Date.parse(target.skippedClean.lastListedAt)] : [],
  );
  if (listed.length === 0) return [];
  const oldest = Math.min(...listed);
  const days = Math.max(0, Math.floor((Date.parse(generatedAt) - oldest) / 86_400_000));
  return [
    context(
      `${formatCount(listed.length)} of them left unlisted as clean: no certificate at their last listing (the oldest ${plural(days, 'day')} ago) and no event from them since`,
    ),
  ];
}

/**
 * The event path's dead man, under coverage: a path that stopped delivering leaves alerts to the daily run, and
 * nothing else would say so. Said only when it looks broken; a working or quiet path adds nothing.
 */
function eventPathBlocks(input: DigestInput): Block[] {
  const verdict = input.eventPath?.verdict;
  if (verdict?.status !== 'looks-broken') return [];
  return [section(`*Real-time events*\n⚠️ *The event path looks broken*: ${inline(verdict.message, 600)}`)];
}

function changeBlocks(ctx: DigestContext, changes: readonly Change[], fromEvents: number): Block[] {
  if (changes.length === 0) return [];
  const byType = countBy(changes, (change) => change.type);
  const counts =
    [...byType.entries()].map(([type, n]) => `${formatCount(n)} ${CHANGE_LABELS[type]}`).join(' · ') +
    (fromEvents > 0 ? ` _(${formatCount(fromEvents)} seen in real time, from events)_` : '');
  const listed = LISTED_CHANGES.flatMap((type) => changes.filter((change) => change.type === type));
  const lines = LISTED_CHANGES.flatMap((type) =>
    changes
      .filter((change) => change.type === type)
      .slice(0, DIGEST_LIST_CAPS.changesPerType)
      .map((change) => {
        // A removed certificate has no console page left to link to.
        const ref = certificateRef(change, ctx.links && type !== 'REMOVED');
        const summary = change.summary ? ` — ${code(change.summary, MAX_SUMMARY)}` : '';
        return `• ${CHANGE_LABELS[type]}: ${ref} · ${ctx.where(change)}${summary}`;
      }),
  );
  const title = `🔄 *Changes since the last run*\n${counts}`;
  if (lines.length === 0) return [section(title)];
  return ctx.list(title, lines, listed.length);
}

/** "requested 5 hours ago", "requested 3 days ago"; hours while ACM may still validate (72 hours). */
function requestAge(createdAt: string | undefined, generatedAt: string): string {
  const created = createdAt === undefined ? Number.NaN : Date.parse(createdAt);
  const now = Date.parse(generatedAt);
  if (Number.isNaN(created) || Number.isNaN(now)) return 'request date unknown';
  const hours = Math.max(0, Math.floor((now - created) / 3_600_000));
  if (hours < 1) return 'requested within the hour';
  if (hours <= VALIDATION_TIMEOUT_HOURS) return `requested ${plural(hours, 'hour')} ago`;
  return `requested ${plural(Math.floor(hours / 24), 'day')} ago`;
}

function requestState(cert: AssessedCertificate): string {
  return `${requestKind(cert)}${diagnosisSuffix(cert)}`;
}

function requestKind(cert: AssessedCertificate): string {
  switch (cert.status) {
    case 'PENDING_VALIDATION':
      return `waiting for ${validationMethodName(cert.validationMethod)} validation`;
    case 'VALIDATION_TIMED_OUT':
      return `validation timed out after ${VALIDATION_TIMEOUT_HOURS} hours`;
    default:
      return cert.failureReason ? `issuance failed: ${code(cert.failureReason, MAX_REASON)}` : 'issuance failed';
  }
}

function neverIssuedBlocks(ctx: DigestContext, certs: AssessedCertificate[], generatedAt: string): Block[] {
  if (certs.length === 0) return [];
  const lines = certs
    .slice(0, DIGEST_LIST_CAPS.neverIssued)
    .map(
      (cert) =>
        `• ${certificateRef(cert, ctx.links)} — ${requestState(cert)} · ${requestAge(cert.createdAt, generatedAt)} · ${ctx.where(cert)}${ctx.owner(cert)}`,
    );
  const title = `⏳ *Requests never issued* (${formatCount(certs.length)})\n_Not certificates yet: nothing uses them and nothing can lapse. ACM stops validating a request after ${VALIDATION_TIMEOUT_HOURS} hours; finish it or delete it._`;
  return ctx.list(title, lines, certs.length);
}

function unusedBlocks(ctx: DigestContext, certs: AssessedCertificate[]): Block[] {
  if (certs.length === 0) return [];
  const lines = certs
    .slice(0, DIGEST_LIST_CAPS.unused)
    .map((cert) => `• ${certificateRef(cert, ctx.links)} — ${expiryPhrase(cert.daysToExpiry)} · ${ctx.where(cert)}`);
  return ctx.list(`🧹 *Unused certificates to clean up* (${formatCount(certs.length)})`, lines, certs.length);
}

function footer(input: DigestInput): Block {
  const parts = [`Run ${inline(input.runId, 80)}`];
  const generated = isoMinute(input.generatedAt);
  if (generated) parts.push(`generated ${generated}`);
  if (input.reportLocation?.trim()) parts.push(reportReference(input.reportLocation));
  return context(parts.join(' · '));
}

function fallbackText(date: string, groups: CertificateGroups, coverage: CoverageFigures): string {
  const parts: string[] = [];
  if (coverage.targets === 0) parts.push('nothing was scanned');
  const incomplete = coverage.failed.length + coverage.partial.length;
  if (incomplete > 0)
    parts.push(`${formatCount(incomplete)} of ${plural(coverage.targets, 'target')} not fully scanned`);
  if (groups.problems.length > 0) parts.push(plural(groups.problems.length, 'renewal problem'));
  if (groups.expiringInUse.length > 0) parts.push(`${formatCount(groups.expiringInUse.length)} in use and expiring`);
  if (parts.length === 0) parts.push('nothing needs attention');
  return `Certificate digest ${date}: ${parts.join(', ')}`;
}

function countBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, number> {
  const counts = new Map<K, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
