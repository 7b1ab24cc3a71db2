/**
 * The audit report, schema version 1: what `npm run audit -- --format json` writes and what `compare` reads back.
 * It is a contract with people's scripts: add optional fields only; anything else needs schemaVersion 2.
 *
 * The FinalizeRun Lambda reaches this module through the report barrel only for its types. Each schema is therefore
 * built on first use (`z.lazy`) and its creation marked pure, so nothing here runs at import and a bundle that
 * parses no report drops this module and all of zod (about 450 KB) with it.
 */
import { z } from 'zod';
import { CT_STATUSES } from '../ct/model';
import { DIAGNOSIS_CODES } from '../diagnosis/model';
import {
  CERTIFICATE_STATUSES,
  CERTIFICATE_TYPES,
  FINDING_CODES,
  normalizeKeyAlgorithm,
  RENEWAL_STATUSES,
  VALIDATION_METHODS,
} from '../model';
import { ENDPOINT_SOURCES, ENDPOINT_STATUSES, PROBE_FINDING_CODES, UNREACHABLE_KINDS } from '../probe/model';

const isoDate = () => z.iso.datetime({ offset: true });

/** Owner routing (issue F): a tag value (or an account) that named no destination; optional in schema 1. */
export const ReportRoutingProblemSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({ value: z.string(), rule: z.string().min(1), reason: z.string().min(1) }),
);

export const ReportTargetSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    accountId: z.string().min(1),
    accountName: z.string().optional(),
    region: z.string().min(1),
    status: z.enum(['ok', 'error', 'partial']),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
    /** Added within schemaVersion 1: absent from reports written before it. */
    likelyCause: z.string().optional(),
    certificateCount: z.number().int().nonnegative(),
    /** Owner routing: the problems found routing this target's certificates and its account. */
    routingProblems: z.array(ReportRoutingProblemSchema).optional(),
  }),
);

export const ReportCertificateSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    accountId: z.string().min(1),
    accountName: z.string().optional(),
    region: z.string().min(1),
    arn: z.string().min(1),
    domainName: z.string(),
    subjectAlternativeNames: z.array(z.string()),
    type: z.enum(CERTIFICATE_TYPES),
    status: z.enum(CERTIFICATE_STATUSES),
    // A report written before key algorithms were normalized may hold ACM's hyphenated spelling: read it as one.
    keyAlgorithm: z.string().transform(normalizeKeyAlgorithm),
    issuer: z.string().optional(),
    createdAt: isoDate().optional(),
    notBefore: isoDate().optional(),
    notAfter: isoDate().optional(),
    daysToExpiry: z.number().int().optional(),
    renewalEligibility: z.enum(['ELIGIBLE', 'INELIGIBLE']).optional(),
    renewalStatus: z.enum(RENEWAL_STATUSES).optional(),
    renewalStatusReason: z.string().optional(),
    validationMethod: z.enum(VALIDATION_METHODS).optional(),
    inUse: z.boolean(),
    inUseBy: z.array(z.string()),
    tags: z.record(z.string(), z.string()),
    findings: z.array(z.enum(FINDING_CODES)),
    /**
     * This run read the certificate but the monitor's state table could not store the scan of its target (the
     * target's errorCode is MonitorStateTableFailed): it is reported, not yet recorded for the next comparison.
     */
    notStored: z.literal(true).optional(),
    diagnosis: z.array(ReportDiagnosisSchema).optional(),
    /**
     * Owner routing: the destination whose alerts and digest carry this certificate, and the rule that chose it
     * (`certificateTag:<key>`, `accountTag:<key>`, `ou:<ou id>` or `default`).
     */
    route: z.object({ destination: z.string().min(1), rule: z.string().min(1) }).optional(),
  }),
);

/** One conclusion of the DNS diagnosis (lambdas/core/diagnosis): fields added to schema 1, so all optional. */
const ReportDiagnosisSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    domain: z.string(),
    code: z.enum(DIAGNOSIS_CODES),
    ok: z.boolean(),
    detail: z.string(),
    record: z.object({ name: z.string(), type: z.string(), value: z.string() }).optional(),
    zone: z.object({ accountId: z.string(), hostedZoneId: z.string(), name: z.string() }).optional(),
    fix: z.string(),
  }),
);

const count = () => z.number().int().nonnegative();

/**
 * One endpoint the probe looked at (lambdas/core/probe): fields added to schema 1, present when the run probed.
 * Serials and fingerprints are upper-case hex, colon-separated.
 */
export const ReportEndpointSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    sni: z.string(),
    source: z.enum(ENDPOINT_SOURCES),
    resourceArn: z.string().optional(),
    certificateArn: z.string().optional(),
    accountId: z.string().optional(),
    region: z.string().optional(),
    status: z.enum(ENDPOINT_STATUSES),
    skippedReason: z.string().optional(),
    served: z
      .object({
        serial: z.string(),
        fingerprintSha256: z.string(),
        subject: z.string(),
        sans: z.array(z.string()),
        issuer: z.string(),
        notAfter: isoDate(),
        chainComplete: z.boolean(),
        hostnameMatches: z.boolean(),
        protocol: z.string(),
      })
      .optional(),
    error: z.object({ reason: z.enum(UNREACHABLE_KINDS), message: z.string() }).optional(),
    findings: z.array(z.enum(PROBE_FINDING_CODES)),
    probedAt: isoDate().optional(),
  }),
);

/** Every certificate finding (always present), and the probe's (present when the run probed endpoints). */
function byFindingSchema() {
  const certificate = Object.fromEntries(FINDING_CODES.map((code) => [code, count()])) as {
    [K in (typeof FINDING_CODES)[number]]: ReturnType<typeof count>;
  };
  const probe = Object.fromEntries(PROBE_FINDING_CODES.map((code) => [code, count().optional()])) as {
    [K in (typeof PROBE_FINDING_CODES)[number]]: z.ZodOptional<ReturnType<typeof count>>;
  };
  return z.object({ ...certificate, ...probe });
}

/** The CT watch's part (issue G's contract), present when the run watched CT: added to schema 1, so optional. */
const ReportCtSchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    domains: z.array(z.string()),
    issuances: z.array(
      z.object({
        id: z.string(),
        dnsNames: z.array(z.string()),
        issuer: z.string(),
        notBefore: isoDate(),
        notAfter: isoDate(),
        serial: z.string(),
        certSha256: z.string(),
        matchedDomain: z.string(),
        status: z.enum(CT_STATUSES),
        matchedArn: z.string().optional(),
        allowedBy: z.string().optional(),
      }),
    ),
  }),
);

const ReportSummarySchema = /* @__PURE__ */ z.lazy(() =>
  z.object({
    certificates: count(),
    accounts: count(),
    regions: count(),
    /** Targets whose scan did not complete (status error or partial). */
    targetsFailed: count(),
    /**
     * Certificates carrying each finding; every certificate code is present. With probing on, also the endpoints
     * carrying each probe finding (SERVED_MISMATCH, ...), every probe code present.
     */
    byFinding: byFindingSchema(),
  }),
);

export const ReportSchema = /* @__PURE__ */ z.lazy(() =>
  z
    .object({
      schemaVersion: z.literal(1),
      generatedAt: isoDate(),
      runId: z.string().min(1),
      targets: z.array(ReportTargetSchema),
      certificates: z.array(ReportCertificateSchema),
      summary: ReportSummarySchema,
      /** Present when the run probed endpoints: every endpoint, most serious first. */
      endpoints: z.array(ReportEndpointSchema).optional(),
      /** Owner routing: every problem of the run, each once. */
      routingProblems: z.array(ReportRoutingProblemSchema).optional(),
      ct: ReportCtSchema.optional(),
    })
    .superRefine((report, ctx) => {
      const seen = new Map<string, number>();
      report.certificates.forEach((cert, index) => {
        const first = seen.get(cert.arn);
        if (first !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['certificates', index, 'arn'],
            message: `certificate ${cert.arn} appears twice (first at certificates[${first}])`,
          });
        } else {
          seen.set(cert.arn, index);
        }
      });
    }),
);

export type Report = z.infer<typeof ReportSchema>;
export type ReportRoutingProblem = z.infer<typeof ReportRoutingProblemSchema>;
export type ReportTarget = z.infer<typeof ReportTargetSchema>;
export type ReportCertificate = z.infer<typeof ReportCertificateSchema>;
export type ReportSummary = z.infer<typeof ReportSummarySchema>;
export type ReportEndpoint = z.infer<typeof ReportEndpointSchema>;
export type ReportCt = z.infer<typeof ReportCtSchema>;

export class ReportFormatError extends Error {
  override readonly name = 'ReportFormatError';
  constructor(
    message: string,
    /** Where the problems are, e.g. `certificates[3].notAfter`. */
    readonly paths: string[],
  ) {
    super(message);
  }
}

const HINT = 'Is this a report written by `npm run audit -- --format json`?';

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/**
 * Reads a report from JSON text or an already parsed value. Throws ReportFormatError naming the first bad
 * paths and asking whether the file is a report at all.
 */
export function parseReport(json: unknown): Report {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new ReportFormatError(`Not valid JSON (${(error as Error).message}). ${HINT}`, []);
    }
  }
  if (typeof value === 'object' && value !== null && 'schemaVersion' in value && value.schemaVersion !== 1) {
    throw new ReportFormatError(
      `Unsupported report schemaVersion ${JSON.stringify(value.schemaVersion)} (this version reads 1). ${HINT}`,
      ['schemaVersion'],
    );
  }
  const result = ReportSchema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const paths = issues.map((issue) => formatPath(issue.path));
  const shown = issues
    .slice(0, 5)
    .map((issue, index) => `${paths[index]}: ${issue.message}`)
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw new ReportFormatError(`Not a valid report: ${shown}${more}. ${HINT}`, paths);
}
