import type { CtReport } from '../ct/model';
import { assess, compareUrgency } from '../findings';
import type { AssessedCertificate, Certificate, DiagnosisEntry, FindingCode, TargetResult } from '../model';
import { countRegions, FINDING_CODES, targetKey } from '../model';
import { isStateTableFailure } from '../monitor-health';
import { DEFAULT_EXPIRY_DAYS } from '../names';
import { probeFindingRule } from '../probe/findings';
import { type EndpointResult, PROBE_FINDING_CODES, type ProbeFindingCode } from '../probe/model';
import type { Report, ReportCertificate, ReportEndpoint, ReportTarget } from './schema';

export interface BuildReportInput {
  runId: string;
  generatedAt: Date;
  targets: TargetResult[];
  certificates: Certificate[];
  /** @default DEFAULT_EXPIRY_DAYS */
  expiryDays?: number;
  /** This run's DNS diagnoses by certificate ARN (diagnosis/run.ts); a certificate without one shows none. */
  diagnoses?: ReadonlyMap<string, DiagnosisEntry[]>;
  /** This run's probed endpoints; absent when probing is off (the report then has no `endpoints`). */
  endpoints?: readonly EndpointResult[];
  /** The CT watch's domains and verdicts, when the run watched CT. */
  ct?: CtReport;
}

function isoOrUndefined(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** Only the fields of the report contract, without undefined keys (so JSON and a re-parse are identical). */
function toReportCertificate(cert: AssessedCertificate, notStored: boolean): ReportCertificate {
  const row: ReportCertificate = {
    accountId: cert.accountId,
    accountName: cert.accountName,
    region: cert.region,
    arn: cert.arn,
    domainName: cert.domainName,
    subjectAlternativeNames: [...cert.subjectAlternativeNames],
    type: cert.type,
    status: cert.status,
    keyAlgorithm: cert.keyAlgorithm,
    issuer: cert.issuer,
    createdAt: isoOrUndefined(cert.createdAt),
    notBefore: isoOrUndefined(cert.notBefore),
    notAfter: isoOrUndefined(cert.notAfter),
    daysToExpiry: cert.daysToExpiry,
    renewalEligibility: cert.renewalEligibility,
    renewalStatus: cert.renewalStatus,
    renewalStatusReason: cert.renewalStatusReason,
    validationMethod: cert.validationMethod,
    inUse: cert.inUse,
    inUseBy: [...cert.inUseBy].sort(),
    tags: Object.fromEntries(Object.entries(cert.tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    findings: [...cert.findings],
    notStored: notStored ? true : undefined,
    diagnosis: cert.diagnosis?.map((entry) => withoutUndefined({ ...entry })),
  };
  return withoutUndefined(row);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function toReportTarget(target: TargetResult): ReportTarget {
  return withoutUndefined({
    accountId: target.accountId,
    accountName: target.accountName,
    region: target.region,
    status: target.status,
    errorCode: target.errorCode,
    errorMessage: target.errorMessage,
    likelyCause: target.likelyCause,
    certificateCount: target.certificateCount,
  });
}

function compareTargets(a: ReportTarget, b: ReportTarget): number {
  if (a.accountId !== b.accountId) return a.accountId < b.accountId ? -1 : 1;
  return a.region < b.region ? -1 : a.region > b.region ? 1 : 0;
}

/**
 * Assesses every certificate at `generatedAt` and lays out the report: each certificate once (the last one
 * given wins when an ARN repeats), most urgent first; targets by account and region.
 */
export function buildReport(input: BuildReportInput): Report {
  const expiryDays = input.expiryDays ?? DEFAULT_EXPIRY_DAYS;
  const unique = new Map<string, Certificate>();
  for (const cert of input.certificates) unique.set(cert.arn, cert);
  const assessed = [...unique.values()]
    .map((cert) => {
      const assessed = assess(cert, { now: input.generatedAt, expiryDays });
      const diagnosis = input.diagnoses?.get(cert.arn);
      return diagnosis === undefined ? assessed : { ...assessed, diagnosis };
    })
    .sort(compareUrgency);

  const byFinding = Object.fromEntries(FINDING_CODES.map((code) => [code, 0])) as Record<FindingCode, number> &
    Partial<Record<ProbeFindingCode, number>>;
  for (const cert of assessed) for (const code of cert.findings) byFinding[code] += 1;

  const targets = input.targets.map(toReportTarget).sort(compareTargets);
  const notStored = new Set(input.targets.filter(isStateTableFailure).map(targetKey));
  const accounts = new Set([...targets, ...assessed].map((item) => item.accountId));

  const endpoints = input.endpoints?.map(toReportEndpoint).sort(compareEndpoints);
  if (endpoints !== undefined) {
    for (const code of PROBE_FINDING_CODES) byFinding[code] = 0;
    for (const endpoint of endpoints)
      for (const code of endpoint.findings) byFinding[code] = (byFinding[code] ?? 0) + 1;
  }

  return {
    schemaVersion: 1,
    generatedAt: input.generatedAt.toISOString(),
    runId: input.runId,
    targets,
    certificates: assessed.map((cert) => toReportCertificate(cert, notStored.has(targetKey(cert)))),
    summary: {
      certificates: assessed.length,
      accounts: accounts.size,
      regions: countRegions([...targets, ...assessed]),
      targetsFailed: targets.filter((target) => target.status !== 'ok').length,
      byFinding,
    },
    ...(endpoints !== undefined ? { endpoints } : {}),
    ...(input.ct === undefined
      ? {}
      : { ct: { domains: [...input.ct.domains], issuances: input.ct.issuances.map((i) => ({ ...i })) } }),
  };
}

function toReportEndpoint(endpoint: EndpointResult): ReportEndpoint {
  return withoutUndefined({
    host: endpoint.host,
    port: endpoint.port,
    sni: endpoint.sni,
    source: endpoint.source,
    resourceArn: endpoint.resourceArn,
    certificateArn: endpoint.certificateArn,
    accountId: endpoint.accountId,
    region: endpoint.region,
    status: endpoint.status,
    skippedReason: endpoint.skippedReason,
    served: endpoint.served ? { ...endpoint.served, sans: [...endpoint.served.sans] } : undefined,
    error: endpoint.error ? { ...endpoint.error } : undefined,
    findings: [...endpoint.findings],
    probedAt: endpoint.probedAt,
  });
}

const STATUS_ORDER: readonly ReportEndpoint['status'][] = ['finding', 'unreachable', 'ok', 'skipped'];
const SEVERITY_RANK = ['critical', 'high', 'medium', 'low', 'info'];

/** The rank of an endpoint's most serious finding (0 critical); findings-free endpoints last. */
function endpointRank(endpoint: ReportEndpoint): number {
  const ranks = endpoint.findings.map((code) => SEVERITY_RANK.indexOf(probeFindingRule(code).severity));
  return ranks.length === 0 ? SEVERITY_RANK.length : Math.min(...ranks);
}

/** Most serious first, then by status, host, port and name, so the order never depends on probing order. */
function compareEndpoints(a: ReportEndpoint, b: ReportEndpoint): number {
  const key = (e: ReportEndpoint) => `${e.host}\u0000${String(e.port).padStart(5, '0')}\u0000${e.sni}\u0000${e.source}`;
  return (
    endpointRank(a) - endpointRank(b) ||
    STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
    (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
  );
}
