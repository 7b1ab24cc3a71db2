/**
 * The Certificate Transparency watch's plain data: an issuance as a CT search API reports it (one per issuance
 * event, the precertificate and the final certificate counted once), what the organization knows of its own
 * certificates, the user's allow list, and each issuance's verdict as the JSON report shows it (issue G's contract).
 */

/** Cert Spotter's API: the CT search API the watch polls unless told another (`--ct-api-url`, the setting). */
export const DEFAULT_CT_API_URL = 'https://api.certspotter.com';

/** Queries an hour Cert Spotter allows without an API key (its documentation; treat as changeable). */
export const CT_FREE_QUERIES_PER_HOUR = 100;

/** One issuance event for a watched domain, as read from the CT API and its DER. */
export interface CtIssuance {
  /** The API's opaque id: what the per-domain cursor (`after`) remembers. */
  id: string;
  /**
   * SHA-256 of the TBSCertificate with the CT poison/SCT extension removed (RFC 6962 3.2): equal for a
   * precertificate and its final certificate, so it names the issuance whichever of the two was logged.
   */
  tbsSha256: string;
  dnsNames: string[];
  /** The issuer's distinguished name, as Node's X509Certificate prints it (`C=US\nO=Amazon\nCN=Amazon RSA 2048 M02` joined by ', '). */
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** Upper-case hex, colon-separated (probe/serial.ts), read from the DER. */
  serial: string;
  /** SHA-256 of the (pre)certificate the API gave: a final certificate when logged, else the precertificate. */
  certSha256: string;
  certType: 'cert' | 'precert';
}

/** A certificate the organization has or had in ACM: every serial any describe saw, renewals included. */
export interface KnownSerial {
  serial: string;
  /** ACM's `Issuer` (e.g. `Amazon`), when described. */
  issuer?: string;
  arn: string;
}

/** One entry of the user's allow list (`--ct-allow`): every field given must match. */
export interface CtAllowRule {
  /** SHA-256 of the certificate or precertificate, hex. */
  sha256?: string;
  /** Matched against the issuer's distinguished name, case-insensitive, as a substring (`Let's Encrypt`). */
  issuer?: string;
  /** A glob every name on the certificate must match; `*` stands for one DNS label (`*.cdn.example.com`). */
  names?: string;
  /** Why the issuance is legitimate: shown in the report next to it. */
  reason: string;
}

export const CT_STATUSES = ['known', 'allowed', 'amazon-outside-organization', 'unknown'] as const;
export type CtStatus = (typeof CT_STATUSES)[number];

/** One issuance as the JSON report shows it (the `ct.issuances` contract). */
export interface CtIssuanceEntry {
  id: string;
  dnsNames: string[];
  issuer: string;
  notBefore: string;
  notAfter: string;
  serial: string;
  certSha256: string;
  /** The watched domain whose poll found it. */
  matchedDomain: string;
  status: CtStatus;
  /** `known`: the ACM certificate with its serial. */
  matchedArn?: string;
  /** `allowed`: the allow list's reason. */
  allowedBy?: string;
}

/** The watch's part of a run: what was watched and what was found. */
export interface CtReport {
  domains: string[];
  issuances: CtIssuanceEntry[];
}
