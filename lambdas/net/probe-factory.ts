/**
 * The probe as a Lambda or the CLI builds it once at start-up: names resolved through the configured name servers
 * (`--dns-server`, the stack's DNS setting) or the system's, and trust in Node's bundled roots plus those of
 * NODE_EXTRA_CA_CERTS. Node trusts that file for its own connections but does not list it in `tls.rootCertificates`,
 * which the probe's own chain check reads, so the file is read here, once, and a path that cannot be read fails the
 * start-up with its name rather than making every chain look incomplete.
 */
import { readFileSync } from 'node:fs';
import { nodeDnsResolver } from './dns-resolver';
import { type ProbeEndpoint, pemCertificates, tlsProbe } from './tls-probe';

/** The environment variable Node itself reads for extra trusted roots. */
export const EXTRA_CA_CERTS_VARIABLE = 'NODE_EXTRA_CA_CERTS';

export class ExtraCaCertificatesError extends Error {
  override readonly name = 'ExtraCaCertificatesError';
}

/** The certificates of the NODE_EXTRA_CA_CERTS file; none when the variable is unset. */
export function readExtraCaCertificates(path: string | undefined): string[] {
  if (path === undefined || path.trim() === '') return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ExtraCaCertificatesError(
      `${EXTRA_CA_CERTS_VARIABLE} names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): give a readable PEM file or unset it`,
    );
  }
  const certificates = pemCertificates(text);
  if (certificates.length === 0) {
    throw new ExtraCaCertificatesError(
      `${EXTRA_CA_CERTS_VARIABLE} names ${path}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    );
  }
  return certificates;
}

export interface ProbeSettings {
  timeoutMs: number;
  /** `host:port` name servers; absent or empty: the system's resolver. */
  dnsServers?: readonly string[];
  /** The NODE_EXTRA_CA_CERTS path, if set. */
  extraCaCertificatesFile?: string;
}

export function createProbe(settings: ProbeSettings): ProbeEndpoint {
  const servers = settings.dnsServers ?? [];
  return tlsProbe({
    timeoutMs: settings.timeoutMs,
    ...(servers.length > 0 ? { resolver: nodeDnsResolver({ servers }) } : {}),
    extraCaCertificates: readExtraCaCertificates(settings.extraCaCertificatesFile),
  });
}
