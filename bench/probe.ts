/**
 * p7: the TLS probe at the size of a large organization's endpoints. 500 endpoints on loopback TLS servers (one
 * address per 50 names), 50 of them behind an address that accepts connections and never answers (each costs the
 * whole timeout), and faults planted among the rest: stale renewals, expired certificates, names the server does not
 * answer for, chains without their intermediate. Measured: wall time of probing them all at the probe's default
 * timeout and concurrency, and the findings against what was planted (every planted finding found, none elsewhere).
 */
import type { Endpoint, ProbeFindingCode } from '../lambdas/core/probe/model';
import { normalizeSerial } from '../lambdas/core/probe/serial';
import { nodeDnsResolver, parseDnsServers } from '../lambdas/net/dns-resolver';
import { probeEndpoints } from '../lambdas/net/probe-endpoints';
import { DEFAULT_PROBE_CONCURRENCY, DEFAULT_PROBE_TIMEOUT_MS, tlsProbe } from '../lambdas/net/tls-probe';
import { type SimDnsRecord, startDnsServer } from '../local/dns/server';
import { createTestCa } from '../local/tls/pki';
import { type SimTlsServer, startBlackHole, startTlsServer } from '../local/tls/servers';

const DAY_MS = 86_400_000;
const NAMES_PER_SERVER = 50;

export interface P7Options {
  endpoints?: number;
  unreachable?: number;
  /** Of each kind planted among the reachable endpoints. */
  plantedPerKind?: number;
  timeoutMs?: number;
  concurrency?: number;
  log?: (line: string) => void;
}

export interface P7Result {
  endpoints: number;
  unreachable: number;
  timeoutMs: number;
  concurrency: number;
  wallSeconds: number;
  /** Findings planted, found where planted, missed, and found where nothing was planted. */
  planted: number;
  found: number;
  missed: number;
  falseFindings: number;
  byFinding: Partial<Record<ProbeFindingCode, number>>;
  matched: boolean;
}

type Kind = 'clean' | 'stale' | 'expired' | 'wrong-name' | 'no-intermediate' | 'unreachable';

const EXPECTED: Record<Kind, ProbeFindingCode[]> = {
  clean: [],
  stale: ['SERVED_MISMATCH', 'SERVED_EXPIRING'],
  expired: ['SERVED_EXPIRED', 'SERVED_MISMATCH'],
  'wrong-name': ['SERVED_MISMATCH', 'HOSTNAME_MISMATCH'],
  'no-intermediate': ['CHAIN_INCOMPLETE'],
  unreachable: ['ENDPOINT_UNREACHABLE'],
};

function serialOf(index: number, previous = false): string {
  return normalizeSerial(`${previous ? '7f' : '01'}${index.toString(16).padStart(6, '0')}`);
}

export async function runP7(opts: P7Options = {}): Promise<P7Result> {
  const total = opts.endpoints ?? 500;
  const unreachable = opts.unreachable ?? 50;
  const perKind = opts.plantedPerKind ?? 10;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const concurrency = opts.concurrency ?? DEFAULT_PROBE_CONCURRENCY;
  const log = opts.log ?? (() => {});
  const now = Date.now();
  const ca = await createTestCa('Bench');
  const valid = { notBefore: new Date(now - 30 * DAY_MS), notAfter: new Date(now + 150 * DAY_MS) };
  const fallback = await ca.issue({ names: ['default.bench.example'], ...valid });
  const planted: Kind[] = ['stale', 'expired', 'wrong-name', 'no-intermediate'];
  const kinds: Kind[] = Array.from({ length: total }, (_, i) => {
    if (i >= total - unreachable) return 'unreachable';
    return planted[Math.floor(i / perKind)] ?? 'clean';
  });

  const servers: SimTlsServer[] = [];
  const hole = await startBlackHole(443);
  const records: SimDnsRecord[] = [];
  const endpoints: Endpoint[] = [];
  for (let i = 0; i < total; i++) {
    const kind = kinds[i] as Kind;
    const name = `e${i}.bench.example`;
    endpoints.push({ host: name, port: 443, sni: name, source: 'domain', expectedSerials: [serialOf(i)] });
    if (kind === 'unreachable') {
      records.push({ name, type: 'A', value: hole.address });
      continue;
    }
    if (i % NAMES_PER_SERVER === 0 || servers.length === 0) {
      servers.push(
        await startTlsServer({
          port: 443,
          defaultPem: { certPem: fallback.chainPem, keyPem: fallback.keyPem },
          rootPem: ca.rootPem,
        }),
      );
    }
    const server = servers[servers.length - 1] as SimTlsServer;
    records.push({ name, type: 'A', value: server.address });
    if (kind === 'wrong-name') continue;
    const old = kind === 'stale' || kind === 'expired';
    const notAfter =
      kind === 'stale' ? now + 5 * DAY_MS : kind === 'expired' ? now - 2 * DAY_MS : valid.notAfter.getTime();
    const leaf = await ca.issue({
      names: [name],
      serial: serialOf(i, old),
      notBefore: new Date(notAfter - 180 * DAY_MS),
      notAfter: new Date(notAfter),
    });
    server.setSite(name, { certPem: kind === 'no-intermediate' ? leaf.leafPem : leaf.chainPem, keyPem: leaf.keyPem });
  }
  const dns = await startDnsServer({ records });
  log(`p7: ${total} endpoints on ${servers.length} TLS servers and one black hole, probing...`);

  try {
    const resolver = nodeDnsResolver({ servers: parseDnsServers(dns.address) });
    const probe = tlsProbe({ resolver, timeoutMs, extraCaCertificates: [ca.rootPem] });
    const started = performance.now();
    const results = await probeEndpoints(probe, endpoints, { now: new Date(), expiryDays: 30, concurrency });
    const wallSeconds = Math.round((performance.now() - started) / 10) / 100;

    let found = 0;
    let missed = 0;
    let falseFindings = 0;
    const byFinding: Partial<Record<ProbeFindingCode, number>> = {};
    results.forEach((result, i) => {
      const expected = EXPECTED[kinds[i] as Kind];
      for (const code of result.findings) byFinding[code] = (byFinding[code] ?? 0) + 1;
      found += result.findings.filter((code) => expected.includes(code)).length;
      missed += expected.filter((code) => !result.findings.includes(code)).length;
      falseFindings += result.findings.filter((code) => !expected.includes(code)).length;
    });
    const plantedCount = kinds.reduce((sum, kind) => sum + EXPECTED[kind].length, 0);
    log(`p7: ${wallSeconds} s, ${found}/${plantedCount} planted findings found, ${falseFindings} false`);
    return {
      endpoints: total,
      unreachable,
      timeoutMs,
      concurrency,
      wallSeconds,
      planted: plantedCount,
      found,
      missed,
      falseFindings,
      byFinding,
      matched: missed === 0 && falseFindings === 0,
    };
  } finally {
    await Promise.all([...servers.map((server) => server.close()), hole.close(), dns.close()]);
  }
}
