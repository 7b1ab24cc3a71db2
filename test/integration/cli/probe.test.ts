/**
 * `audit --probe`: the real CLI as a child process discovers the simulated organization's endpoints through the
 * audit role, probes them over real TLS on loopback (names through the loopback DNS server, the simulator's root
 * trusted through NODE_EXTRA_CA_CERTS) and reports what each serves; `--endpoints` adds a server outside ACM.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../../lambdas/core/report';
import { type SimDnsServer, startDnsServer } from '../../../local/dns/server';
import { simulatedZones } from '../../../local/dns/zones';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type EndpointWorld, startEndpointWorld, withEndpointRecords } from '../../../local/tls/endpoint-world';
import { createTestCa } from '../../../local/tls/pki';
import { type SimTlsServer, startTlsServer } from '../../../local/tls/servers';
import { isolatedEnv, runCli } from './harness';

const DAY_MS = 86_400_000;
const scenario = generateScenario({
  seed: 7,
  accounts: 3,
  regions: ['us-east-1', 'eu-west-1'],
  certificatesPerTarget: { min: 2, max: 6 },
  inactiveAccounts: false,
});

let sim: Simulator;
let world: EndpointWorld;
let outside: SimTlsServer;
let dns: SimDnsServer;
let stale: string;
const dir = mkdtempSync(join(tmpdir(), 'audit-probe-'));

beforeAll(async () => {
  sim = await startSimulator({ scenario, quotas: { DescribeCertificate: 200, ListTagsForCertificate: 200 } });
  const now = sim.clock.now();
  // A renewal not picked up, on a certificate ACM holds as healthy: in use, issued, far from expiry.
  const healthy = sim.org
    .allCertificates()
    .map((record) => record.certificate)
    .filter((cert) => cert.inUseBy.length > 0 && sim.org.statusOf(cert) === 'ISSUED')
    .filter((cert) => Date.parse(cert.notAfter ?? '') - now.getTime() > 60 * DAY_MS)
    .sort((a, b) => (a.arn < b.arn ? -1 : 1));
  stale = healthy[0]?.arn ?? '';
  if (stale === '') throw new Error('seed 7 lacks a healthy in-use certificate');
  const ca = await createTestCa('CLI Probe');
  world = await startEndpointWorld({
    org: sim.org,
    now: () => sim.clock.now(),
    faults: new Map([[stale, 'stale']]),
    ca,
  });
  // A server outside ACM whose certificate expires in three days (real time: the CLI judges at --as-of).
  const leaf = await ca.issue({
    names: ['vpn.outside.example.net'],
    notBefore: new Date(now.getTime() - 90 * DAY_MS),
    notAfter: new Date(now.getTime() + 3 * DAY_MS),
  });
  outside = await startTlsServer({
    port: 8443,
    defaultPem: { certPem: leaf.chainPem, keyPem: leaf.keyPem },
    rootPem: ca.rootPem,
  });
  outside.setSite('vpn.outside.example.net', { certPem: leaf.chainPem, keyPem: leaf.keyPem });
  const zones = withEndpointRecords(simulatedZones(sim.org.allCertificates().map((r) => r.certificate)), world);
  dns = await startDnsServer({
    ...zones,
    records: [...zones.records, { name: 'vpn.outside.example.net', type: 'A', value: outside.address }],
  });
  writeFileSync(join(dir, 'ca.pem'), ca.rootPem);
  writeFileSync(join(dir, 'endpoints.txt'), '# outside ACM\nvpn.outside.example.net:8443\n');
});

afterAll(async () => {
  await Promise.all([sim?.close(), world?.close(), outside?.close(), dns?.close()]);
});

const args = (...more: string[]) => [
  '--format',
  'json',
  '--dns-server',
  dns.address,
  '--probe-timeout-ms',
  '1500',
  '--describe-rate',
  '100',
  '--as-of',
  sim.clock.toISOString(),
  ...more,
];

describe('audit --probe', () => {
  it('reports what each endpoint serves, the planted mismatch on its certificate only, and the user endpoint', async () => {
    const run = await runCli(
      args('--probe', '--endpoints', join(dir, 'endpoints.txt')),
      isolatedEnv({ ...sim.env(), NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }),
    );

    expect(run.messages.filter((line) => /AccessDenied|Error/.test(line))).toEqual([]);
    const report = parseReport(run.stdout);
    const endpoints = report.endpoints ?? [];
    const mismatched = endpoints.filter((e) => e.findings.includes('SERVED_MISMATCH'));
    expect(mismatched.length).toBeGreaterThanOrEqual(2);
    // The stale certificate's resources, and its names wherever another account's certificate carries them too: the
    // name serves a certificate no account's ACM holds.
    const names = new Set(endpoints.filter((e) => e.certificateArn === stale).map((e) => e.sni));
    expect(new Set(mismatched.filter((e) => e.source !== 'domain').map((e) => e.certificateArn))).toEqual(
      new Set([stale]),
    );
    expect(mismatched.every((e) => names.has(e.sni))).toBe(true);
    expect(new Set(mismatched.map((e) => e.source))).toContain('domain');
    expect(endpoints.find((e) => e.source === 'file')).toMatchObject({
      host: 'vpn.outside.example.net',
      port: 8443,
      status: 'finding',
      findings: ['SERVED_EXPIRING'],
      served: { chainComplete: true, hostnameMatches: true },
    });
    expect(report.summary.byFinding.SERVED_MISMATCH).toBe(mismatched.length);
    expect(endpoints.filter((e) => e.status === 'ok').length).toBeGreaterThan(0);
    expect(endpoints.every((e) => e.served === undefined || /^([0-9A-F]{2}:)*[0-9A-F]{2}$/.test(e.served.serial))).toBe(
      true,
    );
  });

  it('stops before scanning, naming the file and line, on a bad endpoints file', async () => {
    writeFileSync(join(dir, 'bad.txt'), 'ok.example.com\nhttps://bad.example.com/\n');

    const run = await runCli(args('--endpoints', join(dir, 'bad.txt')), isolatedEnv(sim.env()));

    expect(run.code).toBe(1);
    expect(run.messages.join('\n')).toMatch(/bad\.txt line 2: "https:\/\/bad\.example\.com\/" is a URL/);
  });
});
