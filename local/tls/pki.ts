/**
 * A small certificate authority for the simulated endpoints: a root, an intermediate under it, and leaf certificates
 * with the serial, names and validity the scenario asks for (the serial ACM reports, so a served certificate can be
 * compared with ACM's exactly as in AWS). Built with @peculiar/x509 on Node's WebCrypto: certificates are real
 * X.509 that Node's TLS serves and Node's X509Certificate reads, with no OpenSSL process per certificate.
 *
 * ECDSA P-256 keys throughout: generating and signing take about a millisecond, so a bench of 500 endpoints
 * builds its certificates in well under a second. One leaf key is shared by every leaf of a CA: what the probe
 * reads (serial, names, issuer, validity, chain) does not depend on the key.
 */
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as never);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

interface Issuer {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface TestCa {
  /** PEM of the root: what a client must trust (NODE_EXTRA_CA_CERTS, or the probe's extra roots). */
  rootPem: string;
  /** PEM of the intermediate the leaves are signed by. */
  intermediatePem: string;
  issue(spec: LeafSpec): Promise<Leaf>;
}

export interface LeafSpec {
  /** The first is the subject's CN; all are DNS SANs. */
  names: string[];
  /** Hex, any case, colons allowed (ACM's `Serial`); absent: random. */
  serial?: string;
  notBefore: Date;
  notAfter: Date;
}

export interface Leaf {
  /** Leaf then intermediate: a complete chain (the root is the client's). */
  chainPem: string;
  /** The leaf alone: an incomplete chain. */
  leafPem: string;
  keyPem: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const body =
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? '';
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

async function keys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

async function caCertificate(name: string, keyPair: CryptoKeyPair, issuer: Issuer | undefined, now: Date) {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(true, issuer ? 0 : undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keyPair.publicKey),
  ];
  const validity = {
    notBefore: new Date(now.getTime() - 3650 * DAY_MS),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
  };
  if (issuer === undefined) {
    return x509.X509CertificateGenerator.createSelfSigned({
      name,
      keys: keyPair,
      signingAlgorithm: ALGORITHM,
      extensions,
      ...validity,
    });
  }
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  return x509.X509CertificateGenerator.create({
    subject: name,
    issuer: issuer.cert.subject,
    publicKey: keyPair.publicKey,
    signingKey: issuer.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions,
    ...validity,
  });
}

/** A fresh root and intermediate, valid ten years either side of `now` (real time by default). */
export async function createTestCa(name = 'Cert Monitor Simulated', now = new Date()): Promise<TestCa> {
  const rootKeys = await keys();
  const root = await caCertificate(`CN=${name} Root CA`, rootKeys, undefined, now);
  const intermediateKeys = await keys();
  const intermediate = await caCertificate(
    `CN=${name} Issuing CA`,
    intermediateKeys,
    { cert: root, keys: rootKeys },
    now,
  );
  const leafKeys = await keys();
  const keyPem = pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey as never));
  const intermediatePem = intermediate.toString('pem');
  return {
    rootPem: root.toString('pem'),
    intermediatePem,
    async issue(spec) {
      const [cn] = spec.names;
      if (cn === undefined) throw new Error('a leaf certificate needs at least one name');
      const leaf = await x509.X509CertificateGenerator.create({
        ...(spec.serial ? { serialNumber: spec.serial.replace(/:/g, '').toLowerCase() } : {}),
        subject: `CN=${cn}`,
        issuer: intermediate.subject,
        notBefore: spec.notBefore,
        notAfter: spec.notAfter,
        publicKey: leafKeys.publicKey,
        signingKey: intermediateKeys.privateKey,
        signingAlgorithm: ALGORITHM,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(spec.names.map((value) => ({ type: 'dns' as const, value }))),
          await x509.AuthorityKeyIdentifierExtension.create(intermediateKeys.publicKey),
        ],
      });
      const leafPem = leaf.toString('pem');
      return { leafPem: `${leafPem}\n`, chainPem: `${leafPem}\n${intermediatePem}\n`, keyPem };
    },
  };
}
