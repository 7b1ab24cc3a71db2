/** The CT API client against the local CT API: paging parameters, Retry-After honoured, errors that say what to fix. */
import { describe, expect, it } from 'vitest';
import { CtApiError, HttpCtApi, retryAfterMs } from '../../../lambdas/net/ct-api';
import { logForeignLetsEncrypt } from '../../../local/ct/seed';
import { startLocalCtApi } from '../../../local/ct/server';

describe('HttpCtApi', () => {
  it('waits out a 429’s Retry-After within its budget, then reads the page', async () => {
    // Prepare: one query a second.
    const api = await startLocalCtApi({ allowance: 1, windowMs: 1_000 });
    try {
      await logForeignLetsEncrypt(api, 'example.com', new Date());
      const waits: number[] = [];
      const client = new HttpCtApi({
        baseUrl: api.url,
        sleep: (ms) => {
          waits.push(ms);
          return new Promise((resolve) => setTimeout(resolve, ms));
        },
      });
      await client.issuances('example.com', undefined);
      // Act
      const page = await client.issuances('example.com', undefined);
      // Assess
      expect(waits).toEqual([1_000]);
      expect(api.stats.rateLimited).toBe(1);
      expect(page.issuances).toHaveLength(1);
      expect(client.requests).toBe(3);
    } finally {
      await api.close();
    }
  });

  it('sends the API key as a Bearer token and says which key to check when refused', async () => {
    const api = await startLocalCtApi({ apiKeys: ['good'] });
    try {
      await expect(
        new HttpCtApi({ baseUrl: api.url, apiKey: 'bad' }).issuances('example.com', undefined),
      ).rejects.toThrow(/401 invalid_api_key .*CERTSPOTTER_API_KEY/);
      await expect(
        new HttpCtApi({ baseUrl: api.url, apiKey: 'good' }).issuances('example.com', undefined),
      ).resolves.toEqual({
        issuances: [],
        lastId: undefined,
      });
    } finally {
      await api.close();
    }
  });

  it('refuses a public suffix as the API does', async () => {
    const api = await startLocalCtApi();
    try {
      await expect(new HttpCtApi({ baseUrl: api.url }).issuances('co.uk', undefined)).rejects.toBeInstanceOf(
        CtApiError,
      );
    } finally {
      await api.close();
    }
  });

  it('asks with the documented parameters', () => {
    const url = new URL(new HttpCtApi({ baseUrl: 'https://ct.test/' }).url('example.com', '123'));
    expect(url.pathname).toBe('/v1/issuances');
    expect(url.searchParams.get('include_subdomains')).toBe('true');
    expect(url.searchParams.get('match_wildcards')).toBe('true');
    expect(url.searchParams.getAll('expand')).toEqual(['dns_names', 'issuer', 'cert']);
    expect(url.searchParams.get('after')).toBe('123');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:10 GMT', 4_000)).toBe(6_000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
