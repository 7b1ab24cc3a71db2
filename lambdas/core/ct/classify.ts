/**
 * Each issuance's verdict: known (a certificate the organization has or had in ACM: same serial, same issuer),
 * allowed (the user's allow list), issued by Amazon yet in no account of the organization, or unknown. Serials are
 * compared as integers (probe/serial.ts), since ACM and the DER spell them differently.
 */
import { normalizeSerial } from '../probe/serial';
import { allowingRule } from './allow-list';
import type { CtAllowRule, CtIssuance, CtIssuanceEntry, KnownSerial } from './model';

/** The organization's serials, by normalized serial (several ARNs may in theory share one across CAs). */
export type SerialIndex = ReadonlyMap<string, readonly KnownSerial[]>;

export function serialIndex(known: Iterable<KnownSerial>): SerialIndex {
  const index = new Map<string, KnownSerial[]>();
  for (const entry of known) {
    let serial: string;
    try {
      serial = normalizeSerial(entry.serial);
    } catch {
      continue;
    }
    const list = index.get(serial) ?? [];
    if (!list.some((other) => other.arn === entry.arn)) list.push(entry);
    index.set(serial, list);
  }
  return index;
}

/** The values of a distinguished name's attributes, lower-cased (`C=US, O=Amazon, CN=Amazon RSA 2048 M02`). */
function dnValues(dn: string): string[] {
  return dn
    .split(/[\n,]/)
    .map((part) => part.split('=').slice(1).join('=').trim().toLowerCase())
    .filter((value) => value !== '');
}

/**
 * ACM's `Issuer` is a short name (`Amazon`, or an imported certificate's issuer organization or common name); the
 * CT side has the full DN. They agree when the short name is one of the DN's values. Without ACM's issuer (never
 * described) the serial decides alone: a CA's serials carry at least 64 random bits, so a clash is not credible.
 */
export function issuerMatches(acmIssuer: string | undefined, issuerDn: string): boolean {
  if (acmIssuer === undefined || acmIssuer.trim() === '') return true;
  const wanted = acmIssuer.trim().toLowerCase();
  return dnValues(issuerDn).some((value) => value === wanted || value.startsWith(`${wanted} `));
}

/** Amazon's public CAs sign with `O=Amazon`: such an issuance that is not the organization's is another account's. */
export function issuedByAmazon(issuerDn: string): boolean {
  return issuerDn
    .split(/[\n,]/)
    .map((part) => part.trim().toLowerCase())
    .includes('o=amazon');
}

export function classifyIssuance(
  issuance: CtIssuance,
  matchedDomain: string,
  known: SerialIndex,
  allow: readonly CtAllowRule[],
): CtIssuanceEntry {
  const base = {
    id: issuance.id,
    dnsNames: [...issuance.dnsNames],
    issuer: issuance.issuer,
    notBefore: issuance.notBefore,
    notAfter: issuance.notAfter,
    serial: issuance.serial,
    certSha256: issuance.certSha256,
    matchedDomain,
  };
  let serial: string | undefined;
  try {
    serial = normalizeSerial(issuance.serial);
  } catch {
    serial = undefined;
  }
  const match =
    serial === undefined ? undefined : known.get(serial)?.find((k) => issuerMatches(k.issuer, issuance.issuer));
  if (match !== undefined) return { ...base, status: 'known', matchedArn: match.arn };
  const rule = allowingRule(allow, issuance);
  if (rule !== undefined) return { ...base, status: 'allowed', allowedBy: rule.reason };
  return { ...base, status: issuedByAmazon(issuance.issuer) ? 'amazon-outside-organization' : 'unknown' };
}

/** Whether the entry calls for on-call: neither the organization's nor allowed. */
export function needsAttention(entry: Pick<CtIssuanceEntry, 'status'>): boolean {
  return entry.status === 'unknown' || entry.status === 'amazon-outside-organization';
}

/** One history entry per serial and certificate: `<serial>#<arn>`, the serial normalized. */
export function normalizeCtKey(known: KnownSerial): string {
  let serial = known.serial;
  try {
    serial = normalizeSerial(known.serial);
  } catch {
    // Kept as given: classification skips it anyway.
  }
  return `${serial}#${known.arn}`;
}

/** The serials of the organization's described certificates, as the history keeps them. */
export function serialsOf(certificates: Iterable<{ arn: string; serial?: string; issuer?: string }>): KnownSerial[] {
  const found: KnownSerial[] = [];
  for (const cert of certificates) {
    if (cert.serial === undefined) continue;
    found.push({ serial: cert.serial, arn: cert.arn, ...(cert.issuer !== undefined ? { issuer: cert.issuer } : {}) });
  }
  return found;
}
