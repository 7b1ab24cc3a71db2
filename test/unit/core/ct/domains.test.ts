import { describe, expect, it } from 'vitest';
import { CtDomainError, parseWatchedDomains, registrableDomain, watchedDomains } from '../../../../lambdas/core/ct';

describe('watchedDomains', () => {
  it('derives registrable domains by the Public Suffix List, wildcards and subdomains folded', () => {
    // Prepare
    const names = ['*.api.example.co.uk', 'www.example.co.uk', 'shop.example.com', 'EXAMPLE.com.', 'internal.corp'];
    // Act
    const domains = watchedDomains(names);
    // Assess
    expect(domains).toEqual(['example.co.uk', 'example.com']);
  });

  it('gives no registrable domain for a public suffix or an internal name', () => {
    expect(registrableDomain('co.uk')).toBeUndefined();
    expect(registrableDomain('db.internal')).toBeUndefined();
  });
});

describe('parseWatchedDomains', () => {
  it('accepts registered domains and names under them, lower-cased and de-duplicated', () => {
    expect(parseWatchedDomains(' Example.com, shop.example.org ,example.com')).toEqual([
      'example.com',
      'shop.example.org',
    ]);
  });

  it('refuses a public suffix, naming the entry', () => {
    expect(() => parseWatchedDomains('example.com,co.uk')).toThrow(CtDomainError);
    expect(() => parseWatchedDomains('example.com,co.uk')).toThrow(/"co.uk" is not a registered domain/);
  });

  it('refuses an empty list with an example of what to give', () => {
    expect(() => parseWatchedDomains(' , ')).toThrow(/e.g. example.com,example.org/);
  });
});
