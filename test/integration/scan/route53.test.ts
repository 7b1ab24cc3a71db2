/**
 * The Route 53 zone listing against the simulator's ListHostedZones, over the wire: every page followed through
 * `NextMarker`, private zones left out, ids and names as the diagnosis uses them, and a refusal as a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCounter } from '../../../lambdas/aws/call-counter';
import { createRoute53Client } from '../../../lambdas/aws/clients';
import { HostedZonesError, listPublicHostedZones } from '../../../lambdas/aws/route53';
import type { AccountZones } from '../../../lambdas/core/diagnosis';
import type { ZoneStore } from '../../../lambdas/core/ports';
import { scanAccount } from '../../../lambdas/scan/scan-account';
import { generateScenario } from '../../../local/sim';
import { CLIENT_CONFIG, EXTERNAL_ID, ROLE_NAME, type ScanHarness, startScanHarness } from './sim-harness';

const DNS_ACCOUNT = '222233334444';
const EMPTY_ACCOUNT = '333344445555';
/** More zones than one page of 100, so the listing has to follow the marker. */
const ZONE_COUNT = 230;

let h: ScanHarness;

beforeAll(async () => {
  const base = generateScenario({ seed: 11, accounts: 2, regions: ['us-east-1'], externalId: EXTERNAL_ID });
  const role = { name: ROLE_NAME, externalId: EXTERNAL_ID, maxSessionDurationSeconds: 3600 };
  const zones = Array.from({ length: ZONE_COUNT }, (_, index) => ({
    id: `Z${String(index).padStart(4, '0')}ABCDEFGHIJKLMNOP`,
    name: `team${index}.example.com`,
    privateZone: index % 10 === 0,
  }));
  h = await startScanHarness({
    ...base,
    accounts: [
      ...base.accounts,
      {
        id: DNS_ACCOUNT,
        name: 'prod-dns',
        state: 'ACTIVE',
        joinedMethod: 'CREATED',
        enabledRegions: [{ name: 'us-east-1', optStatus: 'ENABLED_BY_DEFAULT' }],
        disabledRegions: [],
        roles: [role],
        taggingApiDenied: false,
        certificates: [],
        hostedZones: zones,
      },
      {
        id: EMPTY_ACCOUNT,
        name: 'no-zones',
        state: 'ACTIVE',
        joinedMethod: 'CREATED',
        enabledRegions: [{ name: 'us-east-1', optStatus: 'ENABLED_BY_DEFAULT' }],
        disabledRegions: [],
        roles: [role],
        taggingApiDenied: false,
        certificates: [],
        hostedZones: [],
      },
    ],
  });
});

afterAll(async () => {
  await h.close();
});

describe('listPublicHostedZones', () => {
  it('follows every page and returns the public zones only, ids without prefix and names without the dot', async () => {
    const calls = new CallCounter();
    const client = createRoute53Client({ ...CLIENT_CONFIG, credentials: h.roles.provider(DNS_ACCOUNT), calls });

    const zones = await listPublicHostedZones(client, DNS_ACCOUNT);
    client.destroy();

    expect(zones).toHaveLength(ZONE_COUNT - ZONE_COUNT / 10);
    expect(zones.some((zone) => zone.name === 'team0.example.com')).toBe(false);
    expect(zones).toContainEqual({ id: 'Z0001ABCDEFGHIJKLMNOP', name: 'team1.example.com' });
    expect(new Set(zones.map((zone) => zone.id)).size).toBe(zones.length);
    expect(calls.snapshot()['Route53.ListHostedZones']).toBe(3);
  });

  it('returns nothing for an account without zones', async () => {
    const client = createRoute53Client({ ...CLIENT_CONFIG, credentials: h.roles.provider(EMPTY_ACCOUNT) });

    await expect(listPublicHostedZones(client, EMPTY_ACCOUNT)).resolves.toEqual([]);
    client.destroy();
  });

  it('names the account and the action when the session may not list zones', async () => {
    const client = createRoute53Client({
      ...CLIENT_CONFIG,
      maxAttempts: 1,
      credentials: async () => ({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }),
    });

    const error = await listPublicHostedZones(client, DNS_ACCOUNT).catch((caught: unknown) => caught);
    client.destroy();

    expect(error).toBeInstanceOf(HostedZonesError);
    expect((error as HostedZonesError).message).toContain(DNS_ACCOUNT);
  });
});

/** The zone items of the state table, in memory. */
class MemoryZoneStore implements ZoneStore {
  readonly items = new Map<string, AccountZones>();
  async saveAccountZones(zones: AccountZones): Promise<void> {
    this.items.set(zones.accountId, structuredClone(zones));
  }
  async loadAllZones(): Promise<AccountZones[]> {
    return [...this.items.values()];
  }
}

describe('scanAccount with hostedZones', () => {
  const scanDns = (zones: ZoneStore, runId: string) =>
    scanAccount(
      { roles: h.roles, clientConfig: CLIENT_CONFIG, zones },
      {
        runId,
        account: { id: DNS_ACCOUNT, name: 'prod-dns' },
        regions: 'enabled',
        now: h.sim.clock.now(),
        hostedZones: true,
      },
    );

  it("stores the account's public zones in one item with the account and the time they were listed", async () => {
    const zones = new MemoryZoneStore();

    const scan = await scanDns(zones, 'zones-1');

    const stored = zones.items.get(DNS_ACCOUNT);
    expect(stored?.accountName).toBe('prod-dns');
    expect(stored?.zones).toHaveLength(ZONE_COUNT - ZONE_COUNT / 10);
    expect(stored?.listedAt).toBe(h.sim.clock.now().toISOString());
    expect(scan.zones).toEqual(stored);
    expect(scan.results[0]?.apiCalls['Route53.ListHostedZones']).toBe(3);
  });

  it('keeps the zones stored earlier and scans the certificates when the listing fails', async () => {
    const zones = new MemoryZoneStore();
    const earlier: AccountZones = {
      accountId: DNS_ACCOUNT,
      zones: [{ id: 'ZOLD', name: 'old.example.com' }],
      listedAt: '2026-11-30T06:00:00.000Z',
    };
    await zones.saveAccountZones(earlier);
    h.sim.faults.fail({ service: 'Route53', accountId: DNS_ACCOUNT, count: 20, status: 403, code: 'AccessDenied' });

    const scan = await scanDns(zones, 'zones-2');

    expect(scan.results.every((result) => result.status === 'ok')).toBe(true);
    expect(scan.zones).toBeUndefined();
    expect(zones.items.get(DNS_ACCOUNT)).toEqual(earlier);
  });
});
