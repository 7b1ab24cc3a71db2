/**
 * The DNS diagnosis of a certificate ACM cannot validate, issue or renew: for each of its domains, is the
 * validation CNAME in place and pointing at ACM's value, does CAA let Amazon issue, does the name resolve. Pure
 * over the resolver port, so the pipeline, the CLI and the tests run the same checks against whatever DNS they use.
 *
 * A lookup that fails (SERVFAIL, timeout) is reported as DNS_ERROR and never turned into a verdict: on-call must not
 * be told a record is missing because a name server was down. The diagnosis is re-run on every run, so an answer
 * that recovers, or a record someone created, shows in the next message.
 */
import { type AssessedCertificate, type Certificate, type FindingCode, isNeverIssued } from '../model';
import { checkCaa, formatCaa } from './caa';
import { type DiagnosisEntry, type DnsAnswer, type DnsResolver, normalizeDnsName } from './model';

/** The findings whose cause usually sits in DNS (ACM User Guide, managed renewal and troubleshooting). */
export const DIAGNOSED_FINDINGS: readonly FindingCode[] = [
  'RENEWAL_FAILED',
  'PENDING_VALIDATION',
  'ISSUANCE_FAILED',
  'INELIGIBLE_FOR_RENEWAL',
];

/** CNAME hops followed from a validation record before giving up (a loop or an absurd chain). */
export const MAX_CNAME_HOPS = 8;

/**
 * Only Amazon-issued certificates validate through public DNS and CAA; a private CA's certificates do neither, and
 * imported ones are not ACM's to validate. INELIGIBLE_FOR_RENEWAL only fires on an in-use certificate.
 */
export function needsDiagnosis(cert: Pick<AssessedCertificate, 'type' | 'findings'>): boolean {
  return cert.type === 'AMAZON_ISSUED' && cert.findings.some((code) => DIAGNOSED_FINDINGS.includes(code));
}

/** The names on a certificate, each once, in the order ACM lists them (domain name first). */
export function certificateDomains(cert: Pick<Certificate, 'domainName' | 'subjectAlternativeNames'>): string[] {
  const seen = new Set<string>();
  const domains: string[] = [];
  for (const name of [cert.domainName, ...cert.subjectAlternativeNames]) {
    const key = normalizeDnsName(name);
    if (key === '' || seen.has(key)) continue;
    seen.add(key);
    domains.push(name.trim().replace(/\.+$/, ''));
  }
  return domains;
}

type DiagnosedCertificate = Pick<
  Certificate,
  | 'domainName'
  | 'subjectAlternativeNames'
  | 'status'
  | 'validationMethod'
  | 'validationRecords'
  | 'renewalStatusReason'
  | 'failureReason'
>;

/** Every domain's entries, domains in certificate order. */
export async function diagnoseCertificate(
  cert: DiagnosedCertificate,
  resolver: DnsResolver,
): Promise<DiagnosisEntry[]> {
  const perDomain = await Promise.all(certificateDomains(cert).map((domain) => diagnoseDomain(cert, domain, resolver)));
  return perDomain.flat();
}

async function diagnoseDomain(
  cert: DiagnosedCertificate,
  domain: string,
  resolver: DnsResolver,
): Promise<DiagnosisEntry[]> {
  const wildcard = domain.startsWith('*.');
  // ACM checks that the names resolve when it renews an issued certificate; a request never issued has no such check.
  const checkResolution = !wildcard && !isNeverIssued(cert);
  const [validation, caa, resolution] = await Promise.all([
    checkValidation(cert, domain, resolver),
    checkCaaEntry(domain, resolver),
    checkResolution ? checkName(domain, resolver) : Promise.resolve(undefined),
  ]);
  const entries = [validation.entry, caa.entry, resolution?.entry].filter((e): e is DiagnosisEntry => e !== undefined);
  const verdicts = entries.filter((entry) => entry.code !== 'VALIDATION_NOT_CHECKED');
  if (verdicts.length > 0) return entries;
  const passed = [validation.passed, caa.passed, resolution?.passed].filter((p): p is string => p !== undefined);
  const reason = cert.renewalStatusReason ?? cert.failureReason;
  return [
    ...entries,
    {
      domain,
      code: 'OK',
      ok: true,
      detail: `The DNS looks right: ${passed.join('; ')}.`,
      fix:
        reason === undefined
          ? 'Nothing to change in DNS: look at the certificate in the ACM console for what ACM is waiting for.'
          : `Nothing to change in DNS: ACM's own reason is ${reason}; see the finding's advice for it.`,
    },
  ];
}

interface Check {
  /** A problem, a DNS error or a check not made; absent when the check passed. */
  entry?: DiagnosisEntry;
  /** What the check found right, for the OK entry's detail. */
  passed?: string;
}

async function checkValidation(cert: DiagnosedCertificate, domain: string, resolver: DnsResolver): Promise<Check> {
  if (cert.validationMethod === 'EMAIL' || cert.validationMethod === 'HTTP') {
    const how =
      cert.validationMethod === 'EMAIL'
        ? "an approval of ACM's validation email, which DNS cannot show"
        : 'an HTTP redirect served through CloudFront, which this DNS diagnosis does not fetch';
    return {
      entry: {
        domain,
        code: 'VALIDATION_NOT_CHECKED',
        ok: false,
        detail: `This certificate validates by ${cert.validationMethod === 'EMAIL' ? 'email' : 'HTTP'}: ${how}. Not checked.`,
        fix:
          cert.validationMethod === 'EMAIL'
            ? 'Have a domain owner approve the validation email (`aws acm resend-validation-email`), or move to a DNS-validated certificate, which renews on its own.'
            : 'Check that each RedirectFrom address of the certificate redirects to its RedirectTo address.',
      },
    };
  }
  const record = (cert.validationRecords ?? []).find(
    (r) => normalizeDnsName(r.domainName) === normalizeDnsName(domain),
  );
  if (record === undefined) {
    return {
      entry: {
        domain,
        code: 'VALIDATION_NOT_CHECKED',
        ok: false,
        detail:
          'ACM lists no validation record for this name (not published yet, or the certificate was not described).',
        fix: 'Open the certificate in the ACM console to see the validation record it asks for, then create it.',
      },
    };
  }
  const expected = normalizeDnsName(record.value);
  const wanted = { name: normalizeDnsName(record.name), type: record.type || 'CNAME', value: expected };
  const first = await resolver.cname(wanted.name);
  if (first.kind === 'error') return { entry: dnsError(domain, `the CNAME lookup of ${wanted.name}`, first) };
  if (first.kind !== 'answer' || first.records.length === 0) {
    return {
      entry: {
        domain,
        code: 'VALIDATION_CNAME_MISSING',
        ok: false,
        detail: `${wanted.name} has no CNAME record (${first.kind === 'nxdomain' ? 'NXDOMAIN' : 'the name exists without a CNAME'}); ACM cannot validate ${domain}.`,
        record: wanted,
        fix: `Create the CNAME record ${wanted.name} → ${wanted.value} in the zone that holds ${domain}, and keep it: ACM validates within minutes and retries renewal on its own.`,
      },
    };
  }
  // A chain (the record delegating to another name that holds ACM's value) resolves to the same value for ACM.
  const chain: string[] = [];
  let answer: DnsAnswer<string> = first;
  for (let hop = 0; hop < MAX_CNAME_HOPS; hop++) {
    if (answer.kind === 'error') return { entry: dnsError(domain, `the CNAME lookup of ${chain.at(-1)}`, answer) };
    if (answer.kind !== 'answer' || answer.records.length === 0) break;
    const target = normalizeDnsName(answer.records[0] ?? '');
    chain.push(target);
    if (target === expected) {
      const via = chain.length > 1 ? ` through ${chain.slice(0, -1).join(' → ')}` : '';
      return { passed: `the validation CNAME ${wanted.name} points to ACM's value${via}` };
    }
    if (chain.indexOf(target) !== chain.length - 1) break;
    answer = await resolver.cname(target);
  }
  return {
    entry: {
      domain,
      code: 'VALIDATION_CNAME_WRONG',
      ok: false,
      detail: `${wanted.name} points to ${chain.join(' → ')}, not to ACM's value ${expected}; ACM cannot validate ${domain}.`,
      record: wanted,
      fix: `Change the CNAME record ${wanted.name} to point to ${wanted.value} (it now points to ${chain[0]}), in the zone that holds ${domain}.`,
    },
  };
}

async function checkCaaEntry(domain: string, resolver: DnsResolver): Promise<Check> {
  const verdict = await checkCaa(resolver, domain);
  if (verdict.kind === 'error') return { entry: dnsError(domain, `the CAA lookup of ${verdict.name}`, verdict.answer) };
  if (verdict.kind === 'allowed') {
    return {
      passed:
        verdict.owner === undefined
          ? 'no CAA record restricts issuance'
          : `the CAA records at ${verdict.owner} allow Amazon`,
    };
  }
  const blocking = verdict.blocking.map(formatCaa);
  const first = verdict.blocking[0];
  const inherited = normalizeDnsName(domain).replace(/^\*\./, '') === verdict.owner ? '' : ` (inherited by ${domain})`;
  const record = { name: verdict.owner, type: 'CAA', value: first === undefined ? '' : formatCaa(first) };
  if (verdict.tag === 'critical') {
    return {
      entry: {
        domain,
        code: 'CAA_FORBIDS_AMAZON',
        ok: false,
        detail: `The CAA records at ${verdict.owner}${inherited} carry a critical property no CA may ignore: ${blocking.join(', ')}.`,
        record,
        fix: `Remove the critical flag from ${blocking.join(', ')} at ${verdict.owner}, or remove that record; ACM retries on its own.`,
      },
    };
  }
  return {
    entry: {
      domain,
      code: 'CAA_FORBIDS_AMAZON',
      ok: false,
      detail: `The CAA records at ${verdict.owner}${inherited} that decide ${verdict.tag === 'issuewild' ? 'wildcard issuance' : 'issuance'} are ${blocking.join(', ')}: none names amazon.com, amazontrust.com, awstrust.com or amazonaws.com.`,
      record,
      fix: `Add the CAA record ${verdict.owner} CAA 0 ${verdict.tag} "amazon.com" next to the existing ones (keep the CAs you still use); ACM retries on its own.`,
    },
  };
}

async function checkName(domain: string, resolver: DnsResolver): Promise<Check> {
  const answer = await resolver.addresses(domain);
  if (answer.kind === 'error') return { entry: dnsError(domain, `the address lookup of ${domain}`, answer) };
  if (answer.kind === 'answer' && answer.records.length > 0) return { passed: `${domain} resolves` };
  return {
    entry: {
      domain,
      code: 'NAME_DOES_NOT_RESOLVE',
      ok: false,
      detail:
        answer.kind === 'nxdomain'
          ? `${domain} does not exist in DNS (NXDOMAIN); ACM does not renew a certificate with a name that does not resolve.`
          : `${domain} exists but has no A or AAAA record; ACM does not renew a certificate with a name that does not resolve.`,
      fix: `Publish an address (A, AAAA or an alias record) for ${domain}, or request a certificate without this name and move the resources to it.`,
    },
  };
}

function dnsError(
  domain: string,
  what: string,
  answer: Extract<DnsAnswer<unknown>, { kind: 'error' }>,
): DiagnosisEntry {
  return {
    domain,
    code: 'DNS_ERROR',
    ok: false,
    detail: `${what.charAt(0).toUpperCase()}${what.slice(1)} failed (${answer.error}: ${answer.message}); nothing is concluded from it.`,
    fix: 'Checked again on the next run. If it persists, check the name servers of the zone (SERVFAIL often means broken DNSSEC or a lame delegation).',
  };
}
