/**
 * Why ACM cannot validate, issue or renew a certificate, as plain data: the codes a DNS diagnosis gives per domain,
 * and the resolver port the diagnosis asks its questions through. Kept apart from the finding rules because a
 * diagnosis needs the network (through the port) and a finding never does.
 */

export const DIAGNOSIS_CODES = [
  'VALIDATION_CNAME_MISSING',
  'VALIDATION_CNAME_WRONG',
  'CAA_FORBIDS_AMAZON',
  'NAME_DOES_NOT_RESOLVE',
  'DNS_ERROR',
  'VALIDATION_NOT_CHECKED',
  'OK',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/** Where a record lives in Route 53, when the monitor found its hosted zone in one of the organization's accounts. */
export interface DiagnosisZone {
  accountId: string;
  hostedZoneId: string;
  name: string;
}

/** A DNS record a diagnosis is about: the one to create or change, or the one in the way. */
export interface DiagnosisRecord {
  name: string;
  type: string;
  value: string;
}

/**
 * One conclusion about one domain of a certificate. `ok` is true only for `OK`: a DNS error or a check not made is
 * no verdict either way, so it is never counted as passing.
 */
export interface DiagnosisEntry {
  domain: string;
  code: DiagnosisCode;
  ok: boolean;
  /** What was seen, in one or two sentences. */
  detail: string;
  record?: DiagnosisRecord;
  zone?: DiagnosisZone;
  /** What to change, as precisely as the diagnosis knows it. */
  fix: string;
}

/** A CAA record as resolvers give it: its flags' critical bit and one property (`issue`, `issuewild`, `iodef`, ...). */
export interface CaaRecord {
  critical: number;
  tag: string;
  value: string;
}

/**
 * The answer to one DNS question. NXDOMAIN (the name does not exist) and NODATA (it exists, without records of the
 * type) are answers; SERVFAIL, a timeout or a refusal are failures to get one, never a verdict about the name.
 */
export type DnsAnswer<T> =
  | { kind: 'answer'; records: T[] }
  | { kind: 'nxdomain' }
  | { kind: 'nodata' }
  | { kind: 'error'; error: 'SERVFAIL' | 'TIMEOUT' | 'REFUSED' | 'OTHER'; message: string };

/** The DNS questions a diagnosis asks. Implemented over Node's resolver in lambdas/net; tests pass their own. */
export interface DnsResolver {
  /** The CNAME target of `name` itself (one hop), without a trailing dot. */
  cname(name: string): Promise<DnsAnswer<string>>;
  /** The CAA records at `name` (a resolver follows a CNAME at `name`, as RFC 8659 asks). */
  caa(name: string): Promise<DnsAnswer<CaaRecord>>;
  /** The IPv4 and IPv6 addresses `name` resolves to (following CNAMEs). */
  addresses(name: string): Promise<DnsAnswer<string>>;
}

/** The CAA issuer domain names that let ACM issue (ACM User Guide, "Configure a CAA record"). */
export const AMAZON_CAA_ISSUERS: readonly string[] = ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com'];

/** A DNS name compared as DNS compares it: case-insensitive, without the root's trailing dot. */
export function normalizeDnsName(name: string): string {
  return name.trim().replace(/\.+$/, '').toLowerCase();
}
