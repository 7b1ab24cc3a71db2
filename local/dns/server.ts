/**
 * A small authoritative-and-recursive-looking DNS server on loopback for the simulated organization's zones: what a
 * public resolver would answer for them, including CNAME chasing (a resolver returns the chain and the final
 * records), NXDOMAIN versus NODATA, and planted SERVFAILs. The diagnosis tests and `npm run demo` point Node's
 * resolver at it (`--dns-server`). Records can change while it runs, as a person fixing DNS would change them.
 *
 * Built on dns2 (pure JavaScript, no dependencies, encodes CAA), so the wire format is not ours to get wrong.
 */
import dns2 from 'dns2';

const { Packet } = dns2;

export type SimDnsType = 'A' | 'AAAA' | 'CNAME' | 'CAA';

export interface SimDnsRecord {
  name: string;
  type: SimDnsType;
  /** Address, CNAME target, or CAA value. */
  value: string;
  /** CAA only. */
  tag?: string;
  /** CAA only: 128 for critical. @default 0 */
  flags?: number;
}

export interface SimDnsData {
  records: SimDnsRecord[];
  /** Names whose every question is answered SERVFAIL. */
  servfail?: string[];
}

export interface SimDnsServer {
  /** `127.0.0.1:PORT`, as `--dns-server` takes it. */
  address: string;
  /** Replaces or extends what is served from now on. */
  data: SimDnsData;
  close(): Promise<void>;
}

const MAX_CHAIN = 8;
const TTL = 60;

const norm = (name: string) => name.replace(/\.+$/, '').toLowerCase();

/** What the server answers to one question: pure, so it can be read without the wire. */
function answerQuestion(
  data: SimDnsData,
  qname: string,
  qtype: SimDnsType,
): { rcode: 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL'; answers: SimDnsRecord[] } {
  const servfail = new Set((data.servfail ?? []).map(norm));
  const answers: SimDnsRecord[] = [];
  let name = norm(qname);
  for (let hop = 0; hop <= MAX_CHAIN; hop++) {
    if (servfail.has(name)) return { rcode: 'SERVFAIL', answers: [] };
    const here = data.records.filter((record) => norm(record.name) === name);
    const cname = here.find((record) => record.type === 'CNAME');
    if (cname !== undefined && qtype !== 'CNAME') {
      answers.push(cname);
      name = norm(cname.value);
      continue;
    }
    answers.push(...here.filter((record) => record.type === qtype));
    if (answers.length > 0) return { rcode: 'NOERROR', answers };
    const exists = here.length > 0 || data.records.some((record) => norm(record.name).endsWith(`.${name}`));
    return { rcode: exists ? 'NOERROR' : 'NXDOMAIN', answers };
  }
  return { rcode: 'SERVFAIL', answers: [] };
}

const TYPE_CODES: Record<SimDnsType, number> = {
  A: Packet.TYPE.A,
  AAAA: Packet.TYPE.AAAA,
  CNAME: Packet.TYPE.CNAME,
  CAA: Packet.TYPE.CAA,
};

function wireRecord(record: SimDnsRecord) {
  const base = { name: norm(record.name), type: TYPE_CODES[record.type], class: Packet.CLASS.IN, ttl: TTL };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return { ...base, address: record.value };
    case 'CNAME':
      return { ...base, domain: norm(record.value) };
    case 'CAA':
      return { ...base, flags: record.flags ?? 0, tag: record.tag ?? 'issue', value: record.value };
  }
}

export async function startDnsServer(data: SimDnsData, opts: { port?: number } = {}): Promise<SimDnsServer> {
  const state = { data };
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const [question] = request.questions;
      const type = (Object.keys(TYPE_CODES) as SimDnsType[]).find((t) => TYPE_CODES[t] === question?.type);
      if (question === undefined || type === undefined) {
        send(response);
        return;
      }
      const { rcode, answers } = answerQuestion(state.data, question.name, type);
      response.header.rcode =
        rcode === 'NXDOMAIN' ? Packet.RCODE.NXDOMAIN : rcode === 'SERVFAIL' ? Packet.RCODE.SERVFAIL : 0;
      response.header.ra = 1;
      for (const record of answers) response.answers.push(wireRecord(record) as never);
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: opts.port ?? 0, address: '127.0.0.1' } });
  const port = addresses.udp?.port;
  if (port === undefined) throw new Error('the DNS server did not report its UDP port');
  return {
    address: `127.0.0.1:${port}`,
    get data() {
      return state.data;
    },
    set data(next: SimDnsData) {
      state.data = next;
    },
    close: () => server.close(),
  };
}
