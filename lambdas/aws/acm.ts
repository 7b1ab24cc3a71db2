/**
 * ACM: every certificate of one account-region as summaries, the detail of one certificate, its tags.
 * ListCertificates returns only RSA_1024/RSA_2048 keys and AWS_MANAGED/CUSTOMER_PROVIDED origins unless the request
 * names every key type and origin, so it always does.
 */

import {
  type ACMClient,
  type CertificateDetail,
  type CertificateSummary,
  DescribeCertificateCommand,
  type DomainValidation,
  ListCertificatesCommand,
  type ListCertificatesCommandInput,
  type ListCertificatesCommandOutput,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { adapterCause } from '../core/failures';
import {
  type Certificate,
  type CertificateStatus,
  type CertificateType,
  type HttpRedirect,
  KEY_ALGORITHMS,
  KEY_PAIR_ORIGINS,
  normalizeKeyAlgorithm,
  type RenewalStatus,
  type Target,
  VALIDATION_METHODS,
  type ValidationMethod,
  type ValidationRecord,
} from '../core/model';
import { normalizeSerial } from '../core/probe/serial';
import { AwsAdapterError, awsErrorCode, awsErrorMessage } from './errors';

/** What the audit role must allow for this adapter. */
export const ACM_ACTIONS = ['acm:ListCertificates', 'acm:DescribeCertificate', 'acm:ListTagsForCertificate'] as const;

/** The most ListCertificates returns a page. */
const LIST_PAGE_SIZE = 1000;

export class AcmError extends AwsAdapterError {
  readonly arn?: string;

  constructor(target: Target, operation: string, error: unknown, arn?: string) {
    const code = awsErrorCode(error);
    super(
      `${operation} failed in ${target.accountId}/${target.region}${arn ? ` for ${arn}` : ''} (${code}: ${awsErrorMessage(error)})`,
      {
        accountId: target.accountId,
        region: target.region,
        code,
        operation,
        likelyCause: adapterCause(code, `acm:${operation.split('.')[1]}`, awsErrorMessage(error)),
        cause: error,
      },
    );
    if (arn !== undefined) this.arn = arn;
  }
}

/** The request of one ListCertificates page: every key type, every key-pair origin, the largest page. */
function listCertificatesInput(nextToken?: string): ListCertificatesCommandInput {
  return {
    Includes: { keyTypes: [...KEY_ALGORITHMS] },
    CertificateKeyPairOrigins: [...KEY_PAIR_ORIGINS],
    MaxItems: LIST_PAGE_SIZE,
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

/**
 * Every certificate of the target as summary-only Certificates (no describe detail, no tags), all pages,
 * each ARN once even if a page boundary moved while paging.
 */
export async function listCertificates(client: ACMClient, target: Target): Promise<Certificate[]> {
  const byArn = new Map<string, Certificate>();
  let nextToken: string | undefined;
  do {
    let page: ListCertificatesCommandOutput;
    try {
      page = await client.send(new ListCertificatesCommand(listCertificatesInput(nextToken)));
    } catch (error) {
      throw new AcmError(target, 'ACM.ListCertificates', error);
    }
    for (const summary of page.CertificateSummaryList ?? []) {
      const certificate = fromSummary(target, summary);
      if (certificate) byArn.set(certificate.arn, certificate);
    }
    nextToken = page.NextToken || undefined;
  } while (nextToken);
  return [...byArn.values()];
}

function fromSummary(target: Target, summary: CertificateSummary): Certificate | undefined {
  if (!summary.CertificateArn) return undefined;
  return {
    accountId: target.accountId,
    ...(target.accountName ? { accountName: target.accountName } : {}),
    region: target.region,
    arn: summary.CertificateArn,
    domainName: summary.DomainName ?? '',
    subjectAlternativeNames: summary.SubjectAlternativeNameSummaries ?? [],
    ...(summary.HasAdditionalSubjectAlternativeNames ? { hasAdditionalSubjectAlternativeNames: true } : {}),
    type: enumValue<CertificateType>(summary.Type, 'AMAZON_ISSUED'),
    status: enumValue<CertificateStatus>(summary.Status, 'ISSUED'),
    keyAlgorithm: normalizeKeyAlgorithm(summary.KeyAlgorithm ?? 'UNKNOWN'),
    ...optional('keyPairOrigin', summary.CertificateKeyPairOrigin),
    ...optional('managedBy', summary.ManagedBy),
    ...optional('exported', summary.Exported),
    ...optional('createdAt', iso(summary.CreatedAt)),
    ...optional('notBefore', iso(summary.NotBefore)),
    ...optional('notAfter', iso(summary.NotAfter)),
    ...optional('importedAt', iso(summary.ImportedAt)),
    ...optional('renewalEligibility', summary.RenewalEligibility),
    inUse: summary.InUse ?? false,
    inUseBy: [],
    tags: {},
  };
}

/**
 * The certificate with DescribeCertificate's detail: issuer, renewal summary, the resources using it, the DNS
 * records ACM waits for, the failure reason, the full SAN list. Throws AcmError (ResourceNotFoundException when the
 * certificate was deleted since it was listed).
 */
export async function describeCertificate(
  client: ACMClient,
  certificate: Certificate,
  describedAt: Date,
): Promise<Certificate> {
  let detail: CertificateDetail | undefined;
  try {
    ({ Certificate: detail } = await client.send(new DescribeCertificateCommand({ CertificateArn: certificate.arn })));
  } catch (error) {
    throw new AcmError(certificate, 'ACM.DescribeCertificate', error, certificate.arn);
  }
  if (!detail) return { ...certificate, describedAt: describedAt.toISOString() };
  return withDetail(certificate, detail, describedAt);
}

function withDetail(certificate: Certificate, detail: CertificateDetail, describedAt: Date): Certificate {
  const {
    issuer: _issuer,
    serial: _serial,
    renewalStatus: _renewalStatus,
    renewalStatusReason: _renewalStatusReason,
    failureReason: _failureReason,
    validationRecords: _validationRecords,
    validationMethod: _validationMethod,
    httpRedirects: _httpRedirects,
    // DescribeCertificate gives every name: the list is no longer the listing's first 100.
    hasAdditionalSubjectAlternativeNames: _truncated,
    ...summaryFields
  } = certificate;
  const renewal = detail.RenewalSummary;
  const records = validationRecords(detail);
  const redirects = httpRedirects(detail);
  return {
    ...summaryFields,
    domainName: detail.DomainName ?? certificate.domainName,
    subjectAlternativeNames: detail.SubjectAlternativeNames ?? certificate.subjectAlternativeNames,
    type: enumValue<CertificateType>(detail.Type, certificate.type),
    status: enumValue<CertificateStatus>(detail.Status, certificate.status),
    keyAlgorithm:
      detail.KeyAlgorithm === undefined ? certificate.keyAlgorithm : normalizeKeyAlgorithm(detail.KeyAlgorithm),
    ...optional('keyPairOrigin', detail.CertificateKeyPairOrigin ?? certificate.keyPairOrigin),
    ...optional('managedBy', detail.ManagedBy ?? certificate.managedBy),
    ...optional('createdAt', iso(detail.CreatedAt) ?? certificate.createdAt),
    ...optional('notBefore', iso(detail.NotBefore) ?? certificate.notBefore),
    ...optional('notAfter', iso(detail.NotAfter) ?? certificate.notAfter),
    ...optional('importedAt', iso(detail.ImportedAt) ?? certificate.importedAt),
    ...optional('renewalEligibility', detail.RenewalEligibility ?? certificate.renewalEligibility),
    ...optional('issuer', detail.Issuer),
    ...optional('serial', readableSerial(detail.Serial)),
    ...optional('renewalStatus', renewal?.RenewalStatus as RenewalStatus | undefined),
    ...optional('renewalStatusReason', renewal?.RenewalStatusReason),
    ...optional('failureReason', detail.FailureReason),
    ...optional('validationMethod', validationMethod(detail)),
    ...(records.length > 0 ? { validationRecords: records } : {}),
    ...(redirects.length > 0 ? { httpRedirects: redirects } : {}),
    inUse: detail.InUseBy ? detail.InUseBy.length > 0 : certificate.inUse,
    inUseBy: detail.InUseBy ?? [],
    describedAt: describedAt.toISOString(),
  };
}

/**
 * The validations ACM is waiting for: those of a renewal (RenewalSummary), or of the first issuance while the
 * certificate is PENDING_VALIDATION.
 */
function pendingOptions(detail: CertificateDetail): DomainValidation[] {
  return [
    ...(detail.RenewalSummary?.DomainValidationOptions ?? []),
    ...(detail.Status === 'PENDING_VALIDATION' ? (detail.DomainValidationOptions ?? []) : []),
  ];
}

/** The method of the certificate's validation (one per request): the renewal's, else the first issuance's. */
function validationMethod(detail: CertificateDetail): ValidationMethod | undefined {
  const options = [
    ...(detail.RenewalSummary?.DomainValidationOptions ?? []),
    ...(detail.DomainValidationOptions ?? []),
  ];
  const method = options.find((option) => option.ValidationMethod !== undefined)?.ValidationMethod;
  return (VALIDATION_METHODS as readonly string[]).includes(method ?? '') ? (method as ValidationMethod) : undefined;
}

/** The DNS records ACM is waiting for; domains already validated are left out. */
function validationRecords(detail: CertificateDetail): ValidationRecord[] {
  const records = new Map<string, ValidationRecord>();
  for (const option of pendingOptions(detail)) {
    const record = option.ResourceRecord;
    if (!record?.Name || !record.Value || option.ValidationStatus === 'SUCCESS') continue;
    records.set(`${record.Name} ${record.Value}`, {
      domainName: option.DomainName ?? '',
      name: record.Name,
      type: record.Type ?? 'CNAME',
      value: record.Value,
    });
  }
  return [...records.values()];
}

/** The HTTP redirects ACM is waiting for; domains already validated are left out. */
function httpRedirects(detail: CertificateDetail): HttpRedirect[] {
  const redirects = new Map<string, HttpRedirect>();
  for (const option of pendingOptions(detail)) {
    const redirect = option.HttpRedirect;
    if (!redirect?.RedirectFrom || !redirect.RedirectTo || option.ValidationStatus === 'SUCCESS') continue;
    redirects.set(redirect.RedirectFrom, {
      domainName: option.DomainName ?? '',
      redirectFrom: redirect.RedirectFrom,
      redirectTo: redirect.RedirectTo,
    });
  }
  return [...redirects.values()];
}

/**
 * The certificate's tags, one call per certificate (the audit role has no bulk tagging API: tag:GetResources cannot
 * be limited to ACM). Throws AcmError (ResourceNotFoundException when the certificate was deleted since it was listed).
 */
export async function listCertificateTags(
  client: ACMClient,
  certificate: Pick<Certificate, 'accountId' | 'region' | 'arn'>,
): Promise<Record<string, string>> {
  try {
    const { Tags } = await client.send(new ListTagsForCertificateCommand({ CertificateArn: certificate.arn }));
    const tags: Record<string, string> = {};
    for (const tag of Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
    return tags;
  } catch (error) {
    throw new AcmError(certificate, 'ACM.ListTagsForCertificate', error, certificate.arn);
  }
}

function iso(date: Date | undefined): string | undefined {
  return date ? date.toISOString() : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Enum values pass through even when this code does not know them yet (a status AWS adds later must show in the
 * report as it is, not as something it is not); only a missing value takes the fallback.
 */
function enumValue<T extends string>(value: string | undefined, fallback: T): T {
  return (value ?? fallback) as T;
}

/** ACM's serial in the one spelling every report uses; a value that is not hex is dropped rather than misread. */
function readableSerial(serial: string | undefined): string | undefined {
  if (serial === undefined) return undefined;
  try {
    return normalizeSerial(serial);
  } catch {
    return undefined;
  }
}
