/**
 * Which certificates and targets on-call must act on, as incidents with deterministic keys.
 *
 * A certificate yields at most one incident at a time, so one problem never pages twice:
 * - in use and expired: EXPIRED_IN_USE (an outage; it supersedes whatever the certificate had before);
 * - otherwise, in this order: RENEWAL_FAILED, PENDING_VALIDATION inside the renewal window, EXPIRING_IN_USE (not
 *   expired). A failed or pending renewal already carries the expiry reminders, so EXPIRING_IN_USE would only repeat
 *   it. A failed renewal stays open after an unused certificate expires: its "resolved" message would claim the
 *   renewal works again, so it only resolves when the renewal status changes or the certificate is deleted.
 * - expired, unused and no renewal problem: nothing (nobody is affected; the digest lists it).
 *
 * EXPIRING_IN_USE and EXPIRED_IN_USE are the same problem escalating, but they keep their own keys: the planner sees
 * the certificate's incident change kind and closes the earlier one silently (superseded, no "resolved" message,
 * since nothing was fixed), then opens the new one, whose "opened" message is the escalation. When the certificate
 * is finally replaced, exactly one "resolved" message goes out.
 *
 * A certificate still awaiting its first validation (status PENDING_VALIDATION, no expiry yet) serves nothing and is
 * its requester's job: the digest lists it, on-call is not paged.
 */
import { needsAttention } from '../ct/classify';
import type { CtIssuanceEntry } from '../ct/model';
import { diagnosisProblems } from '../diagnosis/text';
import type { AssessedCertificate, DiagnosisEntry, TargetResult } from '../model';
import { isStateTableFailure, type StateTableHealthOptions, stateTableIncident } from '../monitor-health';
import { RENEWAL_WINDOW_DAYS } from '../names';
import type { Incident, IncidentKind } from '../notices';
import { DEFAULT_OWNER_TAG_KEY } from '../settings';

/** EXPIRING_IN_USE opens at or below this many days to expiry (ACM renews managed certificates well before). */
export const DEFAULT_EXPIRING_DAYS = 7;
/** Imported certificates never renew by themselves: someone must import a new one, so they open earlier. */
export const DEFAULT_IMPORTED_EXPIRING_DAYS = 14;
/** Diagnosis entries an incident keeps (an alert shows as many). */
export const INCIDENT_DIAGNOSIS_CAP = 10;

export interface DetectOptions {
  now: Date;
  /** Tag whose value names the certificate's owner. @default 'owner' */
  ownerTagKey?: string;
  /** PENDING_VALIDATION opens at or below this many days to expiry. @default RENEWAL_WINDOW_DAYS */
  renewalWindowDays?: number;
  /** @default DEFAULT_EXPIRING_DAYS */
  expiringDays?: number;
  /** @default DEFAULT_IMPORTED_EXPIRING_DAYS */
  importedExpiringDays?: number;
  /** The previous completed run's failures: the state table's trouble alerts when it persists across runs. */
  previousRunFailures?: ReadonlyArray<{ errorCode: string }>;
  /** When the state table's trouble on one run is enough to alert. */
  stateTable?: StateTableHealthOptions;
  /** The CT watch's verdicts, when it ran: each issuance neither the organization's nor allowed is an incident. */
  ct?: readonly CtIssuanceEntry[];
}

const DAY_MS = 86_400_000;

export function certificateIncidentKey(kind: IncidentKind, arn: string): string {
  return `${kind}#${arn}`;
}

/** One incident per issuance event: the store keeps one id per event, so a precertificate never pages again. */
export function ctIncidentKey(issuanceId: string): string {
  return `CT_UNKNOWN_ISSUANCE#${issuanceId}`;
}

/** CT incidents belong to no account or region: the issuance is outside every account, which is the point. */
function ctIncident(entry: CtIssuanceEntry): Incident {
  return {
    key: ctIncidentKey(entry.id),
    kind: 'CT_UNKNOWN_ISSUANCE',
    accountId: '',
    region: '',
    domainName: entry.dnsNames[0] ?? entry.matchedDomain,
    notAfter: entry.notAfter,
    ct: { ...entry, dnsNames: [...entry.dnsNames] },
  };
}

export function coverageGapKey(accountId: string, region: string): string {
  return `COVERAGE_GAP#${accountId}#${region}`;
}

/** Whole days to expiry, rounded down, as the finding rules count them; the assessed value wins when present. */
function daysLeft(cert: AssessedCertificate, now: Date): number | undefined {
  if (cert.daysToExpiry !== undefined) return cert.daysToExpiry;
  if (cert.notAfter === undefined) return undefined;
  const notAfter = Date.parse(cert.notAfter);
  return Number.isNaN(notAfter) ? undefined : Math.floor((notAfter - now.getTime()) / DAY_MS);
}

function isExpired(cert: AssessedCertificate, now: Date, days: number | undefined): boolean {
  if (cert.status === 'EXPIRED') return true;
  if (cert.notAfter !== undefined) {
    const notAfter = Date.parse(cert.notAfter);
    if (!Number.isNaN(notAfter)) return now.getTime() > notAfter;
  }
  return days !== undefined && days < 0;
}

function certificateKind(
  cert: AssessedCertificate,
  now: Date,
  days: number | undefined,
  limits: { renewalWindowDays: number; expiringDays: number; importedExpiringDays: number },
): IncidentKind | undefined {
  const expired = isExpired(cert, now, days);
  if (expired && cert.inUse) return 'EXPIRED_IN_USE';
  if (cert.renewalStatus === 'FAILED') return 'RENEWAL_FAILED';
  const pendingValidation = cert.renewalStatus === 'PENDING_VALIDATION' || cert.status === 'PENDING_VALIDATION';
  // A renewal pending validation without a known expiry is still worth a page; a first issuance is not (see above).
  const inWindow = days !== undefined ? days <= limits.renewalWindowDays : cert.status !== 'PENDING_VALIDATION';
  if (pendingValidation && inWindow) return 'PENDING_VALIDATION';
  const expiringLimit = cert.type === 'IMPORTED' ? limits.importedExpiringDays : limits.expiringDays;
  if (!expired && cert.inUse && days !== undefined && days <= expiringLimit) return 'EXPIRING_IN_USE';
  return undefined;
}

function certificateIncident(
  cert: AssessedCertificate,
  kind: IncidentKind,
  days: number | undefined,
  ownerTagKey: string,
): Incident {
  const incident: Incident = {
    key: certificateIncidentKey(kind, cert.arn),
    kind,
    accountId: cert.accountId,
    region: cert.region,
    arn: cert.arn,
    domainName: cert.domainName,
    type: cert.type,
  };
  if (cert.accountName !== undefined) incident.accountName = cert.accountName;
  if (cert.notAfter !== undefined) incident.notAfter = cert.notAfter;
  if (days !== undefined) incident.daysToExpiry = days;
  if (kind === 'RENEWAL_FAILED') {
    const reason = cert.renewalStatusReason ?? cert.failureReason;
    if (reason !== undefined) incident.reason = reason;
  }
  if (cert.validationMethod !== undefined) incident.validationMethod = cert.validationMethod;
  if (kind === 'PENDING_VALIDATION') {
    incident.validationRecords = cert.validationRecords ?? [];
    if (cert.httpRedirects !== undefined && cert.httpRedirects.length > 0) incident.httpRedirects = cert.httpRedirects;
  }
  if (cert.inUseBy.length > 0) incident.inUseBy = [...cert.inUseBy];
  if (cert.diagnosis !== undefined && cert.diagnosis.length > 0)
    Object.assign(incident, incidentDiagnosis(cert.diagnosis));
  const owner = cert.tags[ownerTagKey];
  if (owner !== undefined && owner !== '') incident.owner = owner;
  return incident;
}

/**
 * The diagnosis an incident keeps: its problems up to what an alert shows (the rest counted), or, without problems,
 * the entries that say so. The incident is stored with its alert state and every queued notice, in one DynamoDB item
 * of at most 400 KB: a certificate with 100 names each failing must not push it over.
 */
export function incidentDiagnosis(
  entries: readonly DiagnosisEntry[],
): Pick<Incident, 'diagnosis' | 'diagnosisOmitted'> {
  const problems = diagnosisProblems(entries);
  const kept = (problems.length > 0 ? problems : entries)
    .slice(0, INCIDENT_DIAGNOSIS_CAP)
    .map((entry) => ({ ...entry }));
  const omitted = (problems.length > 0 ? problems.length : entries.length) - kept.length;
  return omitted > 0 ? { diagnosis: kept, diagnosisOmitted: omitted } : { diagnosis: kept };
}

function coverageGap(target: TargetResult): Incident {
  const incident: Incident = {
    key: coverageGapKey(target.accountId, target.region),
    kind: 'COVERAGE_GAP',
    accountId: target.accountId,
    region: target.region,
  };
  if (target.accountName !== undefined) incident.accountName = target.accountName;
  if (target.errorCode !== undefined) incident.errorCode = target.errorCode;
  if (target.errorMessage !== undefined) incident.reason = target.errorMessage;
  if (target.likelyCause !== undefined) incident.likelyCause = target.likelyCause;
  return incident;
}

/**
 * Every incident present now, sorted by key. Only targets whose scan failed outright (`error`) are coverage gaps:
 * a `partial` scan reached the account, and the digest reports what it missed. A failure of the monitor's own state
 * table is never a coverage gap: it is one monitor-health incident, once it persists (core/monitor-health.ts).
 */
export function detectIncidents(
  certificates: readonly AssessedCertificate[],
  coverage: readonly TargetResult[],
  opts: DetectOptions,
): Incident[] {
  const ownerTagKey = opts.ownerTagKey ?? DEFAULT_OWNER_TAG_KEY;
  const limits = {
    renewalWindowDays: opts.renewalWindowDays ?? RENEWAL_WINDOW_DAYS,
    expiringDays: opts.expiringDays ?? DEFAULT_EXPIRING_DAYS,
    importedExpiringDays: opts.importedExpiringDays ?? DEFAULT_IMPORTED_EXPIRING_DAYS,
  };
  const byKey = new Map<string, Incident>();
  for (const cert of certificates) {
    const days = daysLeft(cert, opts.now);
    const kind = certificateKind(cert, opts.now, days, limits);
    if (kind === undefined) continue;
    const incident = certificateIncident(cert, kind, days, ownerTagKey);
    byKey.set(incident.key, incident);
  }
  for (const target of coverage) {
    if (target.status !== 'error' || isStateTableFailure(target)) continue;
    const incident = coverageGap(target);
    byKey.set(incident.key, incident);
  }
  for (const entry of opts.ct ?? []) {
    if (!needsAttention(entry)) continue;
    const incident = ctIncident(entry);
    byKey.set(incident.key, incident);
  }
  const monitor = stateTableIncident(coverage, opts.previousRunFailures, opts.stateTable);
  if (monitor !== undefined) byKey.set(monitor.key, monitor);
  return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
