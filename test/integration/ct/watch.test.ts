/**
 * The CT watch over the local CT API (real HTTP, real DER) and the DynamoDB store on dynalite: what the organization
 * issued through ACM is known, renewals included; a foreign issuance is found; a precertificate and its certificate
 * are one issuance; a crash between saving a page and moving the cursor neither loses nor repeats an issuance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCtStore } from '../../../lambdas/aws/store/ct-store';
import { TableOperations } from '../../../lambdas/aws/store/table';
import { ensureTable } from '../../../lambdas/aws/table';
import type { CtStore } from '../../../lambdas/core/ct';
import { parseAllowList } from '../../../lambdas/core/ct';
import { runCtWatch } from '../../../lambdas/ct/watch';
import { HttpCtApi } from '../../../lambdas/net/ct-api';
import { ISSUER_DNS } from '../../../local/ct/certs';
import { logForeignLetsEncrypt, logOrganizationCertificates } from '../../../local/ct/seed';
import { type LocalCtApi, startLocalCtApi } from '../../../local/ct/server';
import { type Harness, startHarness } from '../aws/store/harness';

const NOW = new Date('2026-12-01T12:00:00Z');
const DAY_MS = 86_400_000;
const ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/web';

let harness: Harness;
let tables = 0;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

async function newCtStore(): Promise<DynamoCtStore> {
  const tableName = `ct-${++tables}`;
  await ensureTable(harness.client, tableName);
  return new DynamoCtStore(new TableOperations({ client: harness.doc, tableName }), () => NOW);
}

function acmCertificate(serial: string, notBefore: Date) {
  return {
    arn: ARN,
    domainName: 'www.example.com',
    subjectAlternativeNames: ['www.example.com'],
    type: 'AMAZON_ISSUED',
    serial,
    issuer: 'Amazon',
    notBefore: notBefore.toISOString(),
    notAfter: new Date(notBefore.getTime() + 198 * DAY_MS).toISOString(),
  };
}

async function withApi(test: (api: LocalCtApi) => Promise<void>, options = {}): Promise<void> {
  const api = await startLocalCtApi({ now: () => NOW.getTime(), ...options });
  try {
    await test(api);
  } finally {
    await api.close();
  }
}

function watch(api: LocalCtApi, store: CtStore, certificates: ReturnType<typeof acmCertificate>[], allow = '[]') {
  return runCtWatch(
    { api: new HttpCtApi({ baseUrl: api.url }), store },
    { domains: ['example.com'], certificates, allow: parseAllowList(allow, 'allow.json'), now: NOW },
  );
}

describe('runCtWatch', () => {
  it('finds a foreign Let’s Encrypt issuance and knows the ACM one by its serial', async () => {
    await withApi(async (api) => {
      // Prepare
      const cert = acmCertificate('0a:bc:de:f0:12', new Date(NOW.getTime() - 10 * DAY_MS));
      await logOrganizationCertificates(api, [cert]);
      await logForeignLetsEncrypt(api, 'example.com', NOW);
      // Act
      const result = await watch(api, await newCtStore(), [cert]);
      // Assess
      expect(result.report.issuances.map((i) => [i.dnsNames[0], i.status, i.matchedArn])).toEqual([
        ['legacy.example.com', 'unknown', undefined],
        ['www.example.com', 'known', ARN],
      ]);
      const foreign = result.report.issuances[0];
      expect(foreign?.issuer).toBe(ISSUER_DNS.letsEncrypt);
      expect(foreign?.serial).toMatch(/^[0-9A-F]{2}(:[0-9A-F]{2})+$/);
      expect(foreign?.matchedDomain).toBe('example.com');
    });
  });

  it('keeps a renewed certificate known under its old serial, from the history', async () => {
    await withApi(async (api) => {
      // Prepare: the first run sees the old serial in ACM; ACM renews; the second run sees only the new one.
      const store = await newCtStore();
      const before = acmCertificate('11:11:11', new Date(NOW.getTime() - 150 * DAY_MS));
      await logOrganizationCertificates(api, [before]);
      await watch(api, store, [before]);
      const renewed = acmCertificate('22:22:22', NOW);
      await logOrganizationCertificates(api, [renewed]);
      // Act
      const result = await watch(api, store, [renewed]);
      // Assess
      expect(result.report.issuances.map((i) => i.status)).toEqual(['known', 'known']);
    });
  });

  it('counts a precertificate and its certificate logged as two objects as one issuance', async () => {
    await withApi(async (api) => {
      // Prepare
      await api.log({
        names: ['pair.example.com'],
        serial: '33:44:55',
        issuerDn: ISSUER_DNS.letsEncrypt,
        notBefore: NOW.toISOString(),
        notAfter: new Date(NOW.getTime() + 90 * DAY_MS).toISOString(),
        splitPair: true,
      });
      // Act
      const result = await watch(api, await newCtStore(), []);
      // Assess
      expect(api.ids()).toHaveLength(2);
      expect(result.report.issuances).toHaveLength(1);
      expect(result.report.issuances[0]?.id).toBe(api.ids()[0]);
    });
  });

  it('resumes from its cursor: a second poll asks after the last issuance and reads only what is new', async () => {
    await withApi(
      async (api) => {
        // Prepare
        const store = await newCtStore();
        for (let i = 0; i < 5; i++) await logForeignLetsEncrypt(api, 'example.com', NOW, `n${i}.example.com`);
        const first = await watch(api, store, []);
        await logForeignLetsEncrypt(api, 'example.com', NOW, 'late.example.com');
        // Act
        const second = await watch(api, store, []);
        // Assess: 3 pages of 2 then an empty one; then one page of the new issuance and an empty one.
        expect(first.requests).toBe(4);
        expect(second.requests).toBe(2);
        expect(second.report.issuances).toHaveLength(6);
        expect(await store.loadCursor('example.com')).toBe(api.ids().at(-1));
      },
      { pageSize: 2 },
    );
  });

  it('loses and repeats nothing when it crashes between saving a page and moving the cursor', async () => {
    await withApi(
      async (api) => {
        // Prepare: the cursor write of the second page fails, as a Lambda killed at that instant would.
        const store = await newCtStore();
        for (let i = 0; i < 4; i++) await logForeignLetsEncrypt(api, 'example.com', NOW, `c${i}.example.com`);
        let cursorWrites = 0;
        const crashing: CtStore = {
          ...bind(store),
          saveCursor: async (domain, after) => {
            if (++cursorWrites === 2) throw new Error('crashed');
            await store.saveCursor(domain, after);
          },
        };
        await expect(watch(api, crashing, [])).rejects.toThrow('crashed');
        // Act
        const resumed = await watch(api, store, []);
        // Assess
        const ids = resumed.report.issuances.map((i) => i.id).sort();
        expect(ids).toEqual([...api.ids()].sort());
        expect(new Set(ids).size).toBe(4);
      },
      { pageSize: 2 },
    );
  });

  it('marks an allow-listed issuance allowed with its reason', async () => {
    await withApi(async (api) => {
      await logForeignLetsEncrypt(api, 'example.com', NOW, 'edge.cdn.example.com');
      const result = await watch(
        api,
        await newCtStore(),
        [],
        '[{"names":"*.cdn.example.com","reason":"CDN provider"}]',
      );
      expect(result.report.issuances[0]).toMatchObject({ status: 'allowed', allowedBy: 'CDN provider' });
    });
  });

  it('stops polling every domain at a 429 that asks for a longer wait, cursors untouched', async () => {
    await withApi(
      async (api) => {
        // Prepare
        const store = await newCtStore();
        await logForeignLetsEncrypt(api, 'example.com', NOW);
        // Act
        const result = await runCtWatch(
          { api: new HttpCtApi({ baseUrl: api.url, maxWaitMs: 1_000 }), store },
          { domains: ['example.com', 'example.org'], certificates: [], allow: [], now: NOW },
        );
        // Assess
        expect(api.stats.rateLimited).toBe(1);
        expect(result.failures.map((f) => f.domain)).toEqual(['example.com', 'example.org']);
        expect(result.failures[0]?.message).toMatch(/Retry-After/);
        expect(await store.loadCursor('example.com')).toBeUndefined();
      },
      { allowance: 0 },
    );
  });
});

function bind(store: CtStore): CtStore {
  return {
    loadCursor: (d) => store.loadCursor(d),
    saveIssuances: (d, i) => store.saveIssuances(d, i),
    saveCursor: (d, a) => store.saveCursor(d, a),
    loadIssuances: (n) => store.loadIssuances(n),
    recordSerials: (s) => store.recordSerials(s),
    loadSerials: () => store.loadSerials(),
  };
}
