import { describe, expect, it } from 'vitest';
import { allowingRule, CtAllowListError, nameMatches, parseAllowList } from '../../../../lambdas/core/ct';
import { issuance, LE_DN } from './fixtures';

describe('parseAllowList', () => {
  it('reads rules by sha256, issuer and names, each with its reason', () => {
    // Prepare
    const text = JSON.stringify([
      { sha256: 'AB'.repeat(32), reason: 'vendor portal' },
      { issuer: "Let's Encrypt", names: '*.cdn.example.com', reason: 'CDN provider' },
    ]);
    // Act
    const rules = parseAllowList(text, 'allow.json');
    // Assess
    expect(rules).toEqual([
      { sha256: 'ab'.repeat(32), reason: 'vendor portal' },
      { issuer: "Let's Encrypt", names: '*.cdn.example.com', reason: 'CDN provider' },
    ]);
  });

  it('refuses a rule without a reason, naming the file and the rule', () => {
    expect(() => parseAllowList('[{"issuer":"x"}]', 'allow.json')).toThrow(CtAllowListError);
    expect(() => parseAllowList('[{"issuer":"x"}]', 'allow.json')).toThrow(/allow.json, rule 1: reason/);
  });

  it('refuses a rule with a reason and no criterion, since it would allow everything', () => {
    expect(() => parseAllowList('[{"reason":"all fine"}]', 'a.json')).toThrow(/at least one of sha256, issuer, names/);
  });

  it('refuses unknown fields and a file that is not an array', () => {
    expect(() => parseAllowList('[{"name":"x.example.com","reason":"r"}]', 'a.json')).toThrow(/rule 1/);
    expect(() => parseAllowList('{"reason":"r"}', 'a.json')).toThrow(/JSON array/);
    expect(() => parseAllowList('nope', 'a.json')).toThrow(/a.json is not JSON/);
  });
});

describe('allowingRule', () => {
  it('matches a names glob only when every name on the certificate matches it', () => {
    // Prepare
    const rules = parseAllowList('[{"names":"*.cdn.example.com","reason":"CDN"}]', 'a.json');
    const covered = issuance({ dnsNames: ['a.cdn.example.com', 'b.cdn.example.com'] });
    const widened = issuance({ dnsNames: ['a.cdn.example.com', 'login.example.com'] });
    // Act, Assess
    expect(allowingRule(rules, covered)?.reason).toBe('CDN');
    expect(allowingRule(rules, widened)).toBeUndefined();
  });

  it('requires every criterion of a rule', () => {
    const rules = parseAllowList(`[{"issuer":"Let's Encrypt","names":"*.cdn.example.com","reason":"CDN"}]`, 'a.json');
    expect(allowingRule(rules, issuance({ issuer: LE_DN, dnsNames: ['x.cdn.example.com'] }))).toBeDefined();
    expect(allowingRule(rules, issuance({ dnsNames: ['x.cdn.example.com'] }))).toBeUndefined();
  });

  it('matches by certificate SHA-256 whatever its case', () => {
    const rules = parseAllowList(JSON.stringify([{ sha256: 'C'.repeat(64), reason: 'r' }]), 'a.json');
    expect(allowingRule(rules, issuance({ certSha256: 'c'.repeat(64) }))).toBeDefined();
  });
});

describe('nameMatches', () => {
  it('lets * stand for exactly one label', () => {
    expect(nameMatches('*.cdn.example.com', 'a.cdn.example.com')).toBe(true);
    expect(nameMatches('*.cdn.example.com', 'a.b.cdn.example.com')).toBe(false);
    expect(nameMatches('*.cdn.example.com', 'cdn.example.com')).toBe(false);
  });
});
