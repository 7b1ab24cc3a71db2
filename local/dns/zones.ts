/**
 * The public DNS of the simulated organization, as the loopback DNS server serves it: every concrete name on an
 * Amazon-issued certificate resolves, and every DNS validation record ACM lists (issuance and renewal) is in place,
 * except where a fault is planted for a certificate. The faults are the causes ACM gives for failed validations and
 * renewals, so the demo and the tests can show the diagnosis finding each one.
 */
import type { ScenarioCertificate } from '../sim/scenario';
import type { SimDnsData, SimDnsRecord } from './server';

export const DNS_FAULTS = [
  'cname-missing',
  'cname-wrong',
  'caa-forbids-amazon',
  'name-does-not-resolve',
  'servfail',
] as const;
export type DnsFault = (typeof DNS_FAULTS)[number];

/** The zone a name lives in, as the simulator names them (`<team>.example.com`, `<env>.<team>.example.com`). */
export function zoneOf(name: string): string {
  const labels = name.replace(/^\*\./, '').split('.');
  return labels.length > 3 ? labels.slice(1).join('.') : labels.join('.');
}

function validationRecords(cert: ScenarioCertificate) {
  return [...(cert.domainValidationOptions ?? []), ...(cert.renewal?.domainValidationOptions ?? [])].flatMap((dvo) =>
    dvo.validationMethod === 'DNS' && dvo.resourceRecord !== undefined ? [dvo.resourceRecord] : [],
  );
}

export function simulatedZones(
  certificates: readonly ScenarioCertificate[],
  faults: ReadonlyMap<string, DnsFault> = new Map(),
): SimDnsData {
  const records: SimDnsRecord[] = [];
  const servfail: string[] = [];
  let host = 0;
  for (const cert of certificates) {
    if (cert.type !== 'AMAZON_ISSUED') continue;
    const fault = faults.get(cert.arn);
    const names = [cert.domainName, ...cert.subjectAlternativeNames].filter((name) => !name.startsWith('*.'));
    if (fault !== 'name-does-not-resolve') {
      for (const name of new Set(names)) {
        host = (host % 250) + 1;
        records.push({ name, type: 'A', value: `192.0.2.${host}` });
      }
    }
    for (const record of validationRecords(cert)) {
      if (fault === 'cname-missing') continue;
      if (fault === 'servfail') servfail.push(record.name);
      const value = fault === 'cname-wrong' ? `_0ld${record.value.replace(/^_/, '')}` : record.value;
      records.push({ name: record.name, type: 'CNAME', value });
    }
    if (fault === 'caa-forbids-amazon') {
      records.push({ name: zoneOf(cert.domainName), type: 'CAA', tag: 'issue', value: 'letsencrypt.org' });
    }
  }
  return { records, servfail };
}
