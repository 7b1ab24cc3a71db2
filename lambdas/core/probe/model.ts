/**
 * The endpoint model of the probe: what is probed (an endpoint found from an ACM certificate's resources, its names,
 * or a user's list), what it served, and what the rules concluded. Plain data (ISO-8601 strings for dates) so it
 * crosses JSON, the snapshot and the report unchanged. The field names of `EndpointResult` are the JSON report's
 * contract (`endpoints[]`), so they are written once, here.
 */

/** Where an endpoint came from. */
export const ENDPOINT_SOURCES = ['elbv2', 'cloudfront', 'apigateway', 'domain', 'file'] as const;
export type EndpointSource = (typeof ENDPOINT_SOURCES)[number];

export const ENDPOINT_STATUSES = ['ok', 'finding', 'unreachable', 'skipped'] as const;
export type EndpointStatus = (typeof ENDPOINT_STATUSES)[number];

/** The port every discovered endpoint without a listener of its own is probed on. */
export const HTTPS_PORT = 443;

/** One endpoint to probe, or one that discovery found and skipped (with the reason). */
export interface Endpoint {
  /** The name (or address) connected to. */
  host: string;
  port: number;
  /** The server name sent in the TLS ClientHello: a name the certificate covers, so SNI picks it. */
  sni: string;
  source: EndpointSource;
  /** The load balancer, distribution or API Gateway domain name the endpoint belongs to. */
  resourceArn?: string;
  /** The ACM certificate the resource is configured with (or whose name this is, for `domain`). */
  certificateArn?: string;
  /** The account and region of that certificate (absent for `file` endpoints). */
  accountId?: string;
  region?: string;
  /**
   * Serials the endpoint may serve without a SERVED_MISMATCH (normalised, serial.ts): the configured certificate's,
   * or for a name, those of every in-use certificate that covers it. Empty: nothing to compare with (a file endpoint).
   */
  expectedSerials: string[];
  /** Set when discovery decided not to probe it, e.g. an internal load balancer. */
  skippedReason?: string;
}

/** The leaf certificate an endpoint served, and what the probe checked about it. */
export interface ServedCertificate {
  /** Upper-case hex, colon-separated (serial.ts). */
  serial: string;
  /** Upper-case hex, colon-separated, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprintSha256: string;
  subject: string;
  sans: string[];
  issuer: string;
  /** ISO-8601. */
  notAfter: string;
  /** The chain the server sent leads from the leaf up to a trusted root (Node's store plus NODE_EXTRA_CA_CERTS). */
  chainComplete: boolean;
  /** The leaf covers the SNI name. */
  hostnameMatches: boolean;
  /** The TLS version negotiated, e.g. `TLSv1.3`. */
  protocol: string;
}

/**
 * Why a probe got no certificate: the kinds an operator acts on differently. `no-address`: the name has no address
 * in DNS (NXDOMAIN or no A/AAAA); `dns`: the name servers failed to answer, which says nothing about the name.
 */
export const UNREACHABLE_KINDS = ['no-address', 'dns', 'timeout', 'refused', 'tls', 'network'] as const;
export type UnreachableKind = (typeof UNREACHABLE_KINDS)[number];

/** What one probe saw: a certificate, or why there was none. */
export type ProbeOutcome =
  | { kind: 'served'; served: ServedCertificate }
  | { kind: 'unreachable'; reason: UnreachableKind; message: string };

export const PROBE_FINDING_CODES = [
  'SERVED_EXPIRED',
  'SERVED_MISMATCH',
  'SERVED_EXPIRING',
  'HOSTNAME_MISMATCH',
  'CHAIN_INCOMPLETE',
  'ENDPOINT_UNREACHABLE',
] as const;
export type ProbeFindingCode = (typeof PROBE_FINDING_CODES)[number];

/** One endpoint in the report: the `endpoints[]` item of the JSON report. */
export interface EndpointResult {
  host: string;
  port: number;
  sni: string;
  source: EndpointSource;
  resourceArn?: string;
  certificateArn?: string;
  accountId?: string;
  region?: string;
  /** The serials it may serve without a mismatch (Endpoint.expectedSerials); kept for the incidents, not reported. */
  expectedSerials: string[];
  status: EndpointStatus;
  skippedReason?: string;
  served?: ServedCertificate;
  /** Why the probe got no certificate (status `unreachable`). */
  error?: { reason: UnreachableKind; message: string };
  findings: ProbeFindingCode[];
  /** When it was probed (ISO-8601); absent when skipped. */
  probedAt?: string;
}

/** The identity of an endpoint across runs: the same source, address and name is the same endpoint. */
export function endpointKey(endpoint: Pick<Endpoint, 'source' | 'host' | 'port' | 'sni'>): string {
  return `${endpoint.source}|${endpoint.host.toLowerCase()}:${endpoint.port}|${endpoint.sni.toLowerCase()}`;
}
