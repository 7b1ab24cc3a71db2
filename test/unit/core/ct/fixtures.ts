import type { CtIssuance } from '../../../../lambdas/core/ct';

export const AMAZON_DN = 'C=US, O=Amazon, CN=Amazon RSA 2048 M02';
export const LE_DN = "C=US, O=Let's Encrypt, CN=R11";

export function issuance(overrides: Partial<CtIssuance> = {}): CtIssuance {
  return {
    id: '1000001',
    tbsSha256: 'a'.repeat(64),
    dnsNames: ['www.example.com'],
    issuer: AMAZON_DN,
    notBefore: '2026-11-01T00:00:00.000Z',
    notAfter: '2027-05-18T00:00:00.000Z',
    serial: '0A:1B:2C:3D',
    certSha256: 'b'.repeat(64),
    certType: 'cert',
    ...overrides,
  };
}
