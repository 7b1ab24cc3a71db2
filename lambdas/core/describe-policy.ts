/**
 * Which certificates a scan describes again. ListCertificates already carries the summary; DescribeCertificate
 * (10/s per account-region) adds the renewal summary, inUseBy, issuer and validation records. A steady day
 * describes only what may have moved: new or changed certificates, those ACM renews (Amazon-issued and private)
 * near renewal, Amazon-issued ones waiting for validation, and a rotating share (about 1/refreshDays) so no stored detail gets older than refreshDays.
 */
import { daysToExpiry } from './findings';
import { type Certificate, normalizeKeyAlgorithm, renewedByAcm } from './model';
import { DEFAULT_REFRESH_DAYS, RENEWAL_WINDOW_DAYS } from './names';

const DESCRIBE_REASONS = ['new', 'summary-changed', 'renewal-window', 'not-issued', 'refresh'] as const;
export type DescribeReason = (typeof DESCRIBE_REASONS)[number];

export interface DescribePolicyOptions {
  now: Date;
  /** @default DEFAULT_REFRESH_DAYS */
  refreshDays?: number;
  /** Certificates ACM renews, this close to expiry, are described every run. @default RENEWAL_WINDOW_DAYS */
  renewalWindowDays?: number;
}

const DAY_MS = 86_400_000;

/** Fields ListCertificates returns; any difference means the stored detail may be stale. */
export const SUMMARY_FIELDS = [
  'status',
  'type',
  'notBefore',
  'notAfter',
  'importedAt',
  'inUse',
  'renewalEligibility',
  'keyAlgorithm',
  'domainName',
  'exported',
] as const satisfies readonly (keyof Certificate)[];

const DATE_FIELDS = new Set<string>(['notBefore', 'notAfter', 'importedAt']);

/** Fields only DescribeCertificate fills; carried over from the stored certificate when not describing. */
export const DESCRIBE_ONLY_FIELDS = [
  'issuer',
  'serial',
  'renewalStatus',
  'renewalStatusReason',
  'failureReason',
  'validationMethod',
  'validationRecords',
  'httpRedirects',
  'inUseBy',
  'describedAt',
] as const satisfies readonly (keyof Certificate)[];

/** UTC day number since the epoch. */
export function dayNumber(date: Date): number {
  return Math.floor(date.getTime() / DAY_MS);
}

/** FNV-1a (32 bit) of the ARN: stable across runs and processes, spreads similar ARNs evenly. */
export function arnHash(arn: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < arn.length; i++) {
    hash ^= arn.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function sameValue(field: string, a: unknown, b: unknown): boolean {
  // A snapshot stored before key algorithms were normalized holds ACM's hyphenated spelling: the same key.
  if (field === 'keyAlgorithm' && typeof a === 'string' && typeof b === 'string') {
    return normalizeKeyAlgorithm(a) === normalizeKeyAlgorithm(b);
  }
  if (DATE_FIELDS.has(field) && typeof a === 'string' && typeof b === 'string') {
    const timeA = Date.parse(a);
    const timeB = Date.parse(b);
    if (!Number.isNaN(timeA) && !Number.isNaN(timeB)) return timeA === timeB;
  }
  return a === b;
}

/** The summary fields that differ between the listed certificate and the stored one. */
function changedSummaryFields(current: Certificate, stored: Certificate): (typeof SUMMARY_FIELDS)[number][] {
  return SUMMARY_FIELDS.filter((field) => !sameValue(field, current[field], stored[field]));
}

/**
 * True when the listing cut the names at 100 and the stored certificate holds the full list from a describe. A
 * stored list no longer than the listing's was cut too (stored before the cut was recognised): it is not full.
 */
function hasFullNames(summary: Certificate, stored: Certificate): boolean {
  return (
    summary.hasAdditionalSubjectAlternativeNames === true &&
    stored.hasAdditionalSubjectAlternativeNames !== true &&
    stored.subjectAlternativeNames.length > summary.subjectAlternativeNames.length
  );
}

/** Why `current` must be described this run, or undefined when the stored detail is still good. */
export function needsDescribe(
  current: Certificate,
  stored: Certificate | undefined,
  opts: DescribePolicyOptions,
): DescribeReason | undefined {
  if (stored === undefined) return 'new';
  if (changedSummaryFields(current, stored).length > 0) return 'summary-changed';
  if (current.hasAdditionalSubjectAlternativeNames === true && !hasFullNames(current, stored)) return 'refresh';

  // Terminal statuses (EXPIRED, REVOKED, FAILED, ...) never change detail again, so only a certificate still
  // waiting for validation is described every run; a move into a terminal status is a summary change anyway.
  if (current.type === 'AMAZON_ISSUED' && current.status === 'PENDING_VALIDATION') return 'not-issued';
  if (renewedByAcm(current) && current.status === 'ISSUED') {
    const days = daysToExpiry(current, opts.now);
    if (days !== undefined && days <= (opts.renewalWindowDays ?? RENEWAL_WINDOW_DAYS)) return 'renewal-window';
  }

  const describedAt = stored.describedAt === undefined ? Number.NaN : Date.parse(stored.describedAt);
  if (Number.isNaN(describedAt)) return 'refresh';
  const refreshDays = Math.max(1, Math.floor(opts.refreshDays ?? DEFAULT_REFRESH_DAYS));
  if (opts.now.getTime() - describedAt >= refreshDays * DAY_MS) return 'refresh';
  const today = dayNumber(opts.now);
  const describedToday = dayNumber(new Date(describedAt)) >= today;
  if (!describedToday && (today + (arnHash(current.arn) % refreshDays)) % refreshDays === 0) return 'refresh';
  return undefined;
}

/**
 * The listed certificate with the detail of the stored one, for a run that did not describe it.
 * Summary fields and tags always come from the current scan; the names too, unless the listing cut them at 100.
 */
export function mergeWithStored(summary: Certificate, stored?: Certificate): Certificate {
  if (stored === undefined) return summary;
  const merged: Certificate = { ...summary };
  // ListCertificates gives at most 100 names; the stored list from DescribeCertificate has them all. Keeping it means
  // a snapshot never alternates between a truncated and a full list from one run to the next.
  if (hasFullNames(summary, stored)) {
    merged.subjectAlternativeNames = [...stored.subjectAlternativeNames];
    delete merged.hasAdditionalSubjectAlternativeNames;
  }
  for (const field of DESCRIBE_ONLY_FIELDS) {
    const value = stored[field];
    if (value !== undefined) {
      (merged as unknown as Record<string, unknown>)[field] = Array.isArray(value) ? [...value] : value;
    }
  }
  return merged;
}
