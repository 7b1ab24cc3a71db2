/**
 * `npm run demo`: three days of the real pipeline on a simulated organization, on loopback.
 *
 * The hub stack is synthesized from infra/ and its state machine run with the real Lambda handlers against the AWS
 * simulator (with ACM's quotas), dynalite and a local Slack receiver. Between the days the organization changes:
 * a renewal succeeds, another fails, a certificate is deleted, an imported one is replaced by one that expires
 * soon, an account joins; on day 3 the failed renewal is fixed. The terminal shows what each day did and what
 * Slack received; the report and the Block Kit messages go to reports/.
 *
 * The organization's public DNS is a DNS server on loopback that FinalizeRun's diagnosis asks: the renewal that fails
 * on day 2 fails because a CAA record forbids Amazon, and the alert says which record and what to add; the renewals
 * already failing or waiting for validation on day 1 each have another planted DNS fault.
 *
 * Then the hourly Certificate Transparency watch runs against a local CT API that has logged every public ACM
 * certificate of the organization, a Let's Encrypt certificate someone got for one of its names outside ACM, and an
 * Amazon certificate held by an AWS account outside the organization: the two strangers alert on-call once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPO_ROOT } from '../infra/paths';
import { DynamoStateStore } from '../lambdas/aws/state-store';
import { daysToExpiry } from '../lambdas/core/findings';
import type { Change } from '../lambdas/core/model';
import { renderPlainText, type SlackMessage } from '../lambdas/core/slack';
import { HttpCtApi } from '../lambdas/net/ct-api';
import { watchCertificateTransparency } from '../lambdas/pipeline/ct-watch';
import { defaultSlackPoster } from '../lambdas/wiring/slack';
import { openAlertStore, openCtStore } from '../lambdas/wiring/stores';
import { logAmazonOutsideOrganization, logForeignLetsEncrypt, logOrganizationCertificates } from './ct/seed';
import { startLocalCtApi } from './ct/server';
import { type SimDnsServer, startDnsServer } from './dns/server';
import { DNS_FAULTS, type DnsFault, simulatedZones } from './dns/zones';
import { startDynalite } from './dynalite';
import {
  deployHub,
  exampleConfig,
  type LocalHub,
  receiverWebhooks,
  SLACK_PATHS,
  setSlackWebhooks,
} from './pipeline/deploy';
import { type PipelineRun, runPipeline } from './pipeline/run';
import {
  type CertRecord,
  generateAccount,
  generateScenario,
  type Mutation,
  type Simulator,
  startSimulator,
} from './sim';
import { type SlackReceiver, startSlackReceiver } from './slack-receiver';

// The SDK's notice that Node 20 support ends is expected here; the demo's output is what matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SEED = 20261201;
const REGIONS = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];
const REPORTS = join(REPO_ROOT, 'reports');
const WIDTH = 100;

const out = (line = '') => process.stdout.write(`${line}\n`);
const indent = (text: string, prefix = '  │ ') =>
  text
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');

function section(title: string): void {
  out();
  out(`━━ ${title} ${'━'.repeat(Math.max(3, WIDTH - title.length - 4))}`);
}

/** ACM calls answered so far, by operation. */
function acmCalls(sim: Simulator): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const entry of sim.counters.entries()) {
    if (entry.service === 'ACM') calls[entry.operation] = (calls[entry.operation] ?? 0) + entry.count;
  }
  return calls;
}

interface Day {
  run: PipelineRun;
  acmCalls: Record<string, number>;
  acmThrottled: number;
  digests: SlackMessage[];
  alerts: SlackMessage[];
}

async function runDay(
  sim: Simulator,
  env: { dynamo: Awaited<ReturnType<typeof startDynalite>>; slack: SlackReceiver; hub: LocalHub },
  runId: string,
): Promise<Day> {
  const acmBefore = acmCalls(sim);
  const throttledBefore = sim.counters.throttled({ service: 'ACM' });
  const digestsBefore = env.slack.posts(SLACK_PATHS.digest).length;
  const alertsBefore = env.slack.posts(SLACK_PATHS.alerts).length;
  const run = await runPipeline({ sim, dynamo: env.dynamo, runId, hub: env.hub });
  const messages = (path: string, from: number) =>
    env.slack
      .posts(path)
      .slice(from)
      .map((post) => post.body as SlackMessage);
  return {
    run,
    acmCalls: Object.fromEntries(
      Object.entries(acmCalls(sim)).map(([operation, count]) => [operation, count - (acmBefore[operation] ?? 0)]),
    ),
    acmThrottled: sim.counters.throttled({ service: 'ACM' }) - throttledBefore,
    digests: messages(SLACK_PATHS.digest, digestsBefore),
    alerts: messages(SLACK_PATHS.alerts, alertsBefore),
  };
}

function describeDay(day: Day): void {
  const summary = day.run.output.summary as {
    targets: number;
    targetsFailed: number;
    certificates: number;
    changes: number;
    digest: string;
    alerts: { sent: number; pending: number };
  };
  out(
    `  Run ${day.run.runId}: ${day.run.accounts.length} accounts (one Map child each), ${summary.targets} account-regions, ` +
      `${summary.targetsFailed} not fully scanned; largest state payload ${(day.run.largestPayloadBytes / 1024).toFixed(1)} KiB of 256`,
  );
  out(`  ${summary.certificates} certificates, ${summary.changes} changes detected`);
  const calls = Object.entries(day.acmCalls).filter(([, count]) => count > 0);
  const total = calls.reduce((sum, [, count]) => sum + count, 0);
  const byOperation = calls.map(([operation, count]) => `${operation} ${count}`).join(', ');
  out(`  ${total} ACM calls (${byOperation}); ${day.acmThrottled} throttled by the quota and retried`);
  out(`  The execution took ${(day.run.durationMs / 1000).toFixed(1)} s`);
  out(`  Slack: digest ${summary.digest}, ${summary.alerts.sent} alert(s) sent, ${summary.alerts.pending} pending`);
}

function printMessages(title: string, messages: SlackMessage[]): void {
  out();
  out(`  ${title}`);
  if (messages.length === 0) out('  │ (nothing)');
  for (const [index, message] of messages.entries()) {
    if (index > 0) out('  │');
    out(indent(renderPlainText(message)));
  }
}

function printChanges(changes: Change[]): void {
  out();
  out(`  Changes the monitor recorded (${changes.length}):`);
  const byType = new Map<string, Change[]>();
  for (const change of changes) byType.set(change.type, [...(byType.get(change.type) ?? []), change]);
  for (const [type, list] of [...byType.entries()].sort()) {
    out(`  │ ${type} (${list.length})`);
    for (const change of list.slice(0, 4))
      out(`  │   ${change.domainName} in ${change.accountId}/${change.region}: ${change.summary}`);
    if (list.length > 4) out(`  │   … and ${list.length - 4} more`);
  }
}

/**
 * Certificates fit for each scripted change, found by what they are (so another seed works too), each from a
 * different member account where the organization allows.
 */
function pick(sim: Simulator) {
  const now = sim.clock.now();
  const days = (record: CertRecord) => daysToExpiry(record.certificate, now) ?? -1;
  const scannable = sim.org.allCertificates().filter((record) => {
    const account = sim.org.account(record.accountId);
    return account !== undefined && sim.org.stateOf(account) === 'ACTIVE' && account.roles.length > 0;
  });
  const used = new Set<string>();
  const take = (fits: (record: CertRecord) => boolean, order?: (a: CertRecord, b: CertRecord) => number) => {
    const candidates = scannable.filter(fits).sort(order ?? (() => 0));
    const chosen =
      candidates.find((r) => !used.has(r.accountId) && r.accountId !== sim.org.managementAccountId) ??
      candidates.find((r) => !used.has(r.accountId)) ??
      candidates[0];
    if (!chosen) throw new Error(`seed ${SEED} lacks a certificate for one of the scripted changes; pick another seed`);
    used.add(chosen.accountId);
    return chosen;
  };
  // A managed renewal ACM is working on normally; ACM attempts it in the last 60 days before expiry.
  const renewing = (r: CertRecord) =>
    r.certificate.type === 'AMAZON_ISSUED' &&
    sim.org.statusOf(r.certificate) === 'ISSUED' &&
    r.certificate.renewalEligibility === 'ELIGIBLE' &&
    r.certificate.inUseBy.length > 0 &&
    (r.certificate.renewal === undefined ||
      r.certificate.renewal.status === 'PENDING_AUTO_RENEWAL' ||
      r.certificate.renewal.status === 'SUCCESS');
  // In a zone of the organization, so its alert names the zone, the account and the command to fix it there.
  const zoneNames = sim.org.accounts().flatMap((account) => account.hostedZones.map((zone) => zone.name));
  const inOrgZone = (r: CertRecord) =>
    zoneNames.some((zone) => r.certificate.domainName === zone || r.certificate.domainName.endsWith(`.${zone}`));
  const toFail = take(
    (r) => renewing(r) && inOrgZone(r) && days(r) > 20 && days(r) <= 55,
    (a, b) => days(a) - days(b),
  );
  const toRenew = take((r) => r !== toFail && renewing(r) && days(r) > 10 && days(r) <= 60);
  const toDelete = take((r) => r.certificate.inUseBy.length === 0 && sim.org.statusOf(r.certificate) === 'ISSUED');
  const imported = take((r) => r.certificate.type === 'IMPORTED' && r.certificate.inUseBy.length > 0 && days(r) > 30);
  return { toFail, toRenew, toDelete, imported };
}

function printMutations(mutations: Mutation[]): void {
  for (const mutation of mutations) {
    out(
      `  • ${mutation.domainName ?? `account ${mutation.accountId}`}${mutation.region ? ` (${mutation.accountId}/${mutation.region})` : ''}: ${mutation.summary}`,
    );
  }
}

/** One planted DNS fault per renewal already failing or waiting for validation, in turn, by ARN. */
function initialDnsFaults(sim: Simulator): Map<string, DnsFault> {
  const troubled = sim.org
    .allCertificates()
    .map((record) => record.certificate)
    .filter((cert) => cert.renewal?.status === 'FAILED' || cert.renewal?.status === 'PENDING_VALIDATION')
    .sort((a, b) => (a.arn < b.arn ? -1 : 1));
  return new Map(troubled.map((cert, index) => [cert.arn, DNS_FAULTS[index % DNS_FAULTS.length] as DnsFault]));
}

/** Serves the organization's DNS as it is now: certificates come and go, faults are planted and fixed. */
function serveDns(dns: SimDnsServer, sim: Simulator, faults: ReadonlyMap<string, DnsFault>): void {
  dns.data = simulatedZones(
    sim.org.allCertificates().map((record) => record.certificate),
    faults,
  );
}

async function main(): Promise<void> {
  const started = performance.now();
  const dns = await startDnsServer({ records: [] });
  const config: Record<string, unknown> = {
    ...exampleConfig(),
    dnsDiagnosis: { servers: [dns.address], timeoutMs: 1_000 },
    // The scan lists each account's Route 53 zones, so the alerts name the zone and account of every record to fix.
    features: ['dns-diagnosis'],
  };
  const scenario = generateScenario({
    seed: SEED,
    accounts: 10,
    regions: REGIONS,
    activeRegionsPerAccount: { min: 2, max: 4 },
    certificatesPerTarget: { min: 1, max: 8 },
    accountsWithoutRole: 1,
    externalId: String(config.externalId),
    hostedZones: true,
  });
  const sim = await startSimulator({ scenario });
  const faults = initialDnsFaults(sim);
  serveDns(dns, sim, faults);
  const [dynamo, slack] = await Promise.all([startDynalite(), startSlackReceiver()]);
  try {
    const hub = await deployHub({ sim, dynamo, config, logLevel: 'SILENT' });
    await setSlackWebhooks(sim, hub, receiverWebhooks(slack));
    const env = { dynamo, slack, hub };
    const store = new DynamoStateStore({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: hub.region, endpoint: dynamo.endpoint, credentials: sim.credentials }),
      ),
      tableName: hub.tableName,
    });

    const accounts = sim.org.accounts();
    const active = accounts.filter((account) => sim.org.stateOf(account) === 'ACTIVE');
    out('Certificate monitor demo: the deployed pipeline, run locally over a simulated AWS organization');
    const inactive = accounts.length - active.length;
    out(
      `  Organization: ${accounts.length} accounts${inactive > 0 ? ` (${inactive} suspended or closing)` : ''}, ` +
        `regions ${REGIONS.join(', ')}, ${sim.org.allCertificates().length} certificates`,
    );
    out(`  ACM quotas as in AWS (DescribeCertificate 10/s, ListCertificates 8/s per account and region)`);
    out(`  Hub stack ${hub.stackName} synthesized from infra/; Step Functions definition run with the real handlers`);

    // ---- day 1 ----
    section(`Day 1 · ${sim.clock.toISOString().slice(0, 10)} · first run`);
    const day1 = await runDay(sim, env, 'day-1');
    describeDay(day1);
    printMessages('The digest posted to Slack:', day1.digests);
    out();
    out(`  (and ${day1.alerts.length} alert(s) to on-call: every problem once, never a daily repeat)`);

    // ---- day 2 ----
    sim.clock.advanceDays(1);
    section(`Day 2 · ${sim.clock.toISOString().slice(0, 10)} · the organization changed overnight`);
    const picked = pick(sim);
    const newAccountId = '999900001111';
    const mutations = [
      sim.org.renew(picked.toRenew.certificate.arn),
      sim.org.failRenewal(picked.toFail.certificate.arn, 'CAA_ERROR'),
      sim.org.deleteCertificate(picked.toDelete.certificate.arn),
      sim.org.reimport(picked.imported.certificate.arn, new Date(sim.clock.nowMs() + 6 * 86_400_000).toISOString()),
      sim.org.addAccount(
        generateAccount({
          seed: SEED + 1,
          id: newAccountId,
          name: 'checkout-sandbox',
          start: sim.clock.toISOString(),
          managementAccountId: sim.org.managementAccountId,
          regions: REGIONS,
          activeRegionsPerAccount: { min: 1, max: 2 },
          certificatesPerTarget: { min: 1, max: 3 },
          externalId: String(config.externalId),
        }),
      ),
    ];
    printMutations(mutations);
    faults.set(picked.toFail.certificate.arn, 'caa-forbids-amazon');
    serveDns(dns, sim, faults);
    out(`  • DNS: a CAA record at the zone of ${picked.toFail.certificate.domainName} now allows only letsencrypt.org`);
    out();
    const day2 = await runDay(sim, env, 'day-2');
    describeDay(day2);
    printChanges((await store.loadRunResults('day-2')).changes);
    printMessages('Alerts posted to on-call:', day2.alerts);

    // ---- day 3 ----
    sim.clock.advanceDays(1);
    section(`Day 3 · ${sim.clock.toISOString().slice(0, 10)} · the failed renewal is fixed`);
    faults.delete(picked.toFail.certificate.arn);
    serveDns(dns, sim, faults);
    out(`  • DNS: the CAA record that allowed only letsencrypt.org is removed`);
    printMutations([sim.org.renew(picked.toFail.certificate.arn)]);
    out();
    const day3 = await runDay(sim, env, 'day-3');
    describeDay(day3);
    printMessages('Posted to on-call:', day3.alerts);

    // ---- Certificate Transparency ----
    section(`Certificate Transparency · ${sim.clock.toISOString().slice(0, 10)} · the hourly watch`);
    const ct = await startLocalCtApi({ now: () => sim.clock.nowMs(), allowance: 100 });
    try {
      // The account whose audit role is missing was never scanned: its certificates are not the monitor's to know
      // (its coverage gap is alerted), so the local CT API logs those of the accounts the pipeline reads.
      const scanned = new Set((await store.loadAllCertificates()).map((cert) => cert.accountId));
      const logged = await logOrganizationCertificates(
        ct,
        sim.org
          .allCertificates()
          .filter((record) => scanned.has(record.accountId))
          .map((record) => record.certificate),
      );
      const watchedName = sim.org.allCertificates()[0]?.certificate.domainName.replace(/^\*\./, '') ?? 'example.com';
      const foreignName = `legacy-blog.${watchedName.split('.').slice(-3).join('.')}`;
      await logForeignLetsEncrypt(ct, 'example.com', sim.clock.now(), foreignName);
      await logAmazonOutsideOrganization(
        ct,
        'example.com',
        sim.clock.now(),
        `shadow-it.${watchedName.split('.').slice(-3).join('.')}`,
      );
      out(
        `  • The local CT API logged the ${logged} public ACM certificates of the scanned accounts (expired ones it no longer lists)`,
      );
      out(`  • ...and a Let's Encrypt certificate for ${foreignName} that no ACM account holds`);
      out(`  • ...and an Amazon certificate for a name of ours requested in an AWS account outside the organization`);
      const doc = DynamoDBDocumentClient.from(
        new DynamoDBClient({ region: hub.region, endpoint: dynamo.endpoint, credentials: sim.credentials }),
      );
      const ctDeps = {
        api: new HttpCtApi({ baseUrl: ct.url }),
        store: openCtStore(doc, hub.tableName),
        snapshot: store,
        alerts: openAlertStore(doc, hub.tableName),
        slack: async () => ({ kind: 'configured' as const, webhooks: receiverWebhooks(slack) }),
        poster: defaultSlackPoster(),
        clock: () => sim.clock.now(),
      };
      const alertsBefore = slack.posts(SLACK_PATHS.alerts).length;
      const first = await watchCertificateTransparency(ctDeps, { allow: [], ownerTagKey: 'owner' });
      sim.clock.advanceMs(3_600_000);
      const second = await watchCertificateTransparency(ctDeps, { allow: [], ownerTagKey: 'owner' });
      const byStatus = (statuses: string[]) =>
        first.watch.report.issuances.filter((issuance) => statuses.includes(issuance.status)).length;
      out();
      out(
        `  Poll 1: ${first.watch.report.domains.length} watched domain(s) (${first.watch.report.domains.join(', ')}), ` +
          `${first.watch.requests} API queries; ${byStatus(['known'])} issuances known from ACM serials, ` +
          `${byStatus(['unknown', 'amazon-outside-organization'])} outside the organization; ${first.alerts.sent} alert(s) sent`,
      );
      out(
        `  Poll 2, an hour later: ${second.watch.requests} API queries, ${second.alerts.sent} alert(s): each issuance pages once`,
      );
      printMessages(
        'Posted to on-call:',
        slack
          .posts(SLACK_PATHS.alerts)
          .slice(alertsBefore)
          .map((post) => post.body as SlackMessage),
      );
    } finally {
      await ct.close();
    }

    // ---- files ----
    await mkdir(REPORTS, { recursive: true });
    const html = sim.s3.text(hub.bucket, 'runs/day-3/report.html');
    if (html === undefined) throw new Error('the day-3 report is missing from the work bucket');
    const files: Array<[string, string]> = [
      ['demo-report.html', html],
      ['demo-digest-day1.json', JSON.stringify(day1.digests[0] ?? null, null, 2)],
      ['demo-alerts-day2.json', JSON.stringify(day2.alerts, null, 2)],
      ['demo-alerts-day3.json', JSON.stringify(day3.alerts, null, 2)],
    ];
    await Promise.all(files.map(([name, body]) => writeFile(join(REPORTS, name), `${body}\n`)));
    section('Files');
    out(`  ${files.map(([name]) => `reports/${name}`).join('\n  ')}`);
    out();
    out(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    await Promise.all([sim.close(), dynamo.close(), slack.close(), dns.close()]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
