/**
 * ACM (awsJson 1.1): ListCertificates with ACM's default filters, DescribeCertificate, ListTagsForCertificate.
 *
 * ListCertificates reads a window of MaxItems certificates per page and drops what the filters exclude, so
 * pages can be short or empty while a NextToken remains, as with ACM: callers must follow NextToken.
 */
import { KEY_ALGORITHMS } from '../../../lambdas/core/model';
import type { CertRecord } from '../org';
import {
  isCertificateArn,
  keyPairOriginOf,
  type ScenarioCertificate,
  type ScenarioDomainValidation,
} from '../scenario';
import { AwsError, decodeToken, encodeToken } from '../wire';
import { type HandlerContext, type Input, intInput, type ServiceDefinition, stringList } from './context';

/** What ListCertificates returns when the request does not say (see DESIGN.md, "AWS facts"). */
export const ACM_DEFAULT_KEY_TYPES = ['RSA_1024', 'RSA_2048'];
export const ACM_DEFAULT_KEY_PAIR_ORIGINS = ['AWS_MANAGED', 'CUSTOMER_PROVIDED'];
const DEFAULT_MAX_ITEMS = 1000;

function validation(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

/** The caller's own certificate in the caller's region, else ResourceNotFoundException (InvalidArnException if malformed). */
function findCertificate(input: Input, ctx: HandlerContext): CertRecord {
  const arn = input.CertificateArn;
  if (typeof arn !== 'string' || arn.length === 0) {
    throw validation(
      "1 validation error detected: Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!isCertificateArn(arn)) throw new AwsError('InvalidArnException', `String '${arn}' is not a valid ARN`, 400);
  const record = ctx.org.certificate(arn);
  if (!record || record.accountId !== ctx.caller.accountId || record.region !== ctx.region) {
    throw new AwsError('ResourceNotFoundException', `Could not find certificate ${arn}.`, 400);
  }
  return record;
}

function date(iso: string | undefined): Date | undefined {
  return iso ? new Date(iso) : undefined;
}

function hasKey(status: string): boolean {
  return status === 'ISSUED' || status === 'EXPIRED' || status === 'REVOKED' || status === 'INACTIVE';
}

function keyUsages(certificate: ScenarioCertificate): string[] {
  return certificate.keyAlgorithm.startsWith('RSA') ? ['DIGITAL_SIGNATURE', 'KEY_ENCIPHERMENT'] : ['DIGITAL_SIGNATURE'];
}

const EXTENDED_KEY_USAGES = [
  { Name: 'TLS_WEB_SERVER_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.1' },
  { Name: 'TLS_WEB_CLIENT_AUTHENTICATION', OID: '1.3.6.1.5.5.7.3.2' },
];

function summary(certificate: ScenarioCertificate, ctx: HandlerContext) {
  const status = ctx.org.statusOf(certificate);
  const keyed = hasKey(status);
  const names =
    certificate.subjectAlternativeNames.length > 0 ? certificate.subjectAlternativeNames : [certificate.domainName];
  return {
    CertificateArn: certificate.arn,
    DomainName: certificate.domainName,
    SubjectAlternativeNameSummaries: names.slice(0, 100),
    HasAdditionalSubjectAlternativeNames: names.length > 100,
    Status: status,
    Type: certificate.type,
    KeyAlgorithm: wireKeyAlgorithm(certificate.keyAlgorithm),
    KeyUsages: keyed ? keyUsages(certificate) : undefined,
    ExtendedKeyUsages: keyed ? EXTENDED_KEY_USAGES.map((usage) => usage.Name) : undefined,
    ExportOption: certificate.exportOption,
    InUse: certificate.inUseBy.length > 0,
    Exported: certificate.exported,
    RenewalEligibility: certificate.renewalEligibility,
    NotBefore: date(certificate.notBefore),
    NotAfter: date(certificate.notAfter),
    CreatedAt: date(certificate.createdAt),
    IssuedAt: date(certificate.issuedAt),
    ImportedAt: date(certificate.importedAt),
    RevokedAt: date(certificate.revokedAt),
    ManagedBy: certificate.managedBy,
    CertificateKeyPairOrigin: keyPairOriginOf(certificate),
  };
}

/**
 * ACM's answers spell key algorithms with a hyphen (`RSA-2048`, `EC-prime256v1`) where its API model and the
 * `Includes.keyTypes` filter use an underscore; scenarios keep the filter's spelling.
 */
function wireKeyAlgorithm(keyAlgorithm: string): string {
  return keyAlgorithm.replace(/^(RSA|EC)_/, '$1-');
}

/** The filter takes only the underscore spelling; anything else is refused as ACM refuses an unknown enum value. */
function keyTypesFilter(includes: Record<string, unknown>): string[] {
  const keyTypes = stringList(includes, 'keyTypes') ?? ACM_DEFAULT_KEY_TYPES;
  const unknown = keyTypes.filter((keyType) => !(KEY_ALGORITHMS as readonly string[]).includes(keyType));
  if (unknown.length > 0) {
    throw validation(
      `1 validation error detected: Value '[${keyTypes.join(', ')}]' at 'includes.keyTypes' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [${KEY_ALGORITHMS.join(', ')}]]`,
    );
  }
  return keyTypes;
}

function listCertificates(input: Input, ctx: HandlerContext) {
  const maxItems = intInput(input, 'MaxItems', { min: 1, max: 1000 }, validation) ?? DEFAULT_MAX_ITEMS;
  const statuses = stringList(input, 'CertificateStatuses');
  const origins = stringList(input, 'CertificateKeyPairOrigins') ?? ACM_DEFAULT_KEY_PAIR_ORIGINS;
  const includes = (input.Includes ?? {}) as Record<string, unknown>;
  if (typeof includes !== 'object') throw validation('Includes must be a structure');
  const keyTypes = keyTypesFilter(includes);
  const managedBy = includes.managedBy;
  const exportOption = includes.exportOption;
  let after = -1;
  if (input.NextToken !== undefined && input.NextToken !== null) {
    const state = decodeToken<{ s: number }>(input.NextToken, (s) => Number.isInteger(s.s));
    if (!state) throw new AwsError('InvalidArgsException', 'The NextToken is not valid.', 400);
    after = state.s;
  }
  const all = ctx.org.certificatesIn(ctx.caller.accountId, ctx.region);
  const start = firstAfter(all, after);
  const window = all.slice(start, start + maxItems);
  const shown = window
    .map((record) => record.certificate)
    .filter((certificate) => {
      if (!keyTypes.includes(certificate.keyAlgorithm)) return false;
      if (!origins.includes(keyPairOriginOf(certificate))) return false;
      if (statuses && !statuses.includes(ctx.org.statusOf(certificate))) return false;
      if (managedBy !== undefined && certificate.managedBy !== managedBy) return false;
      if (exportOption !== undefined && (certificate.exportOption ?? 'DISABLED') !== exportOption) return false;
      return true;
    });
  const last = window[window.length - 1];
  const more = start + window.length < all.length;
  return {
    CertificateSummaryList: shown.map((certificate) => summary(certificate, ctx)),
    NextToken: more && last ? encodeToken({ s: last.seq }) : undefined,
  };
}

/** Index of the first record created after `seq` (records are in creation order). */
function firstAfter(records: readonly CertRecord[], seq: number): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((records[mid] as CertRecord).seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

function validationOptions(options: ScenarioDomainValidation[] | undefined) {
  return options?.map((option) => ({
    DomainName: option.domainName,
    ValidationDomain: option.validationDomain,
    ValidationStatus: option.validationStatus,
    ValidationMethod: option.validationMethod,
    ResourceRecord: option.resourceRecord
      ? { Name: option.resourceRecord.name, Type: option.resourceRecord.type, Value: option.resourceRecord.value }
      : undefined,
    HttpRedirect: option.httpRedirect
      ? { RedirectFrom: option.httpRedirect.redirectFrom, RedirectTo: option.httpRedirect.redirectTo }
      : undefined,
  }));
}

function signatureAlgorithm(keyAlgorithm: string): string {
  if (keyAlgorithm.startsWith('RSA')) return 'SHA256WITHRSA';
  return keyAlgorithm === 'EC_prime256v1' ? 'SHA256WITHECDSA' : 'SHA384WITHECDSA';
}

function describeCertificate(input: Input, ctx: HandlerContext) {
  const { certificate } = findCertificate(input, ctx);
  const status = ctx.org.statusOf(certificate);
  const keyed = hasKey(status);
  const amazon = certificate.type === 'AMAZON_ISSUED';
  const renewal = amazon ? certificate.renewal : undefined;
  return {
    Certificate: {
      CertificateArn: certificate.arn,
      DomainName: certificate.domainName,
      SubjectAlternativeNames:
        certificate.subjectAlternativeNames.length > 0 ? certificate.subjectAlternativeNames : [certificate.domainName],
      ManagedBy: certificate.managedBy,
      DomainValidationOptions: amazon ? validationOptions(certificate.domainValidationOptions) : undefined,
      Serial: keyed ? certificate.serial : undefined,
      Subject: `CN=${certificate.domainName}`,
      Issuer: keyed ? certificate.issuer : undefined,
      CreatedAt: date(certificate.createdAt),
      IssuedAt: date(certificate.issuedAt),
      ImportedAt: date(certificate.importedAt),
      Status: status,
      RevokedAt: date(certificate.revokedAt),
      RevocationReason: certificate.revocationReason,
      NotBefore: date(certificate.notBefore),
      NotAfter: date(certificate.notAfter),
      KeyAlgorithm: wireKeyAlgorithm(certificate.keyAlgorithm),
      SignatureAlgorithm: keyed ? signatureAlgorithm(certificate.keyAlgorithm) : undefined,
      InUseBy: [...certificate.inUseBy],
      FailureReason: certificate.failureReason,
      Type: certificate.type,
      RenewalSummary: renewal
        ? {
            RenewalStatus: renewal.status,
            DomainValidationOptions: validationOptions(renewal.domainValidationOptions),
            RenewalStatusReason: renewal.reason,
            UpdatedAt: new Date(renewal.updatedAt),
          }
        : undefined,
      KeyUsages: keyed ? keyUsages(certificate).map((Name) => ({ Name })) : undefined,
      ExtendedKeyUsages: keyed ? EXTENDED_KEY_USAGES : undefined,
      CertificateAuthorityArn: certificate.certificateAuthorityArn,
      RenewalEligibility: certificate.renewalEligibility,
      Options: {
        CertificateTransparencyLoggingPreference: 'ENABLED',
        Export: certificate.exportOption ?? 'DISABLED',
      },
      CertificateKeyPairOrigin: keyPairOriginOf(certificate),
    },
  };
}

function listTagsForCertificate(input: Input, ctx: HandlerContext) {
  const { certificate } = findCertificate(input, ctx);
  return { Tags: Object.entries(certificate.tags ?? {}).map(([Key, Value]) => ({ Key, Value })) };
}

export const acm: ServiceDefinition = {
  scope: 'acm',
  name: 'ACM',
  iamPrefix: 'acm',
  protocol: 'awsJson1_1',
  targetPrefix: 'CertificateManager',
  regional: true,
  throttle: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  operations: {
    ListCertificates: listCertificates,
    DescribeCertificate: describeCertificate,
    ListTagsForCertificate: listTagsForCertificate,
  },
};
