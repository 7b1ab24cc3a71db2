/**
 * The `audit` command's composition: the same scanner, store and completion (report, alerts, digest, run record:
 * run/complete-run.ts) as the deployed pipeline, run once from a laptop or a CI job. Everything from outside (AWS clients, Slack posting, clocks, the
 * output streams) comes in through CliDeps and CliIo, so the whole command runs in-process in tests.
 *
 * Exit codes: 0 every target scanned; 2 the report was written but some target failed or a Slack message was not
 * delivered; 1 (a thrown CliError) nothing useful could be done.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { DynamoAlertStore } from '../aws/alert-store';
import { createOrganizationsClient, createStsClient, type OpenTargetClients } from '../aws/clients';
import { awsErrorCode, awsErrorMessage } from '../aws/errors';
import { DynamoEventStore } from '../aws/event-store';
import { OrganizationsError } from '../aws/organizations';
import type { DynamoStateStore } from '../aws/state-store';
import { createStateTableClient, documentClient } from '../aws/store/client';
import { DynamoEndpointStore, MemoryEndpointStore } from '../aws/store/endpoint-store';
import { ensureTable } from '../aws/table';
import { CtAllowListError, type CtAllowRule, type CtStore, parseAllowList } from '../core/ct';
import type { DnsResolver } from '../core/diagnosis';
import { refusesFurtherCalls } from '../core/failures';
import { type Certificate, type Change, type TargetResult, targetKey } from '../core/model';
import { isStateTableFailure, withNotStored } from '../core/monitor-health';
import type { Clock, EndpointStore, RunRecord } from '../core/ports';
import type { Endpoint } from '../core/probe/model';
import { type Report, renderChanges, summaryLine } from '../core/report';
import { routingNeeds } from '../core/routing';
import { DEFAULT_DESCRIBE_CONCURRENCY, DEFAULT_HISTORY_DAYS } from '../core/settings';
import { MemoryCtStore } from '../ct/memory-store';
import { type CtApi, HttpCtApi } from '../net/ct-api';
import { nodeDnsResolver } from '../net/dns-resolver';
import { createProbe, EXTRA_CA_CERTS_VARIABLE, ExtraCaCertificatesError } from '../net/probe-factory';
import type { ProbeEndpoint } from '../net/tls-probe';
import { completeRun, type RunCompletion, type RunLogger } from '../run/complete-run';
import { urlsFromTable } from '../run/routed-slack';
import { type AuditResult, runAudit } from '../scan/audit';
import type { ScanLogger } from '../scan/scan-target';
import { defaultSlackPoster, type SlackPosterFactory } from '../wiring/slack';
import { openAlertStore, openCtStore, openStateStore } from '../wiring/stores';
import type { CliOptions } from './args';
import { EndpointsFileError, readEndpointsFile } from './endpoints-file';
import { CliError } from './errors';
import {
  checkWritable,
  type OutputStream,
  progressView,
  readEarlierReport,
  readRoutesFile,
  renderReport,
  writeAtomically,
} from './output';

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read for NO_COLOR and NODE_EXTRA_CA_CERTS (the probe's extra roots) only; AWS settings are the SDK's business. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CliDeps {
  /** STS with the caller's credentials (the SDK's default chain). */
  sts: STSClient;
  /** Made on first use: only listing the organization needs it. */
  organizations: () => OrganizationsClient;
  /** Made on first use: only --state-table needs it. */
  dynamo: () => DynamoDBClient;
  /** Region of the hub clients (STS, Organizations) and of the table. */
  region: string;
  /** Wall clock: run ids, run records. */
  clock: Clock;
  /** Replaces the audit-role clients (tests). */
  openClients?: OpenTargetClients;
  /** Posts the digest and the alerts alike (tests record or refuse them here). @default defaultSlackPoster() */
  slackPoster: SlackPosterFactory;
  /** Log sink for --debug. */
  logger?: ScanLogger;
  /**
   * The resolver the DNS diagnosis asks, given `--dns-server`'s servers (absent: the system's); absent: no diagnosis
   * (tests that are not about it).
   */
  dns?: (servers: readonly string[] | undefined) => DnsResolver;
  /** The CT API --ct polls, given its URL and key. @default HttpCtApi over fetch */
  ctApi?: (url: string, apiKey: string | undefined) => CtApi;
}

/**
 * Clients from the SDK's default chain; endpoints as the SDK resolves them (AWS_ENDPOINT_URL, ...). The region is
 * the one the SDK finds (AWS_REGION, the profile), else us-east-1, where Organizations lives.
 */
export async function defaultDeps(): Promise<CliDeps & { destroy(): void }> {
  const probe = new STSClient({});
  let region = 'us-east-1';
  try {
    region = (await probe.config.region()) || region;
  } catch {
    // No region configured anywhere: the default above.
  } finally {
    probe.destroy();
  }
  const sts = createStsClient({ region });
  let organizations: OrganizationsClient | undefined;
  let dynamo: DynamoDBClient | undefined;
  return {
    sts,
    region,
    organizations: () => {
      organizations ??= createOrganizationsClient({ region });
      return organizations;
    },
    dynamo: () => {
      dynamo ??= createStateTableClient({ region }).client;
      return dynamo;
    },
    clock: () => new Date(),
    slackPoster: defaultSlackPoster(),
    dns: (servers) => nodeDnsResolver(servers === undefined ? {} : { servers }),
    destroy: () => {
      sts.destroy();
      organizations?.destroy();
      dynamo?.destroy();
    },
  };
}

const CREDENTIALS_HINT =
  'provide credentials with AWS_PROFILE=<profile> (after `aws sso login --profile <profile>`), ' +
  'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary ones)';

/** Checks that the default chain gives credentials AWS accepts; returns the caller's ARN. */
export async function checkCredentials(sts: STSClient): Promise<string> {
  try {
    const identity = await sts.send(new GetCallerIdentityCommand({}));
    return identity.Arn ?? 'unknown caller';
  } catch (error) {
    const code = awsErrorCode(error);
    if (code === 'CredentialsProviderError' || /could not load credentials/i.test(awsErrorMessage(error))) {
      throw new CliError(`no AWS credentials found: ${CREDENTIALS_HINT}`);
    }
    if (refusesFurtherCalls(code) || code === 'SignatureDoesNotMatch') {
      throw new CliError(
        `AWS rejected the credentials (${code}: ${oneLine(awsErrorMessage(error))}); refresh them (e.g. \`aws sso login\`) or ${CREDENTIALS_HINT}`,
      );
    }
    throw new CliError(
      `cannot check the AWS credentials with STS GetCallerIdentity (${code}: ${oneLine(awsErrorMessage(error))}); check the network, AWS_REGION and any AWS_ENDPOINT_URL`,
    );
  }
}

/**
 * Calls in flight for a describe rate: the scanner's default at the default rate, growing with the rate so a raised
 * quota can be used at the same latency (about half a second per call).
 */
export function describeConcurrency(ratePerSecond: number): number {
  return Math.max(DEFAULT_DESCRIBE_CONCURRENCY, Math.ceil(ratePerSecond / 2));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function newRunId(now: Date): string {
  return `cli-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

interface StateContext {
  tableName: string;
  store: DynamoStateStore;
  alerts: DynamoAlertStore;
  ct: CtStore;
  /** Each account's probed endpoints, shared with the pipeline's probes. */
  endpoints: DynamoEndpointStore;
  /**
   * The event path's record in the table, when the deployed hub's event path has used it: the audit's digest then
   * lists the changes its rescans found and says when it looks broken, as FinalizeRun's does.
   */
  events?: DynamoEventStore;
  /** The run that completed last against the table before this one; none: this audit records the baseline. */
  previousRun: RunRecord | undefined;
}

async function openState(options: CliOptions, deps: CliDeps, io: CliIo, now: Date): Promise<StateContext> {
  const tableName = options.stateTable as string;
  const client = deps.dynamo();
  let created: boolean;
  try {
    created = await ensureTable(client, tableName);
  } catch (error) {
    throw new CliError(
      `cannot use the DynamoDB table ${tableName} (${awsErrorCode(error)}: ${oneLine(awsErrorMessage(error))}); ` +
        'the credentials need dynamodb:DescribeTable, CreateTable, Query, GetItem, PutItem, UpdateItem and BatchWriteItem on it',
    );
  }
  if (created) io.stderr.write(`Created the DynamoDB table ${tableName} (on-demand) for --state-table.\n`);
  // Opened as the pipeline's Lambdas open them, so both read and write the same items the same way.
  const doc = documentClient(client);
  const store = openStateStore(doc, {
    tableName,
    historyDays: DEFAULT_HISTORY_DAYS,
    // A run completes at the audit's time, as the report is computed.
    clock: () => now,
  });
  const events = new DynamoEventStore(doc, tableName);
  const [previousRun, eventHealth] = await Promise.all([store.latestCompletedRun(), events.loadHealth()]);
  return {
    tableName,
    store,
    alerts: openAlertStore(doc, tableName),
    ct: openCtStore(doc, tableName, () => now),
    endpoints: new DynamoEndpointStore(doc, tableName),
    previousRun,
    ...(eventHealth.received > 0 ? { events } : {}),
  };
}

function inactiveAccountsWarning(result: AuditResult): string | undefined {
  if (result.inactiveAccounts.length === 0) return undefined;
  const shown = result.inactiveAccounts
    .slice(0, 10)
    .map((account) => `${account.id}${account.name ? ` ${account.name}` : ''} (${account.state})`)
    .join(', ');
  const more = result.inactiveAccounts.length > 10 ? ` and ${result.inactiveAccounts.length - 10} more` : '';
  return `Not scanned, not ACTIVE in the organization: ${shown}${more}.`;
}

function warn(io: CliIo, message: string): void {
  io.stderr.write(`Warning: ${oneLine(message)}\n`);
}

/** Runs one audit as the options say; returns the exit code. Throws CliError for exit code 1. */
export async function runAuditCommand(options: CliOptions, io: CliIo, deps: CliDeps): Promise<number> {
  const startedAt = deps.clock();
  const now = options.asOf ?? startedAt;
  const runId = newRunId(startedAt);

  // Everything that can be checked before a long scan is checked first.
  const earlier = options.compare !== undefined ? await readEarlierReport(options.compare) : undefined;
  const probing = options.probe ? await openProbe(options, io) : undefined;
  const routes = options.routes !== undefined ? await readRoutesFile(options.routes) : undefined;
  const routing = routes === undefined ? undefined : routingNeeds(routes);
  const readsOrganizations =
    options.accounts === 'organization' || routing?.accountTags === true || routing?.ous === true;
  if (routes !== undefined && options.alertsWebhookUrl !== undefined) {
    warn(io, "--alerts-webhook-url is not used with --routes: each alert goes to its certificate's destination");
  }
  if (options.output !== undefined) await checkWritable(options.output);
  const ctAllow = options.ct?.allowFile !== undefined ? await readAllowList(options.ct.allowFile) : [];
  const caller = await checkCredentials(deps.sts);
  const progress = progressView(io.stderr);
  if (io.stderr.isTTY === true) io.stderr.write(`Auditing as ${caller}\n`);
  const state = options.stateTable !== undefined ? await openState(options, deps, io, now) : undefined;
  await state?.store.recordRunStarted({ runId, startedAt: startedAt.toISOString() });

  // --probe turns the probe feature set on: the session policy then allows its reads.
  const features = [...new Set([...(options.features ?? []), ...(options.probe ? ['probe'] : [])])];
  let result: AuditResult;
  let failed = 0;
  try {
    result = await runAudit(
      {
        sts: deps.sts,
        clientConfig: { region: deps.region },
        ...(readsOrganizations ? { organizations: deps.organizations() } : {}),
        ...(state ? { store: state.store } : {}),
        ...(deps.openClients ? { openClients: deps.openClients } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
        ...(probing ? { probe: probing.probe, endpoints: state?.endpoints ?? probing.memory } : {}),
      },
      {
        accounts: options.accounts,
        exclude: options.excludedAccounts,
        regions: options.regions,
        roleName: options.roleName,
        ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
        runId,
        now,
        accountConcurrency: options.concurrency,
        ...(routing ? { routing } : {}),
        ...(features.length > 0 ? { features } : {}),
        expiryDays: options.expiryDays,
        probeConcurrency: options.probeConcurrency,
        scan: {
          ownerTagKey: options.ownerTagKey,
          describeRatePerSecond: options.describeRate,
          describeConcurrency: describeConcurrency(options.describeRate),
        },
      },
      (p) => {
        if (p.last && p.last.status !== 'ok') failed++;
        progress.update(p.accountsDone, p.accountsTotal, p.certificates, failed);
      },
    );
  } catch (error) {
    if (error instanceof OrganizationsError) {
      throw new CliError(
        `${oneLine(error.message)}. Without Organizations access, name the accounts: --accounts 111111111111,222222222222`,
      );
    }
    throw error;
  } finally {
    progress.stop();
  }
  if (io.stderr.isTTY === true) {
    const seconds = ((deps.clock().getTime() - startedAt.getTime()) / 1000).toFixed(1);
    const throttled = result.throttles > 0 ? `; ${result.throttles} throttled answer(s), retried` : '';
    io.stderr.write(`Scanned ${result.targets.length} target(s) in ${seconds} s${throttled}\n`);
  }

  const inactive = inactiveAccountsWarning(result);
  if (inactive) warn(io, inactive);
  // On-call hears of the whole stored snapshot, and of what a scan read but the state table refused to store, which
  // is newer than the snapshot; the report and the digest show what this audit read.
  const snapshot =
    state && (options.alertsWebhookUrl !== undefined || routes !== undefined || options.ct !== undefined)
      ? withNotStored(await state.store.loadAllCertificates(), readButNotStored(result.targets, result.certificates))
      : undefined;
  const resolver = deps.dns?.(options.dnsServers);
  // With a state table, the zones every scan stored (the pipeline's and this audit's); without, this audit's listing.
  const zones = state
    ? state.store
    : options.features?.includes('dns-diagnosis')
      ? { loadAllZones: async () => result.zones }
      : undefined;
  const completion = await completeRun(
    {
      ...(state ? { runs: state.store, alerts: state.alerts } : {}),
      ...(state?.events ? { events: state.events } : {}),
      slack: async () => ({
        kind: 'configured',
        webhooks: {
          ...(options.slackWebhookUrl !== undefined ? { digestWebhookUrl: options.slackWebhookUrl } : {}),
          ...(options.alertsWebhookUrl !== undefined ? { alertsWebhookUrl: options.alertsWebhookUrl } : {}),
        },
      }),
      poster: deps.slackPoster,
      clock: deps.clock,
      ...(deps.logger ? { logger: debugLogger(deps.logger) } : {}),
      ...(resolver ? { dns: resolver } : {}),
      ...(zones ? { zones } : {}),
      ...(options.ct
        ? {
            ct: {
              api: (deps.ctApi ?? httpCtApi)(options.ct.apiUrl, options.ct.apiKey),
              // Without a state table nothing persists: every unexpired issuance is read, and judged once.
              store: state?.ct ?? new MemoryCtStore(),
            },
          }
        : {}),
      ...(probing
        ? {
            endpoints: {
              store: state?.endpoints ?? probing.memory,
              probe: probing.probe,
              fileEndpoints: probing.fileEndpoints,
              concurrency: options.probeConcurrency,
            },
          }
        : {}),
    },
    {
      runId,
      startedAt: startedAt.toISOString(),
      now,
      expiryDays: options.expiryDays,
      ownerTagKey: options.ownerTagKey,
      targets: result.targets,
      certificates: result.certificates,
      ...(snapshot ? { snapshot } : {}),
      changes: state ? result.changes : [],
      previousRun: state?.previousRun,
      ...(earlier ? { earlier } : {}),
      ...(options.ct
        ? { ct: { allow: ctAllow, ...(options.ct.domains !== undefined ? { domains: options.ct.domains } : {}) } }
        : {}),
      ...(routes
        ? { routing: { config: routes, accounts: result.accountRouting ?? new Map(), urls: urlsFromTable(routes) } }
        : {}),
      publishReport: async (report, compared) => {
        await publishReport(options, io, state, report, {
          ...(earlier && compared ? { compared: { earlier, changes: compared } } : {}),
          changes: result.changes,
        });
        return options.output;
      },
    },
  );

  let exitCode = completion.report.summary.targetsFailed > 0 ? 2 : 0;
  if (completion.diagnosisFailure !== undefined) warn(io, completion.diagnosisFailure);
  if (completion.ctFailure !== undefined) {
    warn(io, completion.ctFailure);
    exitCode = 2;
  }
  for (const failure of completion.ct?.failures ?? []) warn(io, `CT watch of ${failure.domain}: ${failure.message}`);
  if (completion.ct && completion.ct.failures.length > 0) exitCode = 2;
  if (completion.endpointsFailure !== undefined) warn(io, completion.endpointsFailure);
  const { alerts } = completion;
  if (alerts.sent > 0 && io.stderr.isTTY === true) io.stderr.write(`Sent ${alerts.sent} alert(s) to on-call.\n`);
  if (alerts.failure !== undefined) {
    const broken = alerts.outcome === 'broken' ? ' The webhook looks broken: replace it.' : '';
    warn(io, `${alerts.pending} alert(s) not delivered, they are sent on the next run: ${alerts.failure}${broken}`);
    exitCode = 2;
  }
  if (completion.digestFailure !== undefined) {
    warn(io, `the Slack digest was not delivered: ${completion.digestFailure}`);
    exitCode = 2;
  }
  if (completion.routing !== undefined) exitCode = Math.max(exitCode, routingWarnings(io, completion));
  return exitCode;
}

/** What went wrong routing: broken destinations (exit code 2), team digests not delivered, values that named none. */
function routingWarnings(io: CliIo, completion: RunCompletion): number {
  const routing = completion.routing;
  if (routing === undefined) return 0;
  let exitCode = 0;
  if (routing.brokenDestinations.length > 0) {
    const fellBack =
      routing.fellBack > 0 ? `; ${routing.fellBack} alert(s) went to the default destination instead` : '';
    warn(
      io,
      `broken Slack webhook for destination(s) ${routing.brokenDestinations.join(', ')}${fellBack}: replace it in --routes`,
    );
    exitCode = 2;
  }
  const undelivered = Object.entries(routing.teamDigests).filter(([, outcome]) => outcome === 'failed');
  if (undelivered.length > 0) {
    warn(io, `team digest not delivered to ${undelivered.map(([destination]) => destination).join(', ')}`);
    exitCode = 2;
  }
  const problems = completion.report.routingProblems ?? [];
  if (problems.length > 0) {
    const shown = problems
      .slice(0, 5)
      .map((p) => `${p.rule}=${JSON.stringify(p.value)} (${p.reason})`)
      .join('; ');
    warn(
      io,
      `${problems.length} tag value(s) named no destination and fell through: ${shown}${problems.length > 5 ? '; ...' : ''}; every one is in the JSON report's routingProblems`,
    );
  }
  return exitCode;
}

/**
 * The probe as the options say, built before the scan so a bad endpoints file or NODE_EXTRA_CA_CERTS stops the command
 * at once; without a state table, the accounts' probes are kept in memory for this audit's completion.
 */
async function openProbe(
  options: CliOptions,
  io: CliIo,
): Promise<{ probe: ProbeEndpoint; fileEndpoints: Endpoint[]; memory: EndpointStore }> {
  try {
    const fileEndpoints = options.endpointsFile !== undefined ? await readEndpointsFile(options.endpointsFile) : [];
    const probe = createProbe({
      timeoutMs: options.probeTimeoutMs,
      ...(options.dnsServers ? { dnsServers: options.dnsServers } : {}),
      ...(io.env?.[EXTRA_CA_CERTS_VARIABLE] ? { extraCaCertificatesFile: io.env[EXTRA_CA_CERTS_VARIABLE] } : {}),
    });
    return { probe, fileEndpoints, memory: new MemoryEndpointStore() };
  } catch (error) {
    if (error instanceof EndpointsFileError || error instanceof ExtraCaCertificatesError)
      throw new CliError(error.message);
    throw error;
  }
}

/** The --debug log takes the completion's lines too; what it logs as an error the CLI also warns of on its own. */
function debugLogger(logger: ScanLogger): RunLogger {
  return {
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.warn(message, fields),
    error: (message, fields) => logger.warn(message, fields),
  };
}

/**
 * The report on stdout or in --output, then the changes: after the table, or on stderr when stdout carries a
 * machine-readable report. Written before Slack is tried, so it exists whatever Slack does.
 */
async function publishReport(
  options: CliOptions,
  io: CliIo,
  state: StateContext | undefined,
  report: Report,
  changes: { compared?: { earlier: Report; changes: Change[] }; changes: Change[] },
): Promise<void> {
  const toStdout = options.output === undefined;
  const color = toStdout && io.stdout.isTTY === true && !io.env?.NO_COLOR;
  const text = renderReport(report, options.format, { color });
  if (toStdout) io.stdout.write(text);
  else {
    await writeAtomically(options.output as string, text);
    io.stderr.write(`Wrote ${options.output} (${options.format}): ${summaryLine(report)}\n`);
  }
  const changesOut = toStdout && options.format !== 'table' ? io.stderr : io.stdout;
  const { compared } = changes;
  if (compared) {
    changesOut.write(
      `\nChanges since ${options.compare} (${compared.earlier.generatedAt}):\n${renderChanges(compared.changes)}`,
    );
  }
  if (state === undefined) return;
  if (state.previousRun !== undefined) {
    changesOut.write(`\nChanges since the previous run in ${state.tableName}:\n${renderChanges(changes.changes)}`);
  } else {
    changesOut.write(
      `\nFirst run against ${state.tableName}: ${report.summary.certificates} certificate(s) recorded as the baseline for the next run.\n`,
    );
  }
}

/** The certificates read in targets whose scan the state table could not store. */
function readButNotStored(targets: readonly TargetResult[], read: readonly Certificate[]): Certificate[] {
  const failed = new Set(targets.filter(isStateTableFailure).map(targetKey));
  return failed.size === 0 ? [] : read.filter((cert) => failed.has(targetKey(cert)));
}

function httpCtApi(url: string, apiKey: string | undefined): CtApi {
  return new HttpCtApi({ baseUrl: url, ...(apiKey !== undefined ? { apiKey } : {}) });
}

/** The --ct-allow file, checked before the scan: a bad rule must not cost a long audit. */
async function readAllowList(path: string): Promise<CtAllowRule[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`--ct-allow: cannot read ${path} (${(error as Error).message})`);
  }
  try {
    return parseAllowList(text, path);
  } catch (error) {
    if (error instanceof CtAllowListError) throw new CliError(`--ct-allow: ${error.message}`);
    throw error;
  }
}
