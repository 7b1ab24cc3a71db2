/**
 * Does CAA let Amazon issue for a name? RFC 8659: the relevant record set is the first non-empty CAA set found
 * walking from the name (a wildcard's base name) towards the root; in it, `issuewild` properties govern a wildcard
 * name when there are any, `issue` ones otherwise; a set without either restricts nobody. An unknown property with
 * the critical flag forbids issuance. ACM reads the issuer domain names in AMAZON_CAA_ISSUERS as its own.
 */
import { AMAZON_CAA_ISSUERS, type CaaRecord, type DnsAnswer, type DnsResolver, normalizeDnsName } from './model';

/** Properties RFC 8659 and its registry define; any other one flagged critical stops every CA. */
const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef', 'issuemail', 'contactemail', 'contactphone', 'issuevmc']);

export type CaaVerdict =
  | { kind: 'allowed'; owner?: string; records: CaaRecord[] }
  | { kind: 'forbidden'; owner: string; blocking: CaaRecord[]; tag: 'issue' | 'issuewild' | 'critical' }
  | { kind: 'error'; name: string; answer: Extract<DnsAnswer<CaaRecord>, { kind: 'error' }> };

/** The names whose CAA sets apply to `name`, nearest first, down to the top-level domain. */
export function caaLookupNames(name: string): string[] {
  const labels = normalizeDnsName(name).replace(/^\*\./, '').split('.').filter(Boolean);
  return labels.map((_, index) => labels.slice(index).join('.'));
}

/** The issuer domain of an `issue`/`issuewild` value (`amazon.com; account=...` → `amazon.com`; `;` → empty). */
export function caaIssuer(value: string): string {
  return normalizeDnsName(value.split(';')[0] ?? '');
}

/** Judges one relevant record set for a name (wildcard or not). */
export function judgeCaaSet(records: readonly CaaRecord[], wildcard: boolean, owner: string): CaaVerdict {
  const critical = records.filter((record) => record.critical !== 0 && !KNOWN_TAGS.has(record.tag.toLowerCase()));
  if (critical.length > 0) return { kind: 'forbidden', owner, blocking: critical, tag: 'critical' };
  const ofTag = (tag: string) => records.filter((record) => record.tag.toLowerCase() === tag);
  const wild = ofTag('issuewild');
  const tag = wildcard && wild.length > 0 ? 'issuewild' : 'issue';
  const governing = tag === 'issuewild' ? wild : ofTag('issue');
  if (governing.length === 0) return { kind: 'allowed', owner, records: [...records] };
  if (governing.some((record) => AMAZON_CAA_ISSUERS.includes(caaIssuer(record.value)))) {
    return { kind: 'allowed', owner, records: [...records] };
  }
  return { kind: 'forbidden', owner, blocking: governing, tag };
}

/** Walks up from the name to the first non-empty CAA set and judges it; a lookup that fails ends the walk as an error. */
export async function checkCaa(resolver: DnsResolver, name: string): Promise<CaaVerdict> {
  const wildcard = normalizeDnsName(name).startsWith('*.');
  for (const candidate of caaLookupNames(name)) {
    const answer = await resolver.caa(candidate);
    if (answer.kind === 'error') return { kind: 'error', name: candidate, answer };
    if (answer.kind === 'answer' && answer.records.length > 0) return judgeCaaSet(answer.records, wildcard, candidate);
  }
  return { kind: 'allowed', records: [] };
}

/** A CAA record in zone-file form, as on-call would read it in a DNS console. */
export function formatCaa(record: CaaRecord): string {
  return `${record.critical} ${record.tag} "${record.value}"`;
}
