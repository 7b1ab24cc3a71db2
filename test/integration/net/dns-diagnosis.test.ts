/**
 * The diagnosis over real DNS: Node's resolver asking a DNS server on loopback that serves one planted fault per
 * certificate, each of which must get its own code, and healthy domains OK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DiagnosisEntry, diagnoseCertificate } from '../../../lambdas/core/diagnosis';
import type { Certificate } from '../../../lambdas/core/model';
import { nodeDnsResolver, parseDnsServers } from '../../../lambdas/net/dns-resolver';
import { type SimDnsData, type SimDnsServer, startDnsServer } from '../../../local/dns/server';
import { certificate } from '../../unit/core/certificate-fixture';

const ACM = (id: string) => `_${id}.acm-validations.aws`;

const ZONES: SimDnsData = {
  records: [
    // healthy.example.com: everything right, CAA at the apex allows Amazon.
    { name: 'example.com', type: 'CAA', tag: 'issue', value: 'amazon.com' },
    { name: 'healthy.example.com', type: 'A', value: '192.0.2.1' },
    { name: '_h.healthy.example.com', type: 'CNAME', value: ACM('h') },
    // missing.example.com: no validation CNAME.
    { name: 'missing.example.com', type: 'A', value: '192.0.2.2' },
    // wrong.example.com: the CNAME points at an older value.
    { name: 'wrong.example.com', type: 'A', value: '192.0.2.3' },
    { name: '_w.wrong.example.com', type: 'CNAME', value: ACM('old') },
    // chain.example.com: the name is itself a CNAME, and the validation record delegates through another zone.
    { name: 'chain.example.com', type: 'CNAME', value: 'lb.example.net' },
    { name: 'lb.example.net', type: 'A', value: '192.0.2.4' },
    { name: '_c.chain.example.com', type: 'CNAME', value: '_c.validation.example.net' },
    { name: '_c.validation.example.net', type: 'CNAME', value: ACM('c') },
    // shop.example.org: CAA at the apex names another CA only; none at the name (inherited).
    { name: 'example.org', type: 'CAA', tag: 'issue', value: 'letsencrypt.org' },
    { name: 'shop.example.org', type: 'A', value: '192.0.2.5' },
    { name: '_s.shop.example.org', type: 'CNAME', value: ACM('s') },
    // *.wild.example.io: issue allows Amazon, issuewild does not.
    { name: 'wild.example.io', type: 'CAA', tag: 'issue', value: 'amazon.com' },
    { name: 'wild.example.io', type: 'CAA', tag: 'issuewild', value: 'digicert.com' },
    { name: '_x.wild.example.io', type: 'CNAME', value: ACM('x') },
    // gone.example.net: the validation record exists, the name itself does not (NXDOMAIN).
    { name: '_g.gone.example.net', type: 'CNAME', value: ACM('g') },
    // broken.example.com: the server fails for its validation record (SERVFAIL).
    { name: 'broken.example.com', type: 'A', value: '192.0.2.6' },
  ],
  servfail: ['_b.broken.example.com'],
};

function failedRenewal(domain: string, record: { name: string; value: string }): Certificate {
  return certificate({
    arn: `arn:aws:acm:eu-west-1:111111111111:certificate/${domain}`,
    domainName: domain,
    subjectAlternativeNames: [domain],
    renewalStatus: 'FAILED',
    renewalStatusReason: 'DOMAIN_VALIDATION_FAILED',
    validationMethod: 'DNS',
    validationRecords: [{ domainName: domain, name: `${record.name}.`, type: 'CNAME', value: `${record.value}.` }],
  });
}

let server: SimDnsServer;
const codes = (entries: DiagnosisEntry[]) => entries.map((entry) => entry.code);

beforeAll(async () => {
  server = await startDnsServer(ZONES);
});
afterAll(async () => {
  await server.close();
});

describe('diagnosis over a DNS server on loopback', () => {
  const diagnose = (cert: Certificate) =>
    diagnoseCertificate(cert, nodeDnsResolver({ servers: parseDnsServers(server.address), timeoutMs: 1_000 }));

  it('says OK for a healthy domain', async () => {
    const entries = await diagnose(
      failedRenewal('healthy.example.com', { name: '_h.healthy.example.com', value: ACM('h') }),
    );
    expect(codes(entries)).toEqual(['OK']);
    expect(entries[0]?.detail).toContain('the CAA records at example.com allow Amazon');
  });

  it('finds the missing validation CNAME', async () => {
    const entries = await diagnose(
      failedRenewal('missing.example.com', { name: '_m.missing.example.com', value: ACM('m') }),
    );
    expect(codes(entries)).toEqual(['VALIDATION_CNAME_MISSING']);
    expect(entries[0]?.record).toEqual({ name: '_m.missing.example.com', type: 'CNAME', value: ACM('m') });
  });

  it('finds the CNAME that points at another value', async () => {
    const entries = await diagnose(
      failedRenewal('wrong.example.com', { name: '_w.wrong.example.com', value: ACM('w') }),
    );
    expect(codes(entries)).toEqual(['VALIDATION_CNAME_WRONG']);
    expect(entries[0]?.detail).toContain(ACM('old'));
  });

  it('follows CNAME chains, for the name and for the validation record', async () => {
    const entries = await diagnose(
      failedRenewal('chain.example.com', { name: '_c.chain.example.com', value: ACM('c') }),
    );
    expect(codes(entries)).toEqual(['OK']);
    expect(entries[0]?.detail).toContain('through _c.validation.example.net');
  });

  it('finds the CAA set an apex passes down to a name without its own', async () => {
    const entries = await diagnose(failedRenewal('shop.example.org', { name: '_s.shop.example.org', value: ACM('s') }));
    expect(codes(entries)).toEqual(['CAA_FORBIDS_AMAZON']);
    expect(entries[0]?.record).toEqual({ name: 'example.org', type: 'CAA', value: '0 issue "letsencrypt.org"' });
  });

  it('lets issuewild decide for a wildcard name', async () => {
    const entries = await diagnose(failedRenewal('*.wild.example.io', { name: '_x.wild.example.io', value: ACM('x') }));
    expect(codes(entries)).toEqual(['CAA_FORBIDS_AMAZON']);
    expect(entries[0]?.record?.value).toBe('0 issuewild "digicert.com"');
  });

  it('finds a name that does not resolve', async () => {
    const entries = await diagnose(failedRenewal('gone.example.net', { name: '_g.gone.example.net', value: ACM('g') }));
    expect(codes(entries)).toEqual(['NAME_DOES_NOT_RESOLVE']);
  });

  it('reports SERVFAIL as a DNS error, not as a missing record', async () => {
    const entries = await diagnose(
      failedRenewal('broken.example.com', { name: '_b.broken.example.com', value: ACM('b') }),
    );
    expect(codes(entries)).toEqual(['DNS_ERROR']);
    expect(entries[0]?.detail).toContain('SERVFAIL');
  });

  it('reports a server that does not answer as a DNS error', async () => {
    const silent = nodeDnsResolver({ servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1 });
    const entries = await diagnoseCertificate(
      failedRenewal('healthy.example.com', { name: '_h.healthy.example.com', value: ACM('h') }),
      silent,
    );
    expect(new Set(codes(entries))).toEqual(new Set(['DNS_ERROR']));
  });

  it('sees a record created while it runs on the next check', async () => {
    const cert = failedRenewal('missing.example.com', { name: '_m.missing.example.com', value: ACM('m') });
    expect(codes(await diagnose(cert))).toEqual(['VALIDATION_CNAME_MISSING']);
    server.data = {
      ...ZONES,
      records: [...ZONES.records, { name: '_m.missing.example.com', type: 'CNAME', value: ACM('m') }],
    };
    try {
      expect(codes(await diagnose(cert))).toEqual(['OK']);
    } finally {
      server.data = ZONES;
    }
  });
});

describe('parseDnsServers', () => {
  it('reads HOST:PORT lists, IPv6 in brackets, and port 53 by default', () => {
    expect(parseDnsServers('127.0.0.1:5353, [::1]:53,10.0.0.2')).toEqual(['127.0.0.1:5353', '[::1]:53', '10.0.0.2:53']);
  });

  it('refuses host names and bad ports, saying what to give instead', () => {
    expect(() => parseDnsServers('dns.example.com:53')).toThrow(/not an IP address.*127\.0\.0\.1:5353/);
    expect(() => parseDnsServers('127.0.0.1:99999')).toThrow(/port "99999"/);
    expect(() => parseDnsServers(' , ')).toThrow(/HOST:PORT/);
  });
});
