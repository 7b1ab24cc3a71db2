/**
 * The probe end to end on one simulated account: its certificates scanned from the simulated ACM, their load
 * balancers, distribution and API Gateway domain read over the wire, and every endpoint probed over real TLS on
 * loopback, names resolved by the loopback DNS server. One fault is planted per certificate; each must show on that
 * certificate's endpoints and nowhere else, skipped endpoints must say why, and an endpoint that picks up the
 * renewal must be clean again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP_REASONS } from '../../../lambdas/core/probe/discovery';
import type { EndpointResult } from '../../../lambdas/core/probe/model';
import { nodeDnsResolver, parseDnsServers } from '../../../lambdas/net/dns-resolver';
import { tlsProbe } from '../../../lambdas/net/tls-probe';
import { scanAccount } from '../../../lambdas/scan/scan-account';
import { type SimDnsServer, startDnsServer } from '../../../local/dns/server';
import { parseScenario } from '../../../local/sim';
import { type EndpointFault, type EndpointWorld, startEndpointWorld } from '../../../local/tls/endpoint-world';
import { CLIENT_CONFIG, EXTERNAL_ID, ROLE_NAME, type ScanHarness, startScanHarness } from '../scan/sim-harness';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const START = '2026-12-01T00:00:00.000Z';
const DAY_MS = 86_400_000;
const cert = (id: string) => `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${id}`;
const alb = (name: string) =>
  `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${name}/${name.padEnd(16, '0').slice(0, 16)}`;
const CDN = `arn:aws:cloudfront::${ACCOUNT}:distribution/EOLD0000000001`;
const CDN_OFF = `arn:aws:cloudfront::${ACCOUNT}:distribution/EOFF0000000002`;
const API = `arn:aws:apigateway:${REGION}::/domainnames/api.a.example.com`;

function certificate(id: string, name: string, inUseBy: string[], serial: string) {
  return {
    arn: cert(id),
    domainName: name,
    subjectAlternativeNames: [name],
    type: 'AMAZON_ISSUED' as const,
    status: 'ISSUED' as const,
    keyAlgorithm: 'EC_prime256v1' as const,
    notBefore: new Date(Date.parse(START) - 30 * DAY_MS).toISOString(),
    notAfter: new Date(Date.parse(START) + 150 * DAY_MS).toISOString(),
    renewalEligibility: 'ELIGIBLE' as const,
    inUseBy,
    issuer: 'Amazon',
    serial,
  };
}

const FAULTS = new Map<string, EndpointFault>([
  [cert('stale'), 'stale'],
  [cert('expired'), 'expired'],
  [cert('sni'), 'wrong-sni'],
  [cert('chain'), 'incomplete-chain'],
  [cert('down'), 'unreachable'],
]);

let h: ScanHarness;
let world: EndpointWorld;
let dns: SimDnsServer;
let results: EndpointResult[];

async function probeAll(): Promise<EndpointResult[]> {
  const resolver = nodeDnsResolver({ servers: parseDnsServers(dns.address), timeoutMs: 500, tries: 1 });
  const probe = tlsProbe({ resolver, timeoutMs: 1_000, extraCaCertificates: [world.caPem] });
  const scan = await scanAccount(
    { roles: h.roles, clientConfig: CLIENT_CONFIG },
    {
      runId: 'probe-test',
      account: { id: ACCOUNT },
      regions: [REGION],
      now: h.sim.clock.now(),
      probe: { probe, expiryDays: 30 },
    },
  );
  return scan.probe?.results ?? [];
}

function findingsOf(filter: (result: EndpointResult) => boolean): string[][] {
  return results.filter(filter).map((result) => result.findings);
}

beforeAll(async () => {
  h = await startScanHarness(
    parseScenario({
      managementAccountId: ACCOUNT,
      start: START,
      accounts: [
        {
          id: ACCOUNT,
          name: 'shop',
          state: 'ACTIVE',
          enabledRegions: [REGION],
          roles: [{ name: ROLE_NAME, externalId: EXTERNAL_ID }],
          resourceSettings: { [alb('internal')]: { scheme: 'internal' }, [CDN_OFF]: { enabled: false } },
          certificates: [
            certificate('healthy', 'shop.a.example.com', [alb('shop')], '01:aa'),
            certificate('sni', 'sni.a.example.com', [alb('shop')], '02:bb'),
            certificate('stale', 'stale.a.example.com', [alb('stale')], '03:cc'),
            certificate('expired', 'old.a.example.com', [CDN], '04:dd'),
            certificate('chain', 'api.a.example.com', [API], '05:ee'),
            certificate('down', 'down.a.example.com', [alb('down')], '06:ff'),
            certificate('internal', 'int.a.example.com', [alb('internal')], '07:aa'),
            certificate('off', 'cdn.a.example.com', [CDN_OFF], '08:bb'),
            certificate('unused', 'unused.a.example.com', [], '09:cc'),
          ],
        },
      ],
    }),
  );
  world = await startEndpointWorld({ org: h.sim.org, now: () => h.sim.clock.now(), faults: FAULTS });
  dns = await startDnsServer({ records: world.dns });
  results = await probeAll();
});

afterAll(async () => {
  await Promise.all([world?.close(), dns?.close()]);
  await h?.close();
});

describe('endpoints probed against what ACM says', () => {
  it('finds nothing on the endpoints that serve their ACM certificate', () => {
    expect(findingsOf((r) => r.certificateArn === cert('healthy'))).toEqual([[], []]);
    expect(results.find((r) => r.source === 'elbv2' && r.certificateArn === cert('healthy'))).toMatchObject({
      status: 'ok',
      port: 443,
      sni: 'shop.a.example.com',
      resourceArn: alb('shop'),
      served: { serial: '01:AA', chainComplete: true, hostnameMatches: true },
    });
  });

  it.each([
    ['a renewal not picked up', 'stale', ['SERVED_MISMATCH', 'SERVED_EXPIRING']],
    ['an expired certificate still served', 'expired', ['SERVED_EXPIRED', 'SERVED_MISMATCH']],
    ['a certificate the listener does not answer its names with', 'sni', ['SERVED_MISMATCH', 'HOSTNAME_MISMATCH']],
    ['a chain without its intermediate', 'chain', ['CHAIN_INCOMPLETE']],
    ['a resource that never answers', 'down', ['ENDPOINT_UNREACHABLE']],
  ])('shows %s on every endpoint of that certificate, the resource and its name', (_name, id, findings) => {
    const planted = findingsOf((r) => r.certificateArn === cert(id));

    expect(planted).toHaveLength(2);
    for (const found of planted) expect(found).toEqual(findings);
  });

  it('finds nothing on any endpoint of a certificate where nothing was planted', () => {
    const clean = results.filter((r) => r.certificateArn !== undefined && !FAULTS.has(r.certificateArn));

    expect(clean.flatMap((r) => r.findings)).toEqual([]);
  });

  it('skips, with the reason, an internal load balancer, a disabled distribution and names not in public DNS', () => {
    const skipped = results
      .filter((r) => r.status === 'skipped')
      .map((r) => [r.certificateArn, r.source, r.skippedReason]);

    expect(skipped).toEqual(
      expect.arrayContaining([
        [cert('internal'), 'elbv2', SKIP_REASONS.internal],
        [cert('off'), 'cloudfront', SKIP_REASONS.disabled],
        [cert('internal'), 'domain', SKIP_REASONS.noAddress],
        [cert('off'), 'domain', SKIP_REASONS.noAddress],
      ]),
    );
    expect(skipped).toHaveLength(4);
    expect(results.some((r) => r.certificateArn === cert('unused'))).toBe(false);
  });

  it('reaches each resource through the name AWS gives it', () => {
    const hosts = Object.fromEntries(results.filter((r) => r.source !== 'domain').map((r) => [r.source, r.host]));

    expect(hosts.elbv2).toMatch(/\.us-east-1\.elb\.amazonaws\.com$/);
    expect(hosts.cloudfront).toMatch(/^d[0-9a-f]{13}\.cloudfront\.net$/);
    expect(hosts.apigateway).toMatch(/^d-[0-9a-f]{10}\.execute-api\.us-east-1\.amazonaws\.com$/);
  });

  it('catches a renewal ACM made that the endpoints did not pick up, and clears once they serve it', async () => {
    await world.pin(cert('healthy'));
    h.sim.org.renew(cert('healthy'));
    await world.sync();

    const renewed = await probeAll();
    await world.pickUp(cert('healthy'));
    const pickedUp = await probeAll();

    const ofHealthy = (list: EndpointResult[]) => list.filter((r) => r.certificateArn === cert('healthy'));
    expect(ofHealthy(renewed).map((r) => r.findings)).toEqual([['SERVED_MISMATCH'], ['SERVED_MISMATCH']]);
    expect(ofHealthy(renewed)[0]?.served?.serial).toBe('01:AA');
    expect(ofHealthy(pickedUp).map((r) => r.findings)).toEqual([[], []]);
    expect(ofHealthy(pickedUp)[0]?.served?.serial).not.toBe('01:AA');
  });

  it('serves a load balancer attached since, once the world is refreshed and DNS serves its name', async () => {
    h.sim.org.attach(cert('unused'), alb('late'));
    await world.refresh();
    dns.data = { records: world.dns };

    const after = await probeAll();

    expect(after.filter((r) => r.certificateArn === cert('unused')).map((r) => [r.source, r.status])).toEqual([
      ['elbv2', 'ok'],
      ['domain', 'ok'],
    ]);
  });

  it('is clean again once the endpoint serves the renewed certificate', async () => {
    await world.pickUp(cert('stale'));

    const after = await probeAll();

    expect(after.filter((r) => r.certificateArn === cert('stale')).map((r) => r.findings)).toEqual([[], []]);
  });
});
