/** An in-memory DNS for diagnosis tests: names with records, names that fail, and which questions were asked. */
import type { CaaRecord, DnsAnswer, DnsResolver } from '../../../../lambdas/core/diagnosis';

export interface FakeZone {
  cname?: Record<string, string>;
  caa?: Record<string, CaaRecord[]>;
  a?: Record<string, string[]>;
  /** Names whose every lookup fails with this error. */
  fail?: Record<string, 'SERVFAIL' | 'TIMEOUT'>;
}

export function fakeResolver(zone: FakeZone): DnsResolver & { asked: string[] } {
  const asked: string[] = [];
  const exists = (name: string) =>
    [zone.cname, zone.caa, zone.a].some((map) => map !== undefined && name in map) ||
    Object.keys({ ...zone.cname, ...zone.caa, ...zone.a }).some((other) => other.endsWith(`.${name}`));
  function lookup<T>(kind: string, name: string, records: T[] | undefined): DnsAnswer<T> {
    asked.push(`${kind} ${name}`);
    const failure = zone.fail?.[name];
    if (failure !== undefined) return { kind: 'error', error: failure, message: `planted ${failure}` };
    if (records !== undefined && records.length > 0) return { kind: 'answer', records };
    return exists(name) ? { kind: 'nodata' } : { kind: 'nxdomain' };
  }
  return {
    asked,
    cname: async (name) => lookup('CNAME', name, zone.cname?.[name] === undefined ? undefined : [zone.cname[name]]),
    caa: async (name) => lookup('CAA', name, zone.caa?.[name]),
    addresses: async (name) => {
      const target = zone.cname?.[name];
      return lookup('A', name, zone.a?.[target ?? name]);
    },
  };
}

export const issue = (value: string): CaaRecord => ({ critical: 0, tag: 'issue', value });
export const issuewild = (value: string): CaaRecord => ({ critical: 0, tag: 'issuewild', value });
