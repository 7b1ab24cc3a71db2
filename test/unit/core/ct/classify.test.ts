import { describe, expect, it } from 'vitest';
import {
  classifyIssuance,
  crtShLink,
  ctMeaning,
  issuerMatches,
  needsAttention,
  parseAllowList,
  serialIndex,
} from '../../../../lambdas/core/ct';
import { issuance, LE_DN } from './fixtures';

const ARN = 'arn:aws:acm:us-east-1:111111111111:certificate/abc';

describe('classifyIssuance', () => {
  it('is known when serial and issuer match an ACM certificate, whatever the serial spelling', () => {
    // Prepare
    const known = serialIndex([{ serial: '0a:1b:2c:3d', issuer: 'Amazon', arn: ARN }]);
    // Act
    const entry = classifyIssuance(issuance({ serial: '00:0A:1B:2C:3D' }), 'example.com', known, []);
    // Assess
    expect(entry).toMatchObject({ status: 'known', matchedArn: ARN, matchedDomain: 'example.com' });
  });

  it('is not known when the serial matches but another CA issued it', () => {
    const known = serialIndex([{ serial: '0A:1B:2C:3D', issuer: 'Amazon', arn: ARN }]);
    const entry = classifyIssuance(issuance({ issuer: LE_DN }), 'example.com', known, []);
    expect(entry.status).toBe('unknown');
  });

  it('says an Amazon-issued certificate outside the organization is such', () => {
    const entry = classifyIssuance(issuance({ serial: 'FF:EE' }), 'example.com', serialIndex([]), []);
    expect(entry.status).toBe('amazon-outside-organization');
    expect(ctMeaning(entry)).toBe(
      'Issued by Amazon, but not in any account of this organization: another AWS account holds it.',
    );
    expect(needsAttention(entry)).toBe(true);
  });

  it('is allowed, with the reason, when a rule allows it', () => {
    const allow = parseAllowList(`[{"issuer":"Let's Encrypt","reason":"status page"}]`, 'a.json');
    const entry = classifyIssuance(issuance({ issuer: LE_DN }), 'example.com', serialIndex([]), allow);
    expect(entry).toMatchObject({ status: 'allowed', allowedBy: 'status page' });
    expect(needsAttention(entry)).toBe(false);
  });

  it('prefers known over allowed: the organization’s own certificate is not an exception', () => {
    const known = serialIndex([{ serial: '0A:1B:2C:3D', arn: ARN }]);
    const allow = parseAllowList('[{"issuer":"Amazon","reason":"r"}]', 'a.json');
    expect(classifyIssuance(issuance(), 'example.com', known, allow).status).toBe('known');
  });
});

describe('issuerMatches', () => {
  it('matches ACM’s short issuer against a value of the DN', () => {
    expect(issuerMatches('Amazon', 'C=US, O=Amazon, CN=Amazon RSA 2048 M02')).toBe(true);
    expect(issuerMatches('Amazon', LE_DN)).toBe(false);
    expect(issuerMatches(undefined, LE_DN)).toBe(true);
  });
});

describe('crtShLink', () => {
  it('links crt.sh by the certificate’s SHA-256', () => {
    expect(crtShLink('AB'.repeat(32))).toBe(`https://crt.sh/?sha256=${'ab'.repeat(32)}`);
  });
});
