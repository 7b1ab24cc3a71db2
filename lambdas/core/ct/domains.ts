/**
 * Which domains the CT watch polls. By default the registrable domains (Public Suffix List, through `tldts`) of
 * every name on the organization's ACM certificates: polling `example.co.uk` with subdomains covers every name
 * under it, and polling `co.uk` is refused by the API (it is a public suffix). A user's list overrides it.
 */
import { parse } from 'tldts';

export class CtDomainError extends Error {
  override readonly name = 'CtDomainError';
}

function bare(name: string): string {
  return name.trim().toLowerCase().replace(/^\*\./, '').replace(/\.$/, '');
}

/** The registrable domain of a DNS name (`*.api.example.co.uk` → `example.co.uk`); undefined for private names. */
export function registrableDomain(name: string): string | undefined {
  // Private suffixes (e.g. github.io) are left out on purpose: a watch of `example.github.io`'s parent would be
  // `github.io`'s whole tree, and the owner of a name under a private suffix is the one registering it anyway.
  // An unlisted TLD (`db.internal`) falls to the list's default rule; only a suffix ICANN lists is a public name.
  const parsed = parse(bare(name), { allowPrivateDomains: false });
  return parsed.isIcann === true && parsed.domain !== null ? parsed.domain : undefined;
}

/** Sorted, de-duplicated registrable domains of the names given; names with none (internal names) are skipped. */
export function watchedDomains(names: Iterable<string>): string[] {
  const found = new Set<string>();
  for (const name of names) {
    const domain = registrableDomain(name);
    if (domain !== undefined) found.add(domain);
  }
  return [...found].sort();
}

/**
 * The user's list (`--ct-domains a.com,b.org`, or the setting): each entry a registered domain or a name under one
 * (the API's own rule), lower-cased and de-duplicated. Throws CtDomainError naming the entry that is not.
 */
export function parseWatchedDomains(list: string): string[] {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) {
    throw new CtDomainError(
      'no domain given: expected a comma-separated list of domains, e.g. example.com,example.org',
    );
  }
  const domains = new Set<string>();
  for (const entry of entries) {
    const name = bare(entry);
    if (!/^[a-z0-9.-]+$/.test(name) || registrableDomain(name) === undefined) {
      throw new CtDomainError(
        `"${entry}" is not a registered domain or a name under one (e.g. example.com, shop.example.co.uk): a public suffix like "co.uk" or an internal name cannot be watched`,
      );
    }
    domains.add(name);
  }
  return [...domains].sort();
}
