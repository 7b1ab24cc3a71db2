/**
 * The Route 53 zone listing against the simulator's ListHostedZones, over the wire: every page followed through
 * `NextMarker`, private zones left out, ids and names as the diagnosis uses them, and a refusal as a typed error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCounter, createRoute53Client } from '../../../lambdas/aws/clients';
import { HostedZonesError, listPublicHostedZones } from '../../../lambdas/aws/route53';
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
