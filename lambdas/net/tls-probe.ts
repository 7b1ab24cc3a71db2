/**
 * The probe of one endpoint: a real TLS handshake with SNI, from the hub (outside any VPC), that reads what users
 * get: the served leaf (serial, SHA-256 fingerprint, subject, names, issuer, expiry), whether the chain the server
 * sent leads to a trusted root, whether the leaf covers the name, and the protocol negotiated. Verification is not
 * left to the handshake (`rejectUnauthorized: false`): an expired or wrong certificate is exactly what we want to see,
 * and the chain is checked here, on the certificates the server sent, so an expired leaf does not hide a missing
 * intermediate. Names are resolved through the injected resolver (`--dns-server`) or the system's.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type DetailedPeerCertificate, rootCertificates, type TLSSocket } from 'node:tls';
import type { DnsResolver } from '../core/diagnosis';
import type { Endpoint, ProbeOutcome, ServedCertificate, UnreachableKind } from '../core/probe/model';
import { colonHex, normalizeSerial } from '../core/probe/serial';

/** How long one probe (name lookup, connect and handshake) may take. */
export const DEFAULT_PROBE_TIMEOUT_MS = 5_000;

/** Probes in flight at once. */
export const DEFAULT_PROBE_CONCURRENCY = 50;

export type ProbeTarget = Pick<Endpoint, 'host' | 'port' | 'sni'>;
export type ProbeEndpoint = (target: ProbeTarget) => Promise<ProbeOutcome>;

export interface TlsProbeOptions {
  /** @default DEFAULT_PROBE_TIMEOUT_MS */
  timeoutMs?: number;
  /** Resolves host names; absent: the system's resolver (getaddrinfo) through the socket. */
  resolver?: Pick<DnsResolver, 'addresses'>;
  /**
   * Roots trusted besides Node's bundled store, PEM: the contents of NODE_EXTRA_CA_CERTS (Node's own store does not
   * list them; readExtraCaCertificates reads the file once at start-up).
   */
  extraCaCertificates?: readonly string[];
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle (NODE_EXTRA_CA_CERTS names one). */
export function pemCertificates(pem: string): string[] {
  return pem.match(PEM_BLOCK) ?? [];
}

/** Splits Node's multi-line distinguished name into the one-line form reports show. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function sansOf(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:') || entry.startsWith('IP Address:'))
    .map((entry) => entry.replace(/^(DNS|IP Address):/, ''));
}

/** The certificates the server sent, leaf first (Node links them through issuerCertificate; a root links to itself). */
function sentChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

function issued(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

/** From the leaf, every step signed by the next certificate sent, up to one signed by (or being) a trusted root. */
export function chainReachesTrustedRoot(
  chain: readonly X509Certificate[],
  trusted: readonly X509Certificate[],
): boolean {
  const trustedPrints = new Set(trusted.map((cert) => cert.fingerprint256));
  let current = chain[0];
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    const here: X509Certificate = current;
    if (trustedPrints.has(here.fingerprint256)) return true;
    if (trusted.some((root) => issued(here, root))) return true;
    current = chain.find((candidate) => candidate !== here && issued(here, candidate));
  }
  return false;
}

function classify(error: unknown): { reason: UnreachableKind; message: string } {
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNREFUSED') return { reason: 'refused', message };
  if (code === 'ETIMEDOUT') return { reason: 'timeout', message };
  if (code === 'ENOTFOUND') return { reason: 'no-address', message };
  if (code === 'EAI_AGAIN') return { reason: 'dns', message };
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /alert|handshake|ssl/i.test(message)) {
    return { reason: 'tls', message };
  }
  return { reason: 'network', message };
}

/** The address to connect to: the host itself when it is an address, else the resolver's first answer. */
async function address(
  resolver: TlsProbeOptions['resolver'],
  host: string,
): Promise<{ address: string } | { reason: UnreachableKind; message: string } | undefined> {
  if (resolver === undefined || isIP(host) !== 0) return undefined;
  const answer = await resolver.addresses(host);
  if (answer.kind === 'answer') {
    const ipv4 = answer.records.find((record) => isIP(record) === 4);
    return { address: ipv4 ?? (answer.records[0] as string) };
  }
  if (answer.kind === 'error') return { reason: 'dns', message: `DNS ${answer.error} for ${host}: ${answer.message}` };
  return { reason: 'no-address', message: `${host} has no address in DNS (${answer.kind.toUpperCase()})` };
}

function served(socket: TLSSocket, sni: string, trusted: () => X509Certificate[]): ServedCertificate | undefined {
  // One read of the peer chain, leaf first (asking Node for the leaf separately beforehand empties this read).
  const chain = sentChain(socket);
  const [leaf] = chain;
  if (leaf === undefined) return undefined;
  const hostnameMatches = isIP(sni) !== 0 ? leaf.checkIP(sni) !== undefined : leaf.checkHost(sni) !== undefined;
  return {
    serial: normalizeSerial(leaf.serialNumber),
    fingerprintSha256: colonHex(leaf.fingerprint256),
    subject: oneLine(leaf.subject),
    sans: sansOf(leaf),
    issuer: oneLine(leaf.issuer),
    notAfter: new Date(leaf.validTo).toISOString(),
    chainComplete: chainReachesTrustedRoot(chain, trusted()),
    hostnameMatches,
    protocol: socket.getProtocol() ?? 'unknown',
  };
}

/** A probe with these settings; the trusted roots are parsed once, on first use. */
export function tlsProbe(opts: TlsProbeOptions = {}): ProbeEndpoint {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let roots: X509Certificate[] | undefined;
  const trusted = () => {
    roots ??= [...rootCertificates, ...(opts.extraCaCertificates ?? [])].flatMap((pem) => {
      try {
        return [new X509Certificate(pem)];
      } catch {
        return [];
      }
    });
    return roots;
  };

  return (target) =>
    new Promise<ProbeOutcome>((resolve) => {
      let socket: TLSSocket | undefined;
      let settled = false;
      const finish = (outcome: ProbeOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket?.destroy();
        resolve(outcome);
      };
      const timer = setTimeout(
        () => finish({ kind: 'unreachable', reason: 'timeout', message: `no TLS handshake within ${timeoutMs} ms` }),
        timeoutMs,
      );
      address(opts.resolver, target.host)
        .then((resolved) => {
          if (settled) return;
          if (resolved !== undefined && 'reason' in resolved) {
            finish({ kind: 'unreachable', ...resolved });
            return;
          }
          const tlsSocket = connect({
            host: resolved?.address ?? target.host,
            port: target.port,
            ...(isIP(target.sni) === 0 && target.sni !== '' ? { servername: target.sni } : {}),
            rejectUnauthorized: false,
            // The handshake must not stop at the leaf: checkServerIdentity would end it on a wrong name.
            checkServerIdentity: () => undefined,
          });
          socket = tlsSocket;
          tlsSocket.once('secureConnect', () => {
            try {
              const cert = served(tlsSocket, target.sni, trusted);
              finish(
                cert
                  ? { kind: 'served', served: cert }
                  : { kind: 'unreachable', reason: 'tls', message: 'the server sent no certificate' },
              );
            } catch (error) {
              finish({ kind: 'unreachable', reason: 'tls', message: `unreadable certificate: ${String(error)}` });
            }
          });
          tlsSocket.once('error', (error) => finish({ kind: 'unreachable', ...classify(error) }));
          tlsSocket.once('close', () =>
            finish({
              kind: 'unreachable',
              reason: 'tls',
              message: 'the server closed the connection during the handshake',
            }),
          );
        })
        .catch((error: unknown) => finish({ kind: 'unreachable', ...classify(error) }));
    });
}
