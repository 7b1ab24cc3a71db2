/**
 * What the alerting engine decides to tell people, as plain data. The Slack renderers turn these into
 * Block Kit; the engine never formats text for a channel.
 */
import type { EventPathVerdict } from './events/health';
import type {
  AssessedCertificate,
  CertificateType,
  Change,
  DiagnosisEntry,
  HttpRedirect,
  TargetResult,
  ValidationMethod,
  ValidationRecord,
} from './model';
import type { Route } from './routing/resolve';

export const INCIDENT_KINDS = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'EXPIRING_IN_USE',
  'EXPIRED_IN_USE',
  'COVERAGE_GAP',
  /** The monitor's own state table keeps failing (core/monitor-health.ts): the monitor's trouble, not an account's. */
  'MONITOR_STATE_TABLE',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** Something on-call must act on. `key` is deterministic: the same problem on the next run has the same key. */
export interface Incident {
  key: string;
  kind: IncidentKind;
  accountId: string;
  accountName?: string;
  region: string;
  arn?: string;
  domainName?: string;
  type?: CertificateType;
  notAfter?: string;
  daysToExpiry?: number;
  /** Renewal failure reason, or the coverage gap's error message. */
  reason?: string;
  errorCode?: string;
  /** A coverage gap's likely cause, as its target result carries it. */
  likelyCause?: string;
  /** How the certificate validates: decides the advice of validation and renewal alerts. */
  validationMethod?: ValidationMethod;
  /** PENDING_VALIDATION: the DNS records to create. */
  validationRecords?: ValidationRecord[];
  /** PENDING_VALIDATION by HTTP: the redirects to serve. */
  httpRedirects?: HttpRedirect[];
  inUseBy?: string[];
  /** Value of the owner tag, when the certificate has one. */
  owner?: string;
  /**
   * The certificate's DNS diagnosis as of this run: every run re-checks it, so a reminder tells whether the record
   * on-call was asked to create is there now, before ACM retries.
   */
  diagnosis?: DiagnosisEntry[];
  /** Problems of the diagnosis left out of `diagnosis` (it keeps the first ones only). */
  diagnosisOmitted?: number;
  /**
   * Where its messages go when owner routing is on, each destination once (core/routing): kept with the incident so
   * its "resolved" message reaches the same teams as its "opened" one, even once the certificate is gone.
   */
  routes?: Route[];
}

export type NoticeStage = 'opened' | 'reminder' | 'resolved';

/** One message to on-call about one incident. `id` is deterministic so a retried send is recognised. */
export interface AlertNotice {
  id: string;
  stage: NoticeStage;
  incident: Incident;
  /** Reminder: the days-to-expiry threshold that triggered it. */
  threshold?: number;
  openedAt: string;
  /** With owner routing: the destination this copy of the notice is for (one copy per destination). */
  destination?: string;
  /** With owner routing: why it goes there ("routed by tag team=web", "no owner"). */
  route?: Route;
}

export type HeartbeatStage = 'stale' | 'reminder' | 'recovered';

/** The dead-man heartbeat's message: the monitor has not completed a run in time (or has again). */
export interface HeartbeatNotice {
  stage: HeartbeatStage;
  now: string;
  lastCompletedAt?: string;
  periodHours: number;
  graceHours: number;
}

/** Everything the daily digest shows. */
export interface DigestInput {
  runId: string;
  generatedAt: string;
  expiryDays: number;
  targets: TargetResult[];
  certificates: AssessedCertificate[];
  changes: Change[];
  /** Where the full report lives (S3 console link or a file path), shown when the digest truncates. */
  reportLocation?: string;
  /**
   * The monitor's first completed run: every certificate is new to it, so the changes are summed up as the
   * baseline instead of being listed as new.
   */
  firstRun?: boolean;
  /** The real-time event path, when it is on: how many of `changes` its rescans found, and whether it looks alive. */
  eventPath?: { changesFromEvents: number; verdict: EventPathVerdict };
}
