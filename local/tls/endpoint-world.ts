/**
 * The endpoints of the simulated organization, served for real: one TLS server per load balancer, distribution and
 * API Gateway domain name that certificates are in use by (resources.ts), on its own loopback address and port,
 * answering each certificate's names with a leaf carrying the serial and validity ACM reports for it; and the DNS
 * records a public resolver would give (each resource's AWS name → its address, each certificate name → a CNAME to
 * the resource using it). Faults are planted per certificate, as they happen in AWS:
 *
 * - `stale`: the endpoint still serves the certificate from before a renewal, a few days from expiry;
 * - `expired`: it serves an old certificate that has expired;
 * - `wrong-sni`: the certificate is on the listener but not answered for its names (another one is served);
 * - `incomplete-chain`: the leaf is sent without its intermediate;
 * - `unreachable`: the resource's name points at an address that accepts connections and never answers.
 *
 * `sync()` re-reads the organization (a renewal ACM made is served from then on, except where a fault is planted or
 * the certificate is pinned); `pin(arn)` keeps what a certificate's endpoints serve now through later renewals;
 * `pickUp(arn)` lifts a planted fault or a pin, as an operator fixing the endpoint would.
 */

import type { SimDnsData, SimDnsRecord } from '../dns/server';
import type { SimOrganization } from '../sim/org';
import { simResources } from '../sim/resources';
import { hashSeed, Rng } from '../sim/rng';
import { createTestCa, type Leaf, type TestCa } from './pki';
import { type ServedPem, type SimTlsServer, startBlackHole, startTlsServer } from './servers';

export const ENDPOINT_FAULTS = ['stale', 'expired', 'wrong-sni', 'incomplete-chain', 'unreachable'] as const;
export type EndpointFault = (typeof ENDPOINT_FAULTS)[number];

export interface EndpointWorld {
  /** The root to trust (NODE_EXTRA_CA_CERTS, or the probe's extra roots). */
  caPem: string;
  /** Records for the loopback DNS server, as they are now. */
  readonly dns: SimDnsRecord[];
  /** The faults in force, by certificate ARN. */
  faults: ReadonlyMap<string, EndpointFault>;
  /** Serves what the organization says now (renewals), except where a fault is planted. */
  sync(): Promise<void>;
  /** Also serves the resources that appeared since (a certificate attached, an account joined), then syncs. */
  refresh(): Promise<void>;
  /** Lifts a certificate's fault or pin: from now on its endpoints serve what ACM has. */
  pickUp(certificateArn: string): Promise<void>;
  /**
   * Keeps a certificate's endpoints serving what they serve now, whatever ACM does next: a renewal the endpoint will
   * not pick up (a certificate copied onto a server, a listener pinned to a certificate ARN that was replaced).
   */
  pin(certificateArn: string): Promise<void>;
  close(): Promise<void>;
}

const DAY_MS = 86_400_000;

interface Site {
  server: SimTlsServer;
  certificateArns: string[];
}

/**
 * Base DNS data with the world's records; a name the world CNAMEs loses its own addresses (CNAME excludes them).
 * Names in `unresolved` keep what the base says (a planted "name does not resolve" stays planted).
 */
export function withEndpointRecords(
  base: SimDnsData,
  world: Pick<EndpointWorld, 'dns'>,
  unresolved: ReadonlySet<string> = new Set(),
): SimDnsData {
  const records = world.dns.filter((r) => !(r.type === 'CNAME' && unresolved.has(r.name.toLowerCase())));
  const cnamed = new Set(records.filter((r) => r.type === 'CNAME').map((r) => r.name.toLowerCase()));
  return {
    ...base,
    records: [
      ...base.records.filter((r) => !(cnamed.has(r.name.toLowerCase()) && (r.type === 'A' || r.type === 'AAAA'))),
      ...records,
    ],
  };
}

export async function startEndpointWorld(opts: {
  org: SimOrganization;
  /** The business time (the simulator's clock): what "a few days from expiry" is measured from. */
  now: () => Date;
  faults?: ReadonlyMap<string, EndpointFault>;
  ca?: TestCa;
}): Promise<EndpointWorld> {
  const ca = opts.ca ?? (await createTestCa());
  const faults = new Map(opts.faults ?? []);
  const leaves = new Map<string, Promise<Leaf>>();
  const leaf = (key: string, spec: Parameters<TestCa['issue']>[0]) => {
    let found = leaves.get(key);
    if (found === undefined) {
      found = ca.issue(spec);
      leaves.set(key, found);
    }
    return found;
  };

  const namesOf = (arn: string) => {
    const cert = opts.org.certificate(arn)?.certificate;
    return cert ? [...new Set([cert.domainName, ...cert.subjectAlternativeNames].map((n) => n.toLowerCase()))] : [];
  };

  /** What a certificate's names are answered with, given its fault. */
  async function servedPem(arn: string): Promise<ServedPem | undefined> {
    const cert = opts.org.certificate(arn)?.certificate;
    if (cert === undefined || cert.notBefore === undefined || cert.notAfter === undefined) return undefined;
    const names = namesOf(arn);
    const fault = faults.get(arn);
    const now = opts.now().getTime();
    if (fault === 'stale' || fault === 'expired') {
      const old = (new Rng(hashSeed(arn, 'previous')).hex(32).match(/../g) as string[]).join(':');
      const notAfter = fault === 'stale' ? now + 5 * DAY_MS : now - 2 * DAY_MS;
      const issued = await leaf(`${arn}|${fault}`, {
        names,
        serial: old,
        notBefore: new Date(notAfter - 198 * DAY_MS),
        notAfter: new Date(notAfter),
      });
      return { certPem: issued.chainPem, keyPem: issued.keyPem };
    }
    const issued = await leaf(`${arn}|${cert.serial ?? ''}`, {
      names,
      ...(cert.serial ? { serial: cert.serial } : {}),
      notBefore: new Date(cert.notBefore),
      notAfter: new Date(cert.notAfter),
    });
    return { certPem: fault === 'incomplete-chain' ? issued.leafPem : issued.chainPem, keyPem: issued.keyPem };
  }

  /** One TLS server per resource host and port; every port of a host on one address, as one DNS name has. */
  const sites = new Map<string, Site>();
  const holes = new Map<string, { close(): Promise<void> }>();
  const addresses = new Map<string, string>();
  const nameTargets = new Map<string, string>();

  async function place(host: string, port: number, certificateArns: string[]): Promise<void> {
    const key = `${host}:${port}`;
    const existing = sites.get(key);
    if (existing !== undefined) {
      existing.certificateArns = certificateArns;
    } else if (!holes.has(key)) {
      const fixed = addresses.get(host);
      if (certificateArns.some((arn) => faults.get(arn) === 'unreachable')) {
        const hole = await startBlackHole(port);
        holes.set(key, hole);
        addresses.set(host, fixed ?? hole.address);
      } else {
        const own = await leaf(`default|${host}`, {
          names: [host],
          notBefore: new Date(opts.now().getTime() - 30 * DAY_MS),
          notAfter: new Date(opts.now().getTime() + 365 * DAY_MS),
        });
        const server = await startTlsServer({
          port,
          defaultPem: { certPem: own.chainPem, keyPem: own.keyPem },
          rootPem: ca.rootPem,
          ...(fixed ? { address: fixed } : {}),
        });
        sites.set(key, { server, certificateArns });
        addresses.set(host, server.address);
      }
    }
    for (const arn of certificateArns) {
      for (const name of namesOf(arn)) {
        if (!name.startsWith('*.') && !nameTargets.has(name)) nameTargets.set(name, host);
      }
    }
  }

  /** Serves every resource the organization's certificates are in use by now; those served already are kept. */
  async function placeAll(): Promise<void> {
    const resources = simResources(opts.org);
    // Internal load balancers, disabled distributions and private APIs serve nothing the public internet reaches: no
    // server and no public record, so their certificates' names do not resolve either.
    for (const lb of resources.loadBalancers) {
      if (lb.scheme === 'internal') continue;
      for (const listener of lb.listeners) {
        await place(
          lb.dnsName,
          listener.port,
          listener.certificates.map((c) => c.arn),
        );
      }
    }
    for (const distribution of resources.distributions) {
      if (distribution.enabled) await place(distribution.domainName, 443, [distribution.certificateArn]);
    }
    for (const api of resources.apiDomains) {
      const host = api.endpointType === 'PRIVATE' ? undefined : (api.regionalDomainName ?? api.distributionDomainName);
      if (host !== undefined) await place(host, 443, [api.certificateArn]);
    }
  }
  await placeAll();

  const pinned = new Map<string, ServedPem | undefined>();

  async function sync(): Promise<void> {
    for (const site of sites.values()) {
      for (const arn of site.certificateArns) {
        const pem = pinned.has(arn) ? pinned.get(arn) : await servedPem(arn);
        for (const name of namesOf(arn)) {
          if (pem === undefined || faults.get(arn) === 'wrong-sni') site.server.removeSite(name);
          else site.server.setSite(name, pem);
        }
      }
    }
  }
  await sync();

  return {
    caPem: ca.rootPem,
    get dns(): SimDnsRecord[] {
      return [
        ...[...addresses].map(([name, value]): SimDnsRecord => ({ name, type: 'A', value })),
        ...[...nameTargets].map(([name, value]): SimDnsRecord => ({ name, type: 'CNAME', value })),
      ];
    },
    faults,
    sync,
    async refresh() {
      await placeAll();
      await sync();
    },
    async pickUp(arn) {
      faults.delete(arn);
      pinned.delete(arn);
      await sync();
    },
    async pin(arn) {
      pinned.set(arn, await servedPem(arn));
    },
    async close() {
      await Promise.all([
        ...[...sites.values()].map((site) => site.server.close()),
        ...[...holes.values()].map((hole) => hole.close()),
      ]);
    },
  };
}
