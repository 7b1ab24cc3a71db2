/**
 * Real DER for the local CT API's issuances: a precertificate (with RFC 6962's critical poison extension) and its
 * final certificate share serial, names, validity and issuer, as a CA's pair does, so the poller's X509Certificate
 * reading is exercised on what a CT log holds. Built with @peculiar/x509 on Node's WebCrypto, ECDSA P-256: a
 * certificate takes about a millisecond. Signatures are real but nothing here is verified by anyone: one key signs
 * everything, per issuer name.
 */
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** RFC 6962 section 3.1: the precertificate poison, critical, its value ASN.1 NULL. */
const CT_POISON_OID = '1.3.6.1.4.1.11129.2.4.3';

/** Issuer distinguished names as Amazon's and Let's Encrypt's intermediates spell them. */
export const ISSUER_DNS = {
  amazon: 'C=US, O=Amazon, CN=Amazon RSA 2048 M02',
  letsEncrypt: "C=US, O=Let's Encrypt, CN=R11",
} as const;

/** The issuer DN for ACM's short `Issuer` (`Amazon`, or an imported certificate's CA name). */
export function issuerDnFor(acmIssuer: string | undefined): string {
  if (acmIssuer === undefined || acmIssuer === 'Amazon') return ISSUER_DNS.amazon;
  return `C=US, O=${acmIssuer}, CN=${acmIssuer} CA`;
}

export interface CertSpec {
  names: string[];
  /** Hex, any case, colons allowed. */
  serial: string;
  issuerDn: string;
  notBefore: Date;
  notAfter: Date;
}

export interface CertPair {
  precertDer: Buffer;
  certDer: Buffer;
  /** Equal for the pair, as RFC 6962's TBS hash with the poison/SCT extension removed is. */
  tbsSha256: string;
}

let signing: Promise<CryptoKeyPair> | undefined;

function keys(): Promise<CryptoKeyPair> {
  signing ??= webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as unknown as Promise<CryptoKeyPair>;
  return signing;
}

async function build(spec: CertSpec, poison: boolean): Promise<Buffer> {
  const pair = await keys();
  const serial = spec.serial.replace(/[:\s]/g, '').toLowerCase();
  const extensions: x509.Extension[] = [
    new x509.SubjectAlternativeNameExtension(spec.names.map((value) => ({ type: 'dns', value }))),
  ];
  if (poison) extensions.push(new x509.Extension(CT_POISON_OID, true, new Uint8Array([0x05, 0x00])));
  const cert = await x509.X509CertificateGenerator.create({
    // A DER INTEGER is signed: a serial whose first byte has the high bit set needs a leading 00, as CAs write it.
    serialNumber: /^[89a-f]/.test(serial) ? `00${serial}` : serial,
    subject: `CN=${spec.names[0]}`,
    issuer: spec.issuerDn,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: pair.publicKey,
    signingKey: pair.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return Buffer.from(cert.rawData);
}

export async function certPair(spec: CertSpec): Promise<CertPair> {
  const [precertDer, certDer] = await Promise.all([build(spec, true), build(spec, false)]);
  const tbsSha256 = createHash('sha256')
    .update(`${spec.issuerDn}\n${spec.serial.replace(/[:\s]/g, '').toLowerCase()}`)
    .digest('hex');
  return { precertDer, certDer, tbsSha256 };
}
