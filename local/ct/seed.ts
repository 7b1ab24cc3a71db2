/**
 * What the local CT API logs for a simulated organization: every publicly trusted ACM certificate (Amazon-issued and
 * imported; private CAs log nothing to CT), and the two strangers the watch must catch: a Let's Encrypt certificate
 * someone got outside ACM, and an Amazon certificate held by an AWS account outside the organization.
 */
import { randomBytes } from 'node:crypto';
import { ISSUER_DNS, issuerDnFor } from './certs';
import type { LocalCtApi } from './server';

export interface OrgCertificate {
  arn: string;
  domainName: string;
  subjectAlternativeNames: readonly string[];
  type: string;
  serial?: string;
  issuer?: string;
  notBefore?: string;
  notAfter?: string;
}

const DAY_MS = 86_400_000;

/** Logs each public certificate with a serial and a validity as one issuance; returns how many. */
export async function logOrganizationCertificates(
  api: LocalCtApi,
  certificates: Iterable<OrgCertificate>,
): Promise<number> {
  let count = 0;
  for (const cert of certificates) {
    if (cert.type === 'PRIVATE' || !cert.serial || !cert.notBefore || !cert.notAfter) continue;
    const names = cert.subjectAlternativeNames.length > 0 ? [...cert.subjectAlternativeNames] : [cert.domainName];
    await api.log({
      names,
      serial: cert.serial,
      issuerDn: issuerDnFor(cert.issuer),
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
    });
    count++;
  }
  return count;
}

function randomSerial(): string {
  return (randomBytes(16).toString('hex').match(/../g) as string[]).join(':');
}

/** A Let's Encrypt certificate for a name under `domain` that no ACM account holds (90 days, as LE issues). */
export async function logForeignLetsEncrypt(
  api: LocalCtApi,
  domain: string,
  now: Date,
  name = `legacy.${domain}`,
): Promise<string[]> {
  return api.log({
    names: [name],
    serial: randomSerial(),
    issuerDn: ISSUER_DNS.letsEncrypt,
    notBefore: now.toISOString(),
    notAfter: new Date(now.getTime() + 90 * DAY_MS).toISOString(),
  });
}

/** An Amazon certificate for a name under `domain` requested in an AWS account outside the organization. */
export async function logAmazonOutsideOrganization(
  api: LocalCtApi,
  domain: string,
  now: Date,
  name = `shadow.${domain}`,
): Promise<string[]> {
  return api.log({
    names: [name],
    serial: randomSerial(),
    issuerDn: ISSUER_DNS.amazon,
    notBefore: now.toISOString(),
    notAfter: new Date(now.getTime() + 198 * DAY_MS).toISOString(),
  });
}
