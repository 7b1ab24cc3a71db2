import { describe, expect, it } from 'vitest';
import {
  caaIssuer,
  caaLookupNames,
  diagnoseCertificate,
  diagnoseCertificates,
  judgeCaaSet,
  needsDiagnosis,
} from '../../../../lambdas/core/diagnosis';
import { assess } from '../../../../lambdas/core/findings';
import type { Certificate } from '../../../../lambdas/core/model';
import { certificate, NOW } from '../certificate-fixture';
import { fakeResolver, issue, issuewild } from './fake-resolver';

const ACM = '_v1.acm-validations.aws';

function failing(overrides: Partial<Certificate> = {}): Certificate {
  return certificate({
    domainName: 'www.example.com',
    subjectAlternativeNames: ['www.example.com'],
    renewalStatus: 'FAILED',
    renewalStatusReason: 'DOMAIN_VALIDATION_FAILED',
    validationMethod: 'DNS',
    validationRecords: [
      { domainName: 'www.example.com', name: '_a.www.example.com.', type: 'CNAME', value: `${ACM}.` },
    ],
    ...overrides,
  });
}

const healthy = { a: { 'www.example.com': ['192.0.2.10'] }, cname: { '_a.www.example.com': ACM } };

describe('diagnoseCertificate', () => {
  it('says OK, and points at ACM’s reason, when the CNAME, CAA and name are all right', async () => {
    const entries = await diagnoseCertificate(failing(), fakeResolver(healthy));
    expect(entries).toEqual([expect.objectContaining({ domain: 'www.example.com', code: 'OK', ok: true })]);
    expect(entries[0]?.fix).toContain('DOMAIN_VALIDATION_FAILED');
    expect(entries[0]?.detail).toContain('no CAA record restricts issuance');
  });

  it('finds a validation CNAME that does not exist, naming the record to create', async () => {
    const entries = await diagnoseCertificate(failing(), fakeResolver({ a: healthy.a }));
    expect(entries).toEqual([
      expect.objectContaining({
        code: 'VALIDATION_CNAME_MISSING',
        ok: false,
        record: { name: '_a.www.example.com', type: 'CNAME', value: ACM },
      }),
    ]);
    expect(entries[0]?.fix).toContain(`_a.www.example.com → ${ACM}`);
  });

  it('finds a validation CNAME that points elsewhere, saying where', async () => {
    const resolver = fakeResolver({ a: healthy.a, cname: { '_a.www.example.com': '_old.acm-validations.aws' } });
    const [entry] = await diagnoseCertificate(failing(), resolver);
    expect(entry?.code).toBe('VALIDATION_CNAME_WRONG');
    expect(entry?.detail).toContain('_old.acm-validations.aws');
  });

  it('accepts a CNAME chain that ends at ACM’s value', async () => {
    const resolver = fakeResolver({
      a: healthy.a,
      cname: { '_a.www.example.com': '_a.validation.example.net', '_a.validation.example.net': ACM },
    });
    const entries = await diagnoseCertificate(failing(), resolver);
    expect(entries.map((e) => e.code)).toEqual(['OK']);
    expect(entries[0]?.detail).toContain('through _a.validation.example.net');
  });

  it('calls a chain that ends elsewhere wrong, and stops on a loop', async () => {
    const resolver = fakeResolver({
      a: healthy.a,
      cname: { '_a.www.example.com': '_a.loop.example.net', '_a.loop.example.net': '_a.www.example.com' },
    });
    const [entry] = await diagnoseCertificate(failing(), resolver);
    expect(entry?.code).toBe('VALIDATION_CNAME_WRONG');
  });

  it('finds a CAA set at the apex that the name inherits, showing the record in the way', async () => {
    const resolver = fakeResolver({ ...healthy, caa: { 'example.com': [issue('letsencrypt.org')] } });
    const [entry] = await diagnoseCertificate(failing(), resolver);
    expect(entry).toMatchObject({
      code: 'CAA_FORBIDS_AMAZON',
      record: { name: 'example.com', type: 'CAA', value: '0 issue "letsencrypt.org"' },
    });
    expect(entry?.detail).toContain('inherited by www.example.com');
    expect(entry?.fix).toContain('example.com CAA 0 issue "amazon.com"');
  });

  it('stops at the first non-empty CAA set: an allowing set at the name hides a forbidding one above', async () => {
    const resolver = fakeResolver({
      ...healthy,
      caa: { 'www.example.com': [issue('amazontrust.com')], 'example.com': [issue('letsencrypt.org')] },
    });
    expect((await diagnoseCertificate(failing(), resolver)).map((e) => e.code)).toEqual(['OK']);
  });

  it('lets issuewild govern a wildcard name, and issue govern it when there is no issuewild', async () => {
    const wildcard = failing({
      domainName: '*.example.com',
      subjectAlternativeNames: ['*.example.com'],
      validationRecords: [{ domainName: '*.example.com', name: '_w.example.com', type: 'CNAME', value: ACM }],
    });
    const cname = { '_w.example.com': ACM };
    const blockedWild = fakeResolver({
      cname,
      caa: { 'example.com': [issue('amazon.com'), issuewild('digicert.com')] },
    });
    const [entry] = await diagnoseCertificate(wildcard, blockedWild);
    expect(entry).toMatchObject({ domain: '*.example.com', code: 'CAA_FORBIDS_AMAZON' });
    expect(entry?.fix).toContain('0 issuewild "amazon.com"');

    const issueOnly = fakeResolver({ cname, caa: { 'example.com': [issue('amazon.com')] } });
    expect((await diagnoseCertificate(wildcard, issueOnly)).map((e) => e.code)).toEqual(['OK']);

    // A non-wildcard name ignores issuewild.
    const plain = fakeResolver({ ...healthy, caa: { 'example.com': [issue('amazon.com'), issuewild(';')] } });
    expect((await diagnoseCertificate(failing(), plain)).map((e) => e.code)).toEqual(['OK']);
  });

  it('finds a name that does not exist or has no address', async () => {
    const apexRecord = failing({
      validationRecords: [{ domainName: 'www.example.com', name: '_a.example.com', type: 'CNAME', value: ACM }],
    });
    const nx = await diagnoseCertificate(apexRecord, fakeResolver({ cname: { '_a.example.com': ACM } }));
    expect(nx).toEqual([expect.objectContaining({ code: 'NAME_DOES_NOT_RESOLVE' })]);
    expect(nx[0]?.detail).toContain('NXDOMAIN');
    // www.example.com exists (the validation record sits below it) but has no address.
    const nodata = await diagnoseCertificate(failing(), fakeResolver({ cname: healthy.cname }));
    expect(nodata).toEqual([expect.objectContaining({ code: 'NAME_DOES_NOT_RESOLVE' })]);
    expect(nodata[0]?.detail).toContain('no A or AAAA record');
  });

  it('reports SERVFAIL as a DNS error, never as a missing record', async () => {
    const resolver = fakeResolver({ a: healthy.a, fail: { '_a.www.example.com': 'SERVFAIL' } });
    const entries = await diagnoseCertificate(failing(), resolver);
    expect(entries).toEqual([expect.objectContaining({ code: 'DNS_ERROR', ok: false })]);
    expect(entries[0]?.detail).toContain('SERVFAIL');
  });

  it('reports a CAA lookup that times out as a DNS error, not as "allowed"', async () => {
    const resolver = fakeResolver({ ...healthy, fail: { 'example.com': 'TIMEOUT' } });
    const entries = await diagnoseCertificate(failing(), resolver);
    expect(entries.map((e) => e.code)).toEqual(['DNS_ERROR']);
    expect(entries[0]?.detail).toContain('CAA lookup of example.com');
  });

  it('says honestly that email validation is not checked, while still checking CAA and the name', async () => {
    const email = failing({ validationMethod: 'EMAIL', validationRecords: undefined });
    const entries = await diagnoseCertificate(email, fakeResolver({ a: healthy.a }));
    expect(entries.map((e) => e.code)).toEqual(['VALIDATION_NOT_CHECKED', 'OK']);
    expect(entries[0]?.ok).toBe(false);
  });

  it('diagnoses every name on the certificate once', async () => {
    const cert = failing({
      subjectAlternativeNames: ['www.example.com', 'api.example.com', 'WWW.example.com.'],
      validationRecords: [
        { domainName: 'www.example.com', name: '_a.www.example.com', type: 'CNAME', value: ACM },
        { domainName: 'api.example.com', name: '_b.api.example.com', type: 'CNAME', value: ACM },
      ],
    });
    const entries = await diagnoseCertificate(cert, fakeResolver(healthy));
    expect(entries.map((e) => [e.domain, e.code])).toEqual([
      ['www.example.com', 'OK'],
      ['api.example.com', 'VALIDATION_CNAME_MISSING'],
      ['api.example.com', 'NAME_DOES_NOT_RESOLVE'],
    ]);
  });

  it('does not ask whether a name resolves for a request never issued (ACM checks that only at renewal)', async () => {
    for (const status of ['PENDING_VALIDATION', 'VALIDATION_TIMED_OUT', 'FAILED'] as const) {
      const request = failing({ status, renewalStatus: undefined });
      const entries = await diagnoseCertificate(request, fakeResolver({ cname: healthy.cname }));
      expect(entries.map((e) => e.code)).toEqual(['OK']);
    }
  });
});

describe('CAA rules', () => {
  it('walks from the name (a wildcard’s base) to the top-level domain', () => {
    expect(caaLookupNames('*.a.example.com.')).toEqual(['a.example.com', 'example.com', 'com']);
  });

  it('reads the issuer domain before any parameters, case-insensitively', () => {
    expect(caaIssuer(' Amazon.com; account=1 ')).toBe('amazon.com');
    expect(caaIssuer(';')).toBe('');
  });

  it('allows each of Amazon’s four issuer names and nothing else', () => {
    for (const name of ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com']) {
      expect(judgeCaaSet([issue(name)], false, 'example.com').kind).toBe('allowed');
    }
    expect(judgeCaaSet([issue('amazon.co')], false, 'example.com').kind).toBe('forbidden');
    expect(judgeCaaSet([issue(';')], false, 'example.com').kind).toBe('forbidden');
  });

  it('lets a set without issue properties restrict nobody, and stops everyone on an unknown critical property', () => {
    expect(judgeCaaSet([{ critical: 0, tag: 'iodef', value: 'mailto:x@example.com' }], false, 'x').kind).toBe(
      'allowed',
    );
    const verdict = judgeCaaSet([issue('amazon.com'), { critical: 128, tag: 'future', value: 'x' }], false, 'x');
    expect(verdict).toMatchObject({ kind: 'forbidden', tag: 'critical' });
  });
});

describe('diagnoseCertificates', () => {
  it('diagnoses only Amazon-issued certificates with a validation or renewal finding, asking each question once', async () => {
    const broken = (arn: string) => assess(failing({ arn }), { now: NOW });
    const fine = assess(certificate({ arn: 'arn:fine' }), { now: NOW });
    const imported = assess(failing({ arn: 'arn:imported', type: 'IMPORTED' }), { now: NOW });
    expect(needsDiagnosis(fine)).toBe(false);
    expect(needsDiagnosis(imported)).toBe(false);
    const resolver = fakeResolver(healthy);
    const result = await diagnoseCertificates([broken('arn:1'), broken('arn:2'), fine, imported], resolver);
    expect([...result.keys()].sort()).toEqual(['arn:1', 'arn:2']);
    expect(resolver.asked.filter((q) => q === 'CAA example.com')).toHaveLength(1);
  });
});

describe('diagnoseCertificates time budget', () => {
  it('starts no further certificate once its budget is spent, keeping what it finished', async () => {
    let now = 0;
    const slow = fakeResolver(healthy);
    const ticking = {
      cname: async (name: string) => {
        now += 1_000;
        return slow.cname(name);
      },
      caa: slow.caa,
      addresses: slow.addresses,
    };
    // Each its own validation record: the pass asks each question once, so shared ones would take no time.
    const certs = [1, 2, 3, 4].map((n) =>
      assess(
        failing({
          arn: `arn:${n}`,
          validationRecords: [
            { domainName: 'www.example.com', name: `_${n}.www.example.com`, type: 'CNAME', value: ACM },
          ],
        }),
        { now: NOW },
      ),
    );
    const result = await diagnoseCertificates(certs, ticking, { concurrency: 1, budgetMs: 2_500, clock: () => now });
    expect(result.size).toBe(3);
  });
});
