/**
 * `audit --dns-server`: the real CLI as a child process diagnoses the simulated organization's failed renewals
 * through a DNS server on loopback, and the JSON report carries each planted fault on its certificate; with
 * `--features dns-diagnosis` each fix names the Route 53 zone and account that hold the record, and the command.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReport } from '../../../lambdas/core/report';
import { type SimDnsServer, startDnsServer } from '../../../local/dns/server';
import { type DnsFault, simulatedZones, zoneOf } from '../../../local/dns/zones';
import { generateScenario, type Simulator, simulatedZoneId, startSimulator } from '../../../local/sim';
import { isolatedEnv, runCli } from './harness';

const scenario = generateScenario({
  seed: 7,
  accounts: 3,
  regions: ['us-east-1', 'eu-west-1'],
  certificatesPerTarget: { min: 2, max: 6 },
  inactiveAccounts: false,
  hostedZones: true,
});

let sim: Simulator;
let dns: SimDnsServer;
const planted = new Map<string, DnsFault>();

beforeAll(async () => {
  sim = await startSimulator({ scenario, quotas: { DescribeCertificate: 200, ListTagsForCertificate: 200 } });
  // Two issued, in-use, DNS-validated certificates whose renewal fails: one for a missing CNAME, one for CAA.
  const candidates = sim.org
    .allCertificates()
    .map((record) => record.certificate)
    .filter(
      (cert) =>
        cert.type === 'AMAZON_ISSUED' &&
        sim.org.statusOf(cert) === 'ISSUED' &&
        cert.inUseBy.length > 0 &&
        cert.renewal?.status !== 'FAILED' &&
        !cert.domainName.startsWith('*.'),
    )
    .sort((a, b) => (a.arn < b.arn ? -1 : 1));
  // In different zones: a CAA set at a zone's apex applies to every name below it.
  const [missing] = candidates;
  const caa = candidates.find(
    (cert) => missing !== undefined && zoneOf(cert.domainName) !== zoneOf(missing.domainName),
  );
  if (missing === undefined || caa === undefined) throw new Error('seed 7 lacks two renewable certificates');
  sim.org.failRenewal(missing.arn, 'OTHER');
  sim.org.failRenewal(caa.arn, 'CAA_ERROR');
  planted.set(missing.arn, 'cname-missing');
  planted.set(caa.arn, 'caa-forbids-amazon');
  dns = await startDnsServer(
    simulatedZones(
      sim.org.allCertificates().map((record) => record.certificate),
      planted,
    ),
  );
});

afterAll(async () => {
  await Promise.all([sim?.close(), dns?.close()]);
});

describe('audit --dns-server', () => {
  it('puts each planted fault on its certificate in the JSON report', async () => {
    const run = await runCli(
      ['--format', 'json', '--dns-server', dns.address, '--describe-rate', '100', '--as-of', sim.clock.toISOString()],
      isolatedEnv(sim.env()),
    );
    expect(run.messages.filter((line) => !line.startsWith('Warning:'))).toEqual([]);
    const report = parseReport(run.stdout);
    const byArn = new Map(report.certificates.map((cert) => [cert.arn, cert]));
    const codes = (arn: string) => new Set(byArn.get(arn)?.diagnosis?.map((entry) => entry.code));
    const [missing, caa] = [...planted.keys()] as [string, string];
    expect(codes(missing)).toEqual(new Set(['VALIDATION_CNAME_MISSING']));
    expect(codes(caa)).toEqual(new Set(['CAA_FORBIDS_AMAZON']));
    // Every other diagnosed certificate reads OK, unless it sits below the CAA set planted at its zone's apex.
    const blockedZone = zoneOf(byArn.get(caa)?.domainName ?? '');
    for (const cert of report.certificates) {
      if (planted.has(cert.arn) || cert.diagnosis === undefined) continue;
      const expected = zoneOf(cert.domainName) === blockedZone ? 'CAA_FORBIDS_AMAZON' : 'OK';
      expect(cert.diagnosis.map((entry) => entry.code)).toContain(expected);
    }
  });
});

describe('audit --dns-server --features dns-diagnosis', () => {
  it('fills the zone of the missing CNAME and gives the command to add it there', async () => {
    const run = await runCli(
      [
        '--format',
        'json',
        '--dns-server',
        dns.address,
        '--describe-rate',
        '100',
        '--as-of',
        sim.clock.toISOString(),
        '--features',
        'dns-diagnosis',
      ],
      isolatedEnv(sim.env()),
    );
    expect(run.messages.filter((line) => !line.startsWith('Warning:'))).toEqual([]);
    const report = parseReport(run.stdout);
    const [missing] = [...planted.keys()] as [string];
    const cert = report.certificates.find((c) => c.arn === missing);
    const entry = cert?.diagnosis?.find((e) => e.code === 'VALIDATION_CNAME_MISSING');
    const zoneName = (cert?.domainName ?? '').split('.').slice(-3).join('.');
    const holder = scenario.accounts.find((account) => account.hostedZones.some((zone) => zone.name === zoneName));

    expect(holder).toBeDefined();
    expect(entry?.zone).toEqual({ accountId: holder?.id, hostedZoneId: simulatedZoneId(zoneName), name: zoneName });
    expect(entry?.fix).toContain(
      `to zone ${zoneName} (${simulatedZoneId(zoneName)}) in account ${holder?.name} (${holder?.id})`,
    );
    expect(entry?.fix).toContain(
      `\`aws route53 change-resource-record-sets --hosted-zone-id ${simulatedZoneId(zoneName)} --change-batch '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"${entry?.record?.name}.","Type":"CNAME"`,
    );
  });
});
