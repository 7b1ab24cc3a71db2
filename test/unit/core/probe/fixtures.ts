/** Endpoints, served certificates and probed certificates for the probe's unit tests. */
import type { ProbedCertificate } from '../../../../lambdas/core/probe/discovery';
import type { Endpoint, ServedCertificate } from '../../../../lambdas/core/probe/model';

export const NOW = new Date('2026-12-01T12:00:00Z');
const DAY_MS = 86_400_000;

export function inDays(days: number): string {
  return new Date(NOW.getTime() + days * DAY_MS).toISOString();
}

export function endpoint(overrides: Partial<Endpoint> = {}): Endpoint {
  return {
    host: 'shop.example.com',
    port: 443,
    sni: 'shop.example.com',
    source: 'domain',
    certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/shop',
    expectedSerials: ['0A:0B:0C'],
    ...overrides,
  };
}

export function served(overrides: Partial<ServedCertificate> = {}): ServedCertificate {
  return {
    serial: '0A:0B:0C',
    fingerprintSha256: 'AA:BB',
    subject: 'CN=shop.example.com',
    sans: ['shop.example.com'],
    issuer: 'CN=Amazon RSA 2048 M01',
    notAfter: inDays(120),
    chainComplete: true,
    hostnameMatches: true,
    protocol: 'TLSv1.3',
    ...overrides,
  };
}

export function certificate(overrides: Partial<ProbedCertificate> = {}): ProbedCertificate {
  return {
    arn: 'arn:aws:acm:eu-west-1:111111111111:certificate/shop',
    accountId: '111111111111',
    region: 'eu-west-1',
    domainName: 'shop.example.com',
    subjectAlternativeNames: ['shop.example.com', 'www.shop.example.com'],
    inUse: true,
    inUseBy: [],
    status: 'ISSUED',
    serial: '0a:0b:0c',
    ...overrides,
  };
}
