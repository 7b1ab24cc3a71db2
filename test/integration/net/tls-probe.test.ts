/**
 * The probe against real TLS servers on loopback, names resolved by a DNS server on loopback: what it reads from a
 * healthy endpoint, and each way an endpoint can be wrong or out of reach, each told apart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeDnsResolver, parseDnsServers } from '../../../lambdas/net/dns-resolver';
import { type ProbeEndpoint, tlsProbe } from '../../../lambdas/net/tls-probe';
import { type SimDnsServer, startDnsServer } from '../../../local/dns/server';
import { createTestCa, type TestCa } from '../../../local/tls/pki';
import { loopbackAddress, type SimTlsServer, startBlackHole, startTlsServer } from '../../../local/tls/servers';

const DAY_MS = 86_400_000;
const now = Date.now();
let ca: TestCa;
let server: SimTlsServer;
let hole: { address: string; close(): Promise<void> };
let dns: SimDnsServer;
let probe: ProbeEndpoint;
let untrusting: ProbeEndpoint;

beforeAll(async () => {
  ca = await createTestCa('Probe Test');
  const valid = { notBefore: new Date(now - 30 * DAY_MS), notAfter: new Date(now + 90 * DAY_MS) };
  const other = await ca.issue({ names: ['default.example.net'], serial: 'AA:01', ...valid });
  server = await startTlsServer({
    port: 443,
    defaultPem: { certPem: other.chainPem, keyPem: other.keyPem },
    rootPem: ca.rootPem,
  });
  const good = await ca.issue({ names: ['good.example.com', 'www.good.example.com'], serial: '00:9f:01:02', ...valid });
  const bare = await ca.issue({ names: ['bare.example.com'], serial: 'BB:02', ...valid });
  const old = await ca.issue({
    names: ['old.example.com'],
    serial: 'CC:03',
    notBefore: new Date(now - 200 * DAY_MS),
    notAfter: new Date(now - 2 * DAY_MS),
  });
  const wild = await ca.issue({ names: ['*.wild.example.com'], serial: 'DD:04', ...valid });
  server.setSite('good.example.com', { certPem: good.chainPem, keyPem: good.keyPem });
  server.setSite('bare.example.com', { certPem: bare.leafPem, keyPem: bare.keyPem });
  server.setSite('old.example.com', { certPem: old.chainPem, keyPem: old.keyPem });
  server.setSite('*.wild.example.com', { certPem: wild.chainPem, keyPem: wild.keyPem });
  hole = await startBlackHole(443);
  const refusing = loopbackAddress();
  dns = await startDnsServer({
    records: [
      ...['good', 'bare', 'old', 'elsewhere', 'a.wild'].map((name) => ({
        name: `${name}.example.com`,
        type: 'A' as const,
        value: server.address,
      })),
      { name: 'hole.example.com', type: 'A', value: hole.address },
      { name: 'refused.example.com', type: 'A', value: refusing },
    ],
    servfail: ['broken.example.com'],
  });
  const resolver = nodeDnsResolver({ servers: parseDnsServers(dns.address), timeoutMs: 500, tries: 1 });
  probe = tlsProbe({ resolver, timeoutMs: 1_500, extraCaCertificates: [ca.rootPem] });
  untrusting = tlsProbe({ resolver, timeoutMs: 1_500 });
});

afterAll(async () => {
  await Promise.all([server?.close(), hole?.close(), dns?.close()]);
});

const target = (host: string, sni = host) => ({ host, port: 443, sni });

describe('the TLS probe', () => {
  it('reads the served leaf, a complete chain to a trusted root, the name matched and the protocol', async () => {
    const outcome = await probe(target('good.example.com'));

    expect(outcome).toMatchObject({
      kind: 'served',
      served: {
        serial: '9F:01:02',
        subject: 'CN=good.example.com',
        sans: ['good.example.com', 'www.good.example.com'],
        issuer: 'CN=Probe Test Issuing CA',
        chainComplete: true,
        hostnameMatches: true,
        protocol: 'TLSv1.3',
      },
    });
    if (outcome.kind !== 'served') throw new Error('unreachable');
    expect(outcome.served.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(Date.parse(outcome.served.notAfter)).toBeGreaterThan(now);
  });

  it('says the chain is incomplete when the server sends the leaf without its intermediate', async () => {
    const outcome = await probe(target('bare.example.com'));

    expect(outcome).toMatchObject({ kind: 'served', served: { chainComplete: false, hostnameMatches: true } });
  });

  it("does not trust a root that is neither in Node's store nor among the extra CA certificates", async () => {
    expect(await untrusting(target('good.example.com'))).toMatchObject({ served: { chainComplete: false } });
  });

  it('reads an expired certificate instead of failing the handshake, its chain judged apart from its dates', async () => {
    const outcome = await probe(target('old.example.com'));

    expect(outcome).toMatchObject({ kind: 'served', served: { serial: 'CC:03', chainComplete: true } });
    if (outcome.kind === 'served') expect(Date.parse(outcome.served.notAfter)).toBeLessThan(now);
  });

  it('sees the default certificate served for a name the server does not know, and that it does not match', async () => {
    const outcome = await probe(target('elsewhere.example.com'));

    expect(outcome).toMatchObject({ kind: 'served', served: { serial: 'AA:01', hostnameMatches: false } });
  });

  it('matches a wildcard certificate for a name one label under it', async () => {
    expect(await probe(target('a.wild.example.com'))).toMatchObject({
      served: { serial: 'DD:04', hostnameMatches: true },
    });
  });

  it('connects to the host and sends another name as SNI (a load balancer reached by its own DNS name)', async () => {
    expect(await probe(target(server.address, 'good.example.com'))).toMatchObject({ served: { serial: '9F:01:02' } });
  });

  it.each([
    ['a server that never answers', 'hole.example.com', 'timeout'],
    ['nothing listening', 'refused.example.com', 'refused'],
    ['a name with no address', 'nowhere.example.com', 'no-address'],
    ['a name server failure', 'broken.example.com', 'dns'],
  ])('tells %s apart as %s', async (_name, host, reason) => {
    const started = Date.now();

    const outcome = await probe(target(host));

    expect(outcome).toMatchObject({ kind: 'unreachable', reason });
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
