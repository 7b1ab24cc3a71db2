/**
 * `audit --ct --state-table --alerts-webhook-url` over the simulated organization and the local CT API, run after run
 * as a daily job would: a foreign Let's Encrypt issuance and an Amazon one from outside the organization alert once
 * each, a month of ACM renewals never alerts, a precertificate and its certificate alert once, an allow-listed
 * issuance is silent, and the JSON report carries the `ct` part of the contract.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../../lambdas/cli/args';
import { defaultDeps, runAuditCommand } from '../../../lambdas/cli/run-audit';
import type { SlackMessage } from '../../../lambdas/core/slack';
import { ISSUER_DNS } from '../../../local/ct/certs';
import {
  logAmazonOutsideOrganization,
  logForeignLetsEncrypt,
  logOrganizationCertificates,
} from '../../../local/ct/seed';
import { type LocalCtApi, startLocalCtApi } from '../../../local/ct/server';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { exampleConfig } from '../../../local/pipeline/deploy';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { TEAM_ACCOUNT, teamAccount } from '../cli/harness';

const EXTERNAL_ID = String(exampleConfig().externalId);
const DAY_MS = 86_400_000;

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

interface Run {
  exit: number;
  report: { ct?: { domains: string[]; issuances: Array<Record<string, unknown>> } };
  ctAlerts: SlackMessage[];
  digests: SlackMessage[];
  stderr: string;
}

describe('audit --ct', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let ct: LocalCtApi;
  const dir = mkdtempSync(join(tmpdir(), 'ct-watch-'));
  const allowFile = join(dir, 'allow.json');
  let runs = 0;

  beforeAll(async () => {
    sim = await startSimulator({
      scenario: generateScenario({
        seed: 20261219,
        accounts: 2,
        regions: ['us-east-1'],
        certificatesPerTarget: { min: 2, max: 3 },
        activeRegionsPerAccount: { min: 1, max: 1 },
        inactiveAccounts: false,
        externalId: EXTERNAL_ID,
      }),
    });
    sim.org.addAccount(teamAccount(new Date(sim.clock.nowMs() + 12 * 3_600_000).toISOString()));
    [dynamo, ct] = await Promise.all([startDynalite(), startLocalCtApi({ now: () => sim.clock.nowMs() })]);
    await logOrganizationCertificates(
      ct,
      sim.org.allCertificates().map((record) => record.certificate),
    );
    writeFileSync(
      allowFile,
      JSON.stringify([{ names: '*.cdn.example.com', reason: 'CDN provider edge certificates' }]),
    );
  });

  afterAll(async () => {
    await Promise.all([sim?.close(), dynamo?.close(), ct?.close()]);
  });

  async function audit(extra: string[] = []): Promise<Run> {
    const output = join(dir, `report-${++runs}.json`);
    const saved = { ...process.env };
    Object.assign(process.env, sim.env(), { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const { dns: _dns, destroy, ...deps } = await defaultDeps();
    const posts: Array<{ label: string; message: SlackMessage }> = [];
    const stderr = new Sink();
    try {
      const parsed = parseArgs([
        '--external-id',
        EXTERNAL_ID,
        '--state-table',
        'ct-state',
        '--alerts-webhook-url',
        'https://hooks.slack.com/services/T0/B0/ALERTS',
        '--slack-webhook-url',
        'https://hooks.slack.com/services/T0/B0/DIGEST',
        '--describe-rate',
        '100',
        '--ct',
        '--ct-api-url',
        ct.url,
        '--ct-allow',
        allowFile,
        '--output',
        output,
        ...extra,
      ]);
      if (parsed.kind !== 'run') throw new Error(`bad arguments: ${JSON.stringify(parsed)}`);
      const exit = await runAuditCommand(
        parsed.options,
        { stdout: new Sink(), stderr },
        {
          ...deps,
          clock: () => sim.clock.now(),
          slackPoster: (_url, label) => ({
            post: async (message) => {
              posts.push({ label, message });
            },
          }),
        },
      );
      const ctAlerts = posts
        .filter((post) => post.label === 'alerts' && post.message.text?.includes('outside the organization'))
        .map((post) => post.message);
      const digests = posts.filter((post) => post.label === 'digest').map((post) => post.message);
      return { exit, report: JSON.parse(readFileSync(output, 'utf8')), ctAlerts, digests, stderr: stderr.text };
    } finally {
      destroy();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }

  it('alerts once for a foreign issuance and once for an Amazon one outside the organization, and never again', async () => {
    // Prepare
    const baseline = await audit();
    await logForeignLetsEncrypt(ct, 'example.com', sim.clock.now(), 'forgotten.example.com');
    await logAmazonOutsideOrganization(ct, 'example.com', sim.clock.now(), 'shadow.example.com');
    // Act
    const first = await audit();
    const second = await audit();
    // Assess
    expect(baseline.ctAlerts).toHaveLength(0);
    expect(baseline.report.ct?.domains).toContain('example.com');
    expect(baseline.report.ct?.issuances.every((i) => i.status === 'known')).toBe(true);
    expect(first.ctAlerts.map((m) => m.text)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('forgotten.example.com'),
        expect.stringContaining('shadow.example.com'),
      ]),
    );
    expect(first.ctAlerts).toHaveLength(2);
    expect(JSON.stringify(first.ctAlerts)).toContain('another AWS account holds it');
    expect(JSON.stringify(first.ctAlerts)).toContain('https://crt.sh/?sha256=');
    const foreign = first.report.ct?.issuances.find((i) => (i.dnsNames as string[]).includes('forgotten.example.com'));
    expect(foreign).toMatchObject({ status: 'unknown', issuer: ISSUER_DNS.letsEncrypt, matchedDomain: 'example.com' });
    expect(Object.keys(foreign ?? {}).sort()).toEqual(
      ['id', 'dnsNames', 'issuer', 'notBefore', 'notAfter', 'serial', 'certSha256', 'matchedDomain', 'status'].sort(),
    );
    expect(second.ctAlerts).toHaveLength(0);
    expect(second.report.ct?.issuances.filter((i) => i.status === 'unknown')).toHaveLength(1);
    // The digest keeps listing them until they are allow-listed, and says what is watched.
    const digest = JSON.stringify(second.digests);
    expect(digest).toContain('Certificate Transparency:* watching `example.com`');
    expect(digest).toContain('2 issued outside the organization');
    expect(digest).toContain('forgotten.example.com');
  });

  it('never alerts for a month of ACM renewals, old serials staying known', async () => {
    // Prepare: every issued Amazon certificate of the team account renews, a day at a time, logged to CT as ACM would.
    const renewable = sim.org
      .certificatesIn(TEAM_ACCOUNT, 'us-east-1')
      .filter(
        (record) => record.certificate.type === 'AMAZON_ISSUED' && sim.org.statusOf(record.certificate) === 'ISSUED',
      );
    const alerts: SlackMessage[] = [];
    // Act
    for (let day = 0; day < 30; day++) {
      sim.clock.advanceDays(1);
      const record = renewable[day % renewable.length];
      if (record !== undefined && day % 7 === 0) {
        sim.org.renew(record.certificate.arn);
        await logOrganizationCertificates(ct, [record.certificate]);
      }
      if (day % 10 === 9) alerts.push(...(await audit()).ctAlerts);
    }
    const last = await audit();
    // Assess
    expect(renewable.length).toBeGreaterThan(0);
    expect(alerts).toHaveLength(0);
    expect(last.ctAlerts).toHaveLength(0);
    const ours = last.report.ct?.issuances.filter((i) => i.status === 'known') ?? [];
    const renewedArns = new Set(renewable.map((r) => r.certificate.arn));
    const perArn = ours.filter((i) => renewedArns.has(String(i.matchedArn)));
    expect(perArn.length).toBeGreaterThan(renewable.length);
  });

  it('alerts once for a precertificate and its certificate, and stays silent for an allow-listed issuance', async () => {
    // Prepare
    await ct.log({
      names: ['pair.example.com'],
      serial: '5e:11:22:33:44',
      issuerDn: ISSUER_DNS.letsEncrypt,
      notBefore: sim.clock.now().toISOString(),
      notAfter: new Date(sim.clock.nowMs() + 90 * DAY_MS).toISOString(),
      splitPair: true,
    });
    await logForeignLetsEncrypt(ct, 'example.com', sim.clock.now(), 'edge.cdn.example.com');
    // Act
    const run = await audit();
    const again = await audit();
    // Assess
    expect(run.ctAlerts.map((m) => m.text)).toEqual([expect.stringContaining('pair.example.com')]);
    expect(again.ctAlerts).toHaveLength(0);
    const allowed = run.report.ct?.issuances.find((i) => (i.dnsNames as string[]).includes('edge.cdn.example.com'));
    expect(allowed).toMatchObject({ status: 'allowed', allowedBy: 'CDN provider edge certificates' });
  });
});
