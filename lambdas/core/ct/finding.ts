/**
 * The CT watch's finding, shaped like the certificate rules of core/findings.ts (code, severity, meaning, fix),
 * with the crt.sh link an on-call engineer opens to see the certificate itself.
 */
import type { Severity } from '../model';
import type { CtIssuanceEntry } from './model';

export const CT_UNKNOWN_ISSUANCE = 'CT_UNKNOWN_ISSUANCE' as const;

export interface CtFindingRule {
  code: typeof CT_UNKNOWN_ISSUANCE;
  severity: Severity;
  meaning: string;
  fix: string;
}

export const CT_FINDING: CtFindingRule = {
  code: CT_UNKNOWN_ISSUANCE,
  severity: 'high',
  meaning:
    'A public CA issued a certificate for one of your domains that is in no ACM account of this organization: someone else holds its private key.',
  fix: 'Find who requested it (the issuer and names say where to ask: a team’s Let’s Encrypt client, a CDN, a vendor). If nobody did, revoke it with the CA and check your DNS and CAA records; if it is legitimate, add it to the CT allow list with the reason.',
};

/** The finding's meaning for one issuance: an Amazon-issued one is said as such. */
export function ctMeaning(entry: Pick<CtIssuanceEntry, 'status'>): string {
  return entry.status === 'amazon-outside-organization'
    ? 'Issued by Amazon, but not in any account of this organization: another AWS account holds it.'
    : CT_FINDING.meaning;
}

/** crt.sh's page of the certificate (or precertificate) by its SHA-256. */
export function crtShLink(certSha256: string): string {
  return `https://crt.sh/?sha256=${encodeURIComponent(certSha256.toLowerCase())}`;
}
