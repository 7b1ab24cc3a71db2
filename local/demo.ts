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
 * between day 1 and day 2 fails because a CAA record forbids Amazon, and the alert says which record and what to
 * add; the renewals already failing or waiting for validation on day 1 each have another planted DNS fault.
 *
 * The event path is on: every change the organization makes emits the ACM and CloudTrail events AWS would send, and
 * the loopback bus hands them to the deployed Events Lambda in SQS batches. The renewal that fails at 14:00 on day 1
 * reaches on-call at once ("event → alert in N ms"), the overnight changes are rescanned as they happen, and the day-2
 * run sends none of those alerts again.
 *
 * Alerts and digests are routed to their owners (certMonitor.routes): the payments team owns the accounts tagged
 * team=payments in Organizations, the storefront team every account below the Workloads OU, and the platform team
 * (the default destination) what nobody owns. Each destination is its own local Slack receiver.
 *
 * Every load balancer, distribution and API Gateway domain name the certificates are in use by is a real TLS server
 * on loopback serving what ACM holds (local/tls), and ScanTarget probes them (the `probe` feature set): on day 2 the
 * renewed certificate's endpoints still serve the old one, nobody having reloaded them, and the probe catches the
 * mismatch that ACM alone cannot show; on day 3 they serve the renewal and the incident resolves.
 *
 * Then the hourly Certificate Transparency watch runs against a local CT API that has logged every public ACM
 * certificate of the organization, a Let's Encrypt certificate someone got for one of its names outside ACM, and an
 * Amazon certificate held by an AWS account outside the organization: the two strangers alert on-call once.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REPO_ROOT } from '../infra/paths';
import { DynamoStateStore } from '../lambdas/aws/state-store';
import { DynamoEndpointStore } from '../lambdas/aws/store/endpoint-store';
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
import { LocalEventBus } from './event-bus';
import {
  deployHub,
  exampleConfig,
  type LocalHub,
  receiverWebhooks,
  SLACK_PATHS,
  setSlackWebhooks,
} from './pipeline/deploy';
import { invokeEvents } from './pipeline/lambda-runtime';
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
import { type EndpointWorld, startEndpointWorld, withEndpointRecords } from './tls/endpoint-world';

// The SDK's notice that Node 20 support ends is expected here; the demo's output is what matters.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SEED = 20261201;
/** The OUs of the demo organization: Storefront below Workloads; the routing table maps Workloads to storefront. */
const WORKLOADS_OU = 'ou-demo-workloads';
const STOREFRONT_OU = 'ou-demo-storefront';
const TEAMS = ['payments', 'storefront'] as const;
type Team = (typeof TEAMS)[number];
/** Owner routing as the stack takes it: destinations are keys of the Slack secret, never URLs. */
const ROUTES = {
  destinations: { platform: 'platformWebhookUrl', payments: 'paymentsWebhookUrl', storefront: 'storefrontWebhookUrl' },
  default: 'platform',
  rules: [
    { certificateTag: 'owner-slack' },
    { certificateTag: 'team' },
    { accountTag: 'team' },
    { ou: { [WORKLOADS_OU]: 'storefront' } },
  ],
  teamDigests: true,
};
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
  /** What each team's channel received: its alerts and its team digest. */
  teams: Record<Team, SlackMessage[]>;
}

async function runDay(
  sim: Simulator,
  env: {
    dynamo: Awaited<ReturnType<typeof startDynalite>>;
    slack: SlackReceiver;
    teams: Record<Team, SlackReceiver>;
    hub: LocalHub;
  },
  runId: string,
): Promise<Day> {
  const acmBefore = acmCalls(sim);
  const throttledBefore = sim.counters.throttled({ service: 'ACM' });
  const digestsBefore = env.slack.posts(SLACK_PATHS.digest).length;
  const alertsBefore = env.slack.posts(SLACK_PATHS.alerts).length;
  const teamsBefore = Object.fromEntries(TEAMS.map((team) => [team, env.teams[team].posts().length]));
  const run = await runPipeline({ sim, dynamo: env.dynamo, runId, hub: env.hub });
  const messages = (path: string, from: number) =>
    env.slack
      .posts(path)
      .slice(from)
      .map((post) => post.body as SlackMessage);
  return {
    teams: Object.fromEntries(
      TEAMS.map((team) => [
        team,
        env.teams[team]
          .posts()
          .slice(teamsBefore[team])
          .map((post) => post.body as SlackMessage),
      ]),
    ) as Record<Team, SlackMessage[]>,
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

/** What each team's channel received: its alerts in full, its team digest by its first lines. */
function printTeams(day: Day): void {
  for (const team of TEAMS) {
    const messages = day.teams[team];
    const digests = messages.filter((message) => /certificate digest/i.test(message.text ?? ''));
    const alerts = messages.filter((message) => !digests.includes(message));
    printMessages(`Routed to the ${team} team's channel (${alerts.length} alert(s)):`, alerts);
    for (const digest of digests) {
      out(indent(renderPlainText(digest).split('\n').slice(0, 3).join('\n'), '  │ '));
      out('  │ …');
    }
  }
}

/** The routing section of the organization's digest: who owns what, and the tag values that named nobody. */
function printRouting(day: Day): void {
  const [digest] = day.digests;
  if (digest === undefined) return;
  const lines = renderPlainText(digest).split('\n');
  const start = lines.findIndex((line) => line.startsWith('📬 Routing'));
  if (start < 0) return;
  const end = lines.findIndex((line, index) => index > start && line.startsWith('────'));
  out();
  out("  Routing, as the organization's digest in the platform channel shows it:");
  out(indent(lines.slice(start, end < 0 ? undefined : end).join('\n')));
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

/** Hands what the bus holds to the Events Lambda, batch by batch, and says what came of it. */
async function deliverEvents(
  sim: Simulator,
  env: { slack: SlackReceiver; hub: LocalHub },
  bus: LocalEventBus,
): Promise<void> {
  const alertsBefore = env.slack.posts(SLACK_PATHS.alerts).length;
  const queued = bus.depth;
  const summaries = await bus.drain((batch) => invokeEvents({ sim, hub: env.hub, batch }));
  const rescanned = summaries.flatMap((summary) => summary.rescanned);
  const dirty = summaries.reduce((sum, summary) => sum + summary.markedDirty, 0);
  const deliveries = summaries.flatMap((summary) => summary.deliveries);
  out(
    `  ${queued} event(s) → the Events Lambda in ${summaries.length} batch(es): ${dirty} account-region(s) marked dirty, ` +
      `${rescanned.length} rescanned (${rescanned.map((r) => `${r.accountId}/${r.region} ${r.status}`).join(', ') || 'none'})`,
  );
  for (const delivery of deliveries) {
    out(
      `  event → alert in ${delivery.latencyMs} ms: ${delivery.stage} ${delivery.noticeId.split('#')[0]} (${delivery.accountId}/${delivery.region})`,
    );
  }
  const posted = env.slack
    .posts(SLACK_PATHS.alerts)
    .slice(alertsBefore)
    .map((post) => post.body as SlackMessage);
  printMessages('Posted to on-call from the events:', posted);
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

/**
 * Serves the organization's DNS as it is now: certificates come and go, faults are planted and fixed, and every name
 * of an in-use certificate points at the endpoint serving it (except where its not resolving is the planted fault).
 */
function serveDns(
  dns: SimDnsServer,
  sim: Simulator,
  faults: ReadonlyMap<string, DnsFault>,
  world: EndpointWorld,
): void {
  const certificates = sim.org.allCertificates().map((record) => record.certificate);
  const unresolved = new Set(
    certificates
      .filter((cert) => faults.get(cert.arn) === 'name-does-not-resolve')
      .flatMap((cert) => [cert.domainName, ...cert.subjectAlternativeNames].map((name) => name.toLowerCase())),
  );
  dns.data = withEndpointRecords(simulatedZones(certificates, faults), world, unresolved);
}

/** What the run's probes found, from the state table: counts, and each endpoint with a finding. */
async function describeEndpoints(endpoints: DynamoEndpointStore, runId: string, detail: boolean): Promise<void> {
  const probed = (await endpoints.loadAllEndpoints())
    .filter((owner) => owner.runId === runId)
    .flatMap((owner) => owner.endpoints);
  const count = (status: string) => probed.filter((e) => e.status === status).length;
  out(
    `  Endpoints probed over TLS: ${probed.length - count('skipped')} (${count('finding')} with findings, ` +
      `${count('unreachable')} unreachable), ${count('skipped')} skipped`,
  );
  if (!detail) return;
  for (const e of probed.filter((endpoint) => endpoint.status === 'unreachable')) {
    out(`  │ ${e.sni} at ${e.host}:${e.port} (${e.source}) unreachable: ${e.error?.reason} ${e.error?.message}`);
  }
  for (const e of probed.filter((endpoint) => endpoint.findings.includes('SERVED_MISMATCH'))) {
    out(
      `  │ ${e.sni} at ${e.host}:${e.port} (${e.source}) serves ${e.served?.serial}, ACM has ${e.expectedSerials.join(' or ')}: ${e.findings.join(' ')}`,
    );
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const dns = await startDnsServer({ records: [] });
  const config: Record<string, unknown> = {
    ...exampleConfig(),
    dnsDiagnosis: { servers: [dns.address], timeoutMs: 1_000 },
    // The scan lists each account's Route 53 zones, so the alerts name the zone and account of every record to fix,
    // and probes what each endpoint of an in-use certificate serves.
    features: ['dns-diagnosis', 'probe'],
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
  config.routes = ROUTES;
  scenario.organizationalUnits = [
    { id: WORKLOADS_OU, name: 'Workloads', tags: {} },
    { id: STOREFRONT_OU, name: 'Storefront', parentId: WORKLOADS_OU, tags: {} },
  ];
  const sim = await startSimulator({ scenario });
  // The hub bus's policy names the organization: its id is known once the simulated organization exists.
  config.events = { enabled: true, principalOrgId: sim.org.organizationId };
  const bus = new LocalEventBus({ org: sim.org });
  const faults = initialDnsFaults(sim);
  const world = await startEndpointWorld({ org: sim.org, now: () => sim.clock.now() });
  // The endpoints' certificates chain to the simulator's own root: the Lambdas trust it as NODE_EXTRA_CA_CERTS says.
  const caFile = join(await mkdtemp(join(tmpdir(), 'cert-monitor-demo-')), 'simulated-root.pem');
  await writeFile(caFile, world.caPem);
  process.env.NODE_EXTRA_CA_CERTS = caFile;
  serveDns(dns, sim, faults, world);
  const [dynamo, slack, payments, storefront] = await Promise.all([
    startDynalite(),
    startSlackReceiver(),
    startSlackReceiver(),
    startSlackReceiver(),
  ]);
  try {
    const hub = await deployHub({ sim, dynamo, config, logLevel: 'SILENT' });
    // One receiver per destination; the platform team's (the default) is the one the digest and heartbeat use too.
    await setSlackWebhooks(sim, hub, {
      ...receiverWebhooks(slack),
      platformWebhookUrl: `${slack.url}${SLACK_PATHS.alerts}`,
      paymentsWebhookUrl: `${payments.url}/team`,
      storefrontWebhookUrl: `${storefront.url}/team`,
    });
    const env = { dynamo, slack, teams: { payments, storefront }, hub };
    const doc = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: hub.region, endpoint: dynamo.endpoint, credentials: sim.credentials }),
    );
    const store = new DynamoStateStore({ client: doc, tableName: hub.tableName });
    const endpoints = new DynamoEndpointStore(doc, hub.tableName);

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
    const members = active.filter((account) => account.id !== sim.org.managementAccountId && account.roles.length > 0);
    const [paymentsAccount, storefrontAccount] = members;
    if (!paymentsAccount || !storefrontAccount) throw new Error(`seed ${SEED} lacks two member accounts to route`);
    sim.org.setAccountTag(paymentsAccount.id, 'team', 'payments');
    sim.org.moveAccount(storefrontAccount.id, STOREFRONT_OU);
    out(
      `  Owner routing: account ${paymentsAccount.name} is tagged team=payments in Organizations, ${storefrontAccount.name} ` +
        'sits in Workloads/Storefront (routed to storefront); what nobody owns goes to platform. One Slack receiver each.',
    );

    // ---- day 1 ----
    section(`Day 1 · ${sim.clock.toISOString().slice(0, 10)} · first run`);
    const day1 = await runDay(sim, env, 'day-1');
    describeDay(day1);
    await describeEndpoints(endpoints, 'day-1', false);
    printMessages('The digest posted to Slack:', day1.digests);
    out();
    const teamAlerts = (team: Team) =>
      day1.teams[team].filter((message) => !/certificate digest/i.test(message.text ?? '')).length;
    out(
      `  (and alerts to on-call, every problem once, to its owner, never a daily repeat: ${day1.alerts.length} to platform ` +
        `(what nobody owns), ${teamAlerts('payments')} to payments, ${teamAlerts('storefront')} to storefront; each team also got its own digest)`,
    );

    // ---- between day 1 and day 2: real time ----
    sim.clock.advanceMs(14 * 3_600_000);
    section(`Day 1 · ${sim.clock.toISOString().slice(11, 16)} UTC · a renewal fails, in real time`);
    const picked = pick(sim);
    // The renewed certificate's endpoints keep serving what they serve now: nobody reloads them.
    await world.pin(picked.toRenew.certificate.arn);
    faults.set(picked.toFail.certificate.arn, 'caa-forbids-amazon');
    serveDns(dns, sim, faults, world);
    out(`  • DNS: a CAA record at the zone of ${picked.toFail.certificate.domainName} now allows only letsencrypt.org`);
    printMutations([sim.org.failRenewal(picked.toFail.certificate.arn, 'CAA_ERROR')]);
    await deliverEvents(sim, env, bus);
    out(
      "  (locally the rescan, the planning and the Slack post; in AWS add EventBridge's delivery to the hub bus and the " +
        'SQS batching window, 5 s by default)',
    );

    // ---- day 2 ----
    const midnight = Math.floor(sim.clock.nowMs() / 86_400_000 + 1) * 86_400_000;
    const afternoon = sim.clock.nowMs();
    sim.clock.set(new Date(midnight).toISOString());
    section(`Day 2 · ${sim.clock.toISOString().slice(0, 10)} · the organization changed overnight`);
    const notices = bus.timePassed(afternoon, midnight);
    out(
      `  00:00 ACM sends ${notices} Approaching Expiration notice(s): they mark account-regions dirty, nobody is paged`,
    );
    await deliverEvents(sim, env, bus);
    sim.clock.set(new Date(midnight + 2 * 3_600_000).toISOString());
    out();
    out('  02:00 changes in the organization:');
    const newAccountId = '999900001111';
    const mutations = [
      sim.org.renew(picked.toRenew.certificate.arn),
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
    // Ownership changes too: payments takes over the account whose renewal fails, the imported certificate's account
    // joins Workloads, and someone tags a certificate with a team name that is not a destination.
    sim.org.setAccountTag(picked.toFail.accountId, 'team', 'payments');
    sim.org.moveAccount(picked.imported.accountId, WORKLOADS_OU);
    const typo = sim.org.setTag(picked.toRenew.certificate.arn, 'team', 'Payments');
    out(
      `  • Organizations: account ${picked.toFail.accountId} tagged team=payments; ${picked.imported.accountId} moved into Workloads`,
    );
    printMutations([typo]);
    await world.refresh();
    serveDns(dns, sim, faults, world);
    out(
      `  • The endpoints of ${picked.toRenew.certificate.domainName} still serve the certificate from before its renewal`,
    );
    await deliverEvents(sim, env, bus);
    sim.clock.set(new Date(midnight + 6 * 3_600_000).toISOString());
    out();
    out("  06:00 the daily run (it sends none of the event path's alerts again):");
    const day2 = await runDay(sim, env, 'day-2');
    describeDay(day2);
    await describeEndpoints(endpoints, 'day-2', true);
    printChanges((await store.loadRunResults('day-2')).changes);
    printMessages("Posted to the platform team's channel (the default: what nobody owns):", day2.alerts);
    printTeams(day2);
    printRouting(day2);

    // ---- day 3 ----
    sim.clock.advanceDays(1);
    section(`Day 3 · ${sim.clock.toISOString().slice(0, 10)} · the failed renewal is fixed`);
    faults.delete(picked.toFail.certificate.arn);
    await world.pickUp(picked.toRenew.certificate.arn);
    await world.refresh();
    serveDns(dns, sim, faults, world);
    out(`  • DNS: the CAA record that allowed only letsencrypt.org is removed`);
    out(`  • The endpoints of ${picked.toRenew.certificate.domainName} are reloaded and serve the renewed certificate`);
    printMutations([sim.org.renew(picked.toFail.certificate.arn)]);
    // Load balancers and distributions pick up an ACM renewal by themselves.
    await world.sync();
    await deliverEvents(sim, env, bus);
    out();
    const day3 = await runDay(sim, env, 'day-3');
    describeDay(day3);
    await describeEndpoints(endpoints, 'day-3', true);
    printMessages("Posted to the platform team's channel:", day3.alerts);
    printTeams(day3);

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
    out(
      '  reports/demo-report.html opens with the next 90 days as a timeline of expiries by week and an account × region\n' +
        '  grid coloured by the worst finding: click a bar, a legend entry or a cell to filter the table.',
    );
    out();
    out(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  } finally {
    bus.close();
    await Promise.all([
      sim.close(),
      dynamo.close(),
      slack.close(),
      payments.close(),
      storefront.close(),
      dns.close(),
      world.close(),
    ]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
