/**
 * The simulated organization as data: accounts, their regions and audit roles, and every certificate with the
 * full detail ACM would give. JSON-serialisable (ISO-8601 strings for dates) and validated with Zod, so a
 * hand-written scenario file fails with the path of the bad field rather than a confusing answer later.
 */
import { z } from 'zod';
import {
  CERTIFICATE_STATUSES,
  CERTIFICATE_TYPES,
  KEY_ALGORITHMS,
  KEY_PAIR_ORIGINS,
  RENEWAL_STATUSES,
} from '../../lambdas/core/model';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../lambdas/core/names';
import { CLOUDFRONT_REGION, isOptInRegion } from './regions';

export const ACCOUNT_STATES = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED', 'PENDING_ACTIVATION'] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

/** Organizations' retired `Status` field; scenarios may carry only this to exercise the State → Status fallback. */
const LEGACY_ACCOUNT_STATUSES = ['ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'] as const;
export type LegacyAccountStatus = (typeof LEGACY_ACCOUNT_STATUSES)[number];

/** ACM `FailureReason` values (issuance and renewal failures). */
export const FAILURE_REASONS = [
  'NO_AVAILABLE_CONTACTS',
  'ADDITIONAL_VERIFICATION_REQUIRED',
  'DOMAIN_NOT_ALLOWED',
  'INVALID_PUBLIC_DOMAIN',
  'DOMAIN_VALIDATION_DENIED',
  'CAA_ERROR',
  'PCA_LIMIT_EXCEEDED',
  'PCA_INVALID_ARN',
  'PCA_INVALID_STATE',
  'PCA_REQUEST_FAILED',
  'PCA_NAME_CONSTRAINTS_VALIDATION',
  'PCA_RESOURCE_NOT_FOUND',
  'PCA_INVALID_ARGS',
  'PCA_INVALID_DURATION',
  'PCA_ACCESS_DENIED',
  'SLR_NOT_FOUND',
  'OTHER',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

const REVOCATION_REASONS = [
  'UNSPECIFIED',
  'KEY_COMPROMISE',
  'CA_COMPROMISE',
  'AFFILIATION_CHANGED',
  'SUPERSEDED',
  'CESSATION_OF_OPERATION',
  'CERTIFICATE_HOLD',
  'REMOVE_FROM_CRL',
  'PRIVILEGE_WITHDRAWN',
  'A_A_COMPROMISE',
] as const;

const ACCOUNT_ID = z.string().regex(/^\d{12}$/, 'must be a 12-digit account id');
/** Organizations' id patterns (ListParents' ChildId, ListTagsForResource's ResourceId). */
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
export const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
const PARENT_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;

/** An organizational unit: its parent is another OU or the root (absent: the root). */
const OrganizationalUnitSchema = z.object({
  id: z.string().regex(OU_ID_PATTERN, 'must be an OU id like ou-ab12-11111111'),
  name: z.string().min(1),
  parentId: z.string().regex(PARENT_ID, 'must be an OU id (ou-...) or the root id (r-...)').optional(),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).default({}),
});
export type ScenarioOrganizationalUnit = z.output<typeof OrganizationalUnitSchema>;
const ISO = z.iso.datetime({ offset: true });
const CERTIFICATE_ARN = /^arn:aws:acm:([a-z0-9-]+):(\d{12}):certificate\/[A-Za-z0-9-]+$/;

const ResourceRecordSchema = z.object({
  name: z.string().min(1),
  type: z.literal('CNAME').default('CNAME'),
  value: z.string().min(1),
});

const DomainValidationSchema = z.object({
  domainName: z.string().min(1),
  validationDomain: z.string().optional(),
  validationStatus: z.enum(['PENDING_VALIDATION', 'SUCCESS', 'FAILED']),
  validationMethod: z.enum(['DNS', 'EMAIL', 'HTTP']).default('DNS'),
  resourceRecord: ResourceRecordSchema.optional(),
  /** HTTP validation (CloudFront certificates): `redirectFrom` must redirect to `redirectTo`. */
  httpRedirect: z.object({ redirectFrom: z.string().min(1), redirectTo: z.string().min(1) }).optional(),
});
export type ScenarioDomainValidation = z.output<typeof DomainValidationSchema>;

const RenewalSchema = z.object({
  status: z.enum(RENEWAL_STATUSES),
  reason: z.enum(FAILURE_REASONS).optional(),
  updatedAt: ISO,
  domainValidationOptions: z.array(DomainValidationSchema).default([]),
});
export type ScenarioRenewal = z.output<typeof RenewalSchema>;

const CertificateSchema = z.object({
  /** `arn:aws:acm:<region>:<account>:certificate/<id>`; the region and account come from here. */
  arn: z.string().regex(CERTIFICATE_ARN, 'must be arn:aws:acm:<region>:<12-digit account>:certificate/<id>'),
  domainName: z.string().min(1),
  subjectAlternativeNames: z.array(z.string().min(1)).default([]),
  type: z.enum(CERTIFICATE_TYPES),
  /** The stored status. An ISSUED certificate whose notAfter has passed on the simulation clock reads EXPIRED. */
  status: z.enum(CERTIFICATE_STATUSES),
  keyAlgorithm: z.enum(KEY_ALGORITHMS),
  /** Defaults to AWS_MANAGED (AMAZON_ISSUED, PRIVATE) or CUSTOMER_PROVIDED (IMPORTED). */
  keyPairOrigin: z.enum(KEY_PAIR_ORIGINS).optional(),
  managedBy: z.literal('CLOUDFRONT').optional(),
  createdAt: ISO.optional(),
  issuedAt: ISO.optional(),
  importedAt: ISO.optional(),
  notBefore: ISO.optional(),
  notAfter: ISO.optional(),
  revokedAt: ISO.optional(),
  revocationReason: z.enum(REVOCATION_REASONS).optional(),
  renewalEligibility: z.enum(['ELIGIBLE', 'INELIGIBLE']),
  /** Managed renewal; AMAZON_ISSUED only (DescribeCertificate shows RenewalSummary for no other type). */
  renewal: RenewalSchema.optional(),
  /** The issuance validation (DescribeCertificate `DomainValidationOptions`); AMAZON_ISSUED only. */
  domainValidationOptions: z.array(DomainValidationSchema).optional(),
  inUseBy: z.array(z.string().min(1)).default([]),
  /** Absent: never tagged (the tagging API omits it). Present and empty: tagged once, all tags removed. */
  tags: z.record(z.string(), z.string()).optional(),
  failureReason: z.enum(FAILURE_REASONS).optional(),
  issuer: z.string().optional(),
  serial: z.string().optional(),
  exported: z.boolean().default(false),
  exportOption: z.enum(['ENABLED', 'DISABLED']).optional(),
  certificateAuthorityArn: z.string().optional(),
});
export type ScenarioCertificate = z.output<typeof CertificateSchema>;
export type ScenarioCertificateInput = z.input<typeof CertificateSchema>;

const RoleSchema = z.object({
  name: z.string().min(1).default(DEFAULT_AUDIT_ROLE_NAME),
  /** When set, AssumeRole must pass exactly this ExternalId. */
  externalId: z.string().min(2).optional(),
  /**
   * Principals allowed to assume the role: `arn:aws:iam::<account>:root` (any principal of that account),
   * an IAM user or role ARN. Default: any principal of the management (hub) account.
   */
  trustedPrincipalArns: z.array(z.string().min(1)).optional(),
  maxSessionDurationSeconds: z.number().int().min(3600).max(43_200).default(3600),
});
export type ScenarioRole = z.output<typeof RoleSchema>;

const EnabledRegionSchema = z
  .union([
    z.string().min(1),
    z.object({ name: z.string().min(1), optStatus: z.enum(['ENABLED', 'ENABLED_BY_DEFAULT']).optional() }),
  ])
  .transform((region) => {
    const name = typeof region === 'string' ? region : region.name;
    const optStatus =
      (typeof region === 'string' ? undefined : region.optStatus) ??
      (isOptInRegion(name) ? 'ENABLED' : 'ENABLED_BY_DEFAULT');
    return { name, optStatus };
  });
export type ScenarioRegion = z.output<typeof EnabledRegionSchema>;

const AccountSchema = z.object({
  id: ACCOUNT_ID,
  name: z.string().min(1),
  email: z.string().optional(),
  /** Organizations `State`. At least one of state and the legacy status is required. */
  state: z.enum(ACCOUNT_STATES).optional(),
  /** The retired Organizations `Status`; ListAccounts returns it only when the scenario sets it. */
  status: z.enum(LEGACY_ACCOUNT_STATUSES).optional(),
  joinedMethod: z.enum(['INVITED', 'CREATED']).default('CREATED'),
  joinedAt: ISO.optional(),
  /** Strings (opt-in status inferred) or `{ name, optStatus }`. */
  enabledRegions: z.array(EnabledRegionSchema).min(1),
  /** Opt-in regions this account has not enabled; ListRegions shows them as DISABLED. */
  disabledRegions: z.array(z.string().min(1)).default([]),
  roles: z.array(RoleSchema).default([{ name: DEFAULT_AUDIT_ROLE_NAME, maxSessionDurationSeconds: 3600 }]),
  /** GetResources answers AccessDeniedException for this account. */
  taggingApiDenied: z.boolean().default(false),
  /** The account's tags in Organizations (ListTagsForResource). */
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
  /** The OU (or the root) directly holding the account (ListParents); absent: the root. */
  parentId: z.string().regex(PARENT_ID, 'must be an OU id (ou-...) or the root id (r-...)').optional(),
  certificates: z.array(CertificateSchema).default([]),
  /** Route 53 hosted zones held in this account (ListHostedZones); ids without the `/hostedzone/` prefix. */
  hostedZones: z
    .array(
      z.object({
        id: z.string().regex(/^Z[A-Z0-9]{1,31}$/, 'must be a hosted zone id like Z0123456789ABCDEFGHIJ'),
        name: z.string().min(1),
        privateZone: z.boolean().default(false),
      }),
    )
    .default([]),
  /**
   * How the resources in this account's certificates' InUseBy are set up, by resource ARN (resources.ts derives the
   * rest): an internal load balancer, a listener port, a disabled distribution, an API Gateway endpoint type.
   */
  resourceSettings: z
    .record(
      z.string().min(1),
      z.object({
        scheme: z.enum(['internet-facing', 'internal']).optional(),
        port: z.number().int().min(1).max(65_535).optional(),
        enabled: z.boolean().optional(),
        endpointType: z.enum(['REGIONAL', 'EDGE', 'PRIVATE']).optional(),
      }),
    )
    .optional(),
});
export type ScenarioAccount = z.output<typeof AccountSchema>;
export type ScenarioAccountInput = z.input<typeof AccountSchema>;

export const ScenarioSchema = z
  .object({
    managementAccountId: ACCOUNT_ID,
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/)
      .optional(),
    /** The simulation clock's start (ISO-8601), when the caller does not pass a clock. */
    start: ISO.optional(),
    /** The organization's root id; absent: derived from the management account. */
    rootId: z.string().regex(ROOT_ID_PATTERN, 'must be a root id like r-ab12').optional(),
    organizationalUnits: z.array(OrganizationalUnitSchema).optional(),
    accounts: z.array(AccountSchema).min(1),
  })
  .superRefine((scenario, ctx) => {
    const accountIds = new Set<string>();
    const arns = new Set<string>();
    scenario.accounts.forEach((account, a) => {
      if (accountIds.has(account.id)) {
        ctx.addIssue({ code: 'custom', path: ['accounts', a, 'id'], message: `duplicate account id ${account.id}` });
      }
      accountIds.add(account.id);
      checkAccount(account, (path, message) =>
        ctx.addIssue({ code: 'custom', path: ['accounts', a, ...path], message }),
      );
      account.certificates.forEach((certificate, c) => {
        if (arns.has(certificate.arn)) {
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', a, 'certificates', c, 'arn'],
            message: `duplicate certificate ARN ${certificate.arn}`,
          });
        }
        arns.add(certificate.arn);
      });
    });
    checkOrganizationalUnits(scenario, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    if (!accountIds.has(scenario.managementAccountId)) {
      ctx.addIssue({
        code: 'custom',
        path: ['managementAccountId'],
        message: `the management account ${scenario.managementAccountId} must be one of the accounts (ListAccounts lists it)`,
      });
    }
  });
export type Scenario = z.output<typeof ScenarioSchema>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;

type Report = (path: Array<string | number>, message: string) => void;

/** Every parent exists, and walking up from any OU reaches the root (no cycle): ListParents must end. */
function checkOrganizationalUnits(
  scenario: {
    rootId?: string | undefined;
    organizationalUnits?: ScenarioOrganizationalUnit[] | undefined;
    accounts: ScenarioAccount[];
  },
  report: Report,
): void {
  const units = scenario.organizationalUnits ?? [];
  const parents = new Map(units.map((ou) => [ou.id, ou.parentId]));
  const known = (id: string) =>
    parents.has(id) || id === scenario.rootId || (scenario.rootId === undefined && id.startsWith('r-'));
  units.forEach((ou, o) => {
    if (ou.parentId !== undefined && !known(ou.parentId))
      report(['organizationalUnits', o, 'parentId'], `no OU or root ${ou.parentId}`);
    const seen = new Set<string>();
    for (let id: string | undefined = ou.id; id !== undefined && parents.has(id); id = parents.get(id)) {
      if (seen.has(id)) {
        report(['organizationalUnits', o, 'parentId'], `OU ${ou.id} is its own ancestor`);
        break;
      }
      seen.add(id);
    }
  });
  scenario.accounts.forEach((account, a) => {
    if (account.parentId !== undefined && !known(account.parentId))
      report(['accounts', a, 'parentId'], `no OU or root ${account.parentId}`);
  });
}

function checkAccount(account: ScenarioAccount, report: Report): void {
  if (!account.state && !account.status) report(['state'], 'an account needs a state (or the legacy status)');
  const regions = new Set(account.enabledRegions.map((region) => region.name));
  account.disabledRegions.forEach((region, r) => {
    if (regions.has(region)) report(['disabledRegions', r], `${region} is also listed as enabled`);
  });
  account.certificates.forEach((certificate, c) => {
    checkCertificate(certificate, account.id, regions, (path, message) =>
      report(['certificates', c, ...path], message),
    );
  });
}

function checkCertificate(
  certificate: ScenarioCertificate,
  accountId: string,
  enabledRegions: Set<string>,
  report: Report,
): void {
  const { region, accountId: arnAccount } = parseCertificateArn(certificate.arn);
  if (arnAccount !== accountId) report(['arn'], `the ARN names account ${arnAccount}, not ${accountId}`);
  if (!enabledRegions.has(region)) report(['arn'], `region ${region} is not enabled for account ${accountId}`);
  if (certificate.renewal && certificate.type !== 'AMAZON_ISSUED') {
    report(['renewal'], 'only AMAZON_ISSUED certificates have a renewal summary');
  }
  if (['ISSUED', 'EXPIRED'].includes(certificate.status)) {
    if (!certificate.notBefore) report(['notBefore'], `a ${certificate.status} certificate needs notBefore`);
    if (!certificate.notAfter) report(['notAfter'], `a ${certificate.status} certificate needs notAfter`);
  }
  if (certificate.notBefore && certificate.notAfter && certificate.notAfter <= certificate.notBefore) {
    report(['notAfter'], 'notAfter must be after notBefore');
  }
  if (certificate.type === 'IMPORTED' && !certificate.importedAt) report(['importedAt'], 'IMPORTED needs importedAt');
  certificate.inUseBy.forEach((resource, r) => {
    if (resource.startsWith('arn:aws:cloudfront:') && region !== CLOUDFRONT_REGION) {
      report(['inUseBy', r], `CloudFront only uses certificates in ${CLOUDFRONT_REGION}, this one is in ${region}`);
    }
  });
}

/** Region and account of a certificate ARN (assumes the ARN was validated). */
export function parseCertificateArn(arn: string): { region: string; accountId: string } {
  const match = CERTIFICATE_ARN.exec(arn);
  return { region: match?.[1] ?? '', accountId: match?.[2] ?? '' };
}

export function isCertificateArn(arn: string): boolean {
  return CERTIFICATE_ARN.test(arn);
}

/** A scenario (or one of its parts) that does not validate; the message names the path of each bad field. */
export class ScenarioError extends Error {
  readonly issues: Array<{ path: string; message: string }>;

  constructor(issues: Array<{ path: string; message: string }>, source?: string) {
    const lines = issues.slice(0, 10).map((issue) => `${issue.path}: ${issue.message}`);
    if (issues.length > 10) lines.push(`... and ${issues.length - 10} more`);
    super(`invalid scenario${source ? ` (${source})` : ''}: ${lines.join('; ')}`);
    this.name = 'ScenarioError';
    this.issues = issues;
  }

  /** The path of the first bad field, e.g. `accounts[2].certificates[0].keyAlgorithm`. */
  get path(): string {
    return this.issues[0]?.path ?? '';
  }
}

function formatPath(path: ReadonlyArray<PropertyKey>, root: string): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}

function toScenarioError(error: z.ZodError, root: string, source?: string): ScenarioError {
  return new ScenarioError(
    error.issues.map((issue) => ({ path: formatPath(issue.path, root), message: issue.message })),
    source,
  );
}

/** Validates a scenario (parsed JSON); throws ScenarioError naming the path of every bad field. */
export function parseScenario(json: unknown, source?: string): Scenario {
  const result = ScenarioSchema.safeParse(json);
  if (!result.success) throw toScenarioError(result.error, '', source);
  return result.data;
}

export function parseAccount(json: unknown): ScenarioAccount {
  const result = AccountSchema.safeParse(json);
  if (!result.success) throw toScenarioError(result.error, 'account');
  const issues: Array<{ path: string; message: string }> = [];
  checkAccount(result.data, (path, message) => issues.push({ path: formatPath(path, 'account'), message }));
  if (issues.length > 0) throw new ScenarioError(issues);
  return result.data;
}

export function parseCertificate(json: unknown): ScenarioCertificate {
  const result = CertificateSchema.safeParse(json);
  if (!result.success) throw toScenarioError(result.error, 'certificate');
  return result.data;
}

/** ACM's default key-pair origin of a certificate when the scenario does not name one. */
export function keyPairOriginOf(certificate: ScenarioCertificate): (typeof KEY_PAIR_ORIGINS)[number] {
  return certificate.keyPairOrigin ?? (certificate.type === 'IMPORTED' ? 'CUSTOMER_PROVIDED' : 'AWS_MANAGED');
}
