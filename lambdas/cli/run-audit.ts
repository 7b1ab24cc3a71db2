/**
 * The `audit` command's composition: the same scanner, store, reports, digest and alerting as the deployed
 * pipeline, run once from a laptop or a CI job. Everything from outside (AWS clients, Slack posting, clocks, the
 * output streams) comes in through CliDeps and CliIo, so the whole command runs in-process in tests.
 *
 * Exit codes: 0 every target scanned; 2 the report was written but some target failed or a Slack message was not
 * delivered; 1 (a thrown CliError) nothing useful could be done.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { runAlerting } from '../alerting';
import type { DynamoAlertStore } from '../aws/alert-store';
import { createOrganizationsClient, createStsClient, type OpenTargetClients } from '../aws/clients';
import { awsErrorCode, awsErrorMessage } from '../aws/errors';
import { OrganizationsError } from '../aws/organizations';
import { DEFAULT_DESCRIBE_CONCURRENCY } from '../aws/rate-limit';
import { DEFAULT_HISTORY_DAYS, type DynamoStateStore } from '../aws/state-store';
import { createStateTableClient, documentClient } from '../aws/store/client';
import { ensureTable } from '../aws/table';
import {
  type AccountZones,
  type DiagnosisEntry,
  type DnsResolver,
  diagnoseCertificates,
  withDiagnoses,
  zonesForDiagnosis,
} from '../core/diagnosis';
import { refusesFurtherCalls } from '../core/failures';
import { assess, compareUrgency } from '../core/findings';
import { type AssessedCertificate, type Certificate, type Change, type TargetResult, targetKey } from '../core/model';
import { isStateTableFailure, withNotStored } from '../core/monitor-health';
import type { Clock, RunRecord } from '../core/ports';
import { buildReport, compareReports, renderChanges, summaryLine } from '../core/report';
import { completedRunRecord } from '../core/run-record';
import { renderDigest, type SlackMessage } from '../core/slack';
import { nodeDnsResolver } from '../net/dns-resolver';
import { alertSender, defaultSlackPoster } from '../pipeline/slack';
import { openAlertStore, openStateStore } from '../pipeline/stores';
import { type AuditResult, runAudit } from '../scan/audit';
import type { ScanLogger } from '../scan/scan-target';
import { postToWebhook } from '../slack';
import type { CliOptions } from './args';
import { CliError } from './errors';
import {
  checkWritable,
  type OutputStream,
  progressView,
  readEarlierReport,
  renderReport,
  writeAtomically,
} from './output';

export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read for NO_COLOR only; AWS settings are the SDK's business. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Posts one Slack message (postToWebhook's contract: throws typed errors that never contain the URL). */
export type PostMessage = (url: string, message: SlackMessage, label: string) => Promise<unknown>;

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
  /** Digest delivery. @default postToWebhook */
  postDigest: PostMessage;
  /** Alerts are spaced this far apart, as Slack asks of one webhook. @default 1_000 */
  alertIntervalMs?: number;
  /** Log sink for --debug. */
  logger?: ScanLogger;
  /**
   * The resolver the DNS diagnosis asks, given `--dns-server`'s servers (absent: the system's); absent: no diagnosis
   * (tests that are not about it).
   */
  dns?: (servers: readonly string[] | undefined) => DnsResolver;
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
    postDigest: (url, message, label) => postToWebhook(url, message, { label }),
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
  /** Whether any run had completed against the table before this one. */
  hadPreviousRun: boolean;
  /** The failures of the run that completed last against the table (none when there was none). */
  previousRunFailures: RunRecord['failures'];
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
    expiryDays: options.expiryDays,
    // The attention index judges certificates at the audit's time, as the report does.
    now: () => now,
  });
  const previous = await store.latestCompletedRun();
  return {
    tableName,
    store,
    alerts: openAlertStore(doc, tableName),
    hadPreviousRun: previous !== undefined,
    previousRunFailures: previous?.failures ?? [],
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
  if (options.output !== undefined) await checkWritable(options.output);
  const caller = await checkCredentials(deps.sts);
  const progress = progressView(io.stderr);
  if (io.stderr.isTTY === true) io.stderr.write(`Auditing as ${caller}\n`);
  const state = options.stateTable !== undefined ? await openState(options, deps, io, now) : undefined;
  await state?.store.recordRunStarted({ runId, startedAt: startedAt.toISOString() });

  let result: AuditResult;
  let failed = 0;
  try {
    result = await runAudit(
      {
        sts: deps.sts,
        clientConfig: { region: deps.region },
        ...(options.accounts === 'organization' ? { organizations: deps.organizations() } : {}),
        ...(state ? { store: state.store } : {}),
        ...(deps.openClients ? { openClients: deps.openClients } : {}),
        ...(deps.logger ? { logger: deps.logger } : {}),
      },
      {
        accounts: options.accounts,
        exclude: options.excludeAccounts,
        regions: options.regions,
        roleName: options.roleName,
        ...(options.externalId !== undefined ? { externalId: options.externalId } : {}),
        runId,
        now,
        accountConcurrency: options.concurrency,
        ...(options.features ? { features: options.features } : {}),
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
  // The same diagnosis as the pipeline's FinalizeRun, over the certificates this audit saw.
  const resolver = deps.dns?.(options.dnsServers);
  const scanned = result.certificates.map((cert) => assess(cert, { now, expiryDays: options.expiryDays }));
  // With a state table, the zones every scan stored (the pipeline's and this audit's); without, this audit's listing.
  const zones = state
    ? await zonesForDiagnosis(state.store, (error) =>
        warn(io, `hosted zones cannot be read from ${state.tableName}; fixes name no zone (${oneLine(String(error))})`),
      )
    : options.features?.includes('dns-diagnosis')
      ? result.zones
      : undefined;
  const diagnosisOptions = zones === undefined ? {} : { zones };
  const diagnoses =
    resolver === undefined ? new Map() : await diagnoseCertificates(scanned, resolver, diagnosisOptions);
  const report = buildReport({
    runId,
    generatedAt: now,
    targets: result.targets,
    certificates: result.certificates,
    expiryDays: options.expiryDays,
    diagnoses,
  });
  let exitCode = report.summary.targetsFailed > 0 ? 2 : 0;

  // The report first: whatever happens to Slack afterwards, it is written.
  const toStdout = options.output === undefined;
  const color = toStdout && io.stdout.isTTY === true && !io.env?.NO_COLOR;
  const text = renderReport(report, options.format, { color });
  if (toStdout) io.stdout.write(text);
  else {
    await writeAtomically(options.output as string, text);
    io.stderr.write(`Wrote ${options.output} (${options.format}): ${summaryLine(report)}\n`);
  }

  // Changes go after the table, or to stderr when stdout carries a machine-readable report.
  const changesOut = toStdout && options.format !== 'table' ? io.stderr : io.stdout;
  let digestChanges: Change[] = [];
  if (earlier) {
    const changes = compareReports(earlier, report, { ownerTagKey: options.ownerTagKey });
    changesOut.write(`\nChanges since ${options.compare} (${earlier.generatedAt}):\n${renderChanges(changes)}`);
    digestChanges = changes;
  }
  if (state) {
    if (state.hadPreviousRun) {
      changesOut.write(`\nChanges since the previous run in ${state.tableName}:\n${renderChanges(result.changes)}`);
      digestChanges = result.changes;
    } else {
      changesOut.write(
        `\nFirst run against ${state.tableName}: ${report.summary.certificates} certificate(s) recorded as the baseline for the next run.\n`,
      );
    }
  }

  if (state && options.alertsWebhookUrl !== undefined) {
    if (
      !(await sendAlerts(options, deps, io, state, result.targets, result.certificates, now, {
        resolver,
        diagnoses,
        diagnosisOptions,
      }))
    )
      exitCode = 2;
  }
  if (options.slackWebhookUrl !== undefined) {
    const certificates: AssessedCertificate[] = withDiagnoses(scanned, diagnoses).sort(compareUrgency);
    const message = renderDigest(
      {
        runId,
        generatedAt: now.toISOString(),
        expiryDays: options.expiryDays,
        targets: result.targets,
        certificates,
        changes: digestChanges,
        ...(options.output !== undefined ? { reportLocation: options.output } : {}),
      },
      { ownerTagKey: options.ownerTagKey },
    );
    try {
      await deps.postDigest(options.slackWebhookUrl, message, 'digest');
    } catch (error) {
      warn(io, `the Slack digest was not delivered: ${awsErrorMessage(error)}`);
      exitCode = 2;
    }
  }
  await state?.store.recordRunCompleted(
    completedRunRecord({
      runId,
      startedAt: startedAt.toISOString(),
      completedAt: deps.clock(),
      targets: result.targets,
      report,
      changes: result.changes.length,
    }),
  );
  return exitCode;
}

/**
 * What the pipeline's finalization does for on-call: incidents over the whole stored snapshot, planned against the
 * alert state in the same table, one message per incident stage. Returns false when a message stayed undelivered.
 */
async function sendAlerts(
  options: CliOptions,
  deps: CliDeps,
  io: CliIo,
  state: StateContext,
  targets: TargetResult[],
  read: readonly Certificate[],
  now: Date,
  dns: {
    resolver: DnsResolver | undefined;
    diagnoses: ReadonlyMap<string, DiagnosisEntry[]>;
    diagnosisOptions: { zones?: readonly AccountZones[] };
  },
): Promise<boolean> {
  const poster = defaultSlackPoster(deps.alertIntervalMs !== undefined ? { minIntervalMs: deps.alertIntervalMs } : {});
  // What a scan read but the state table refused to store is newer than the snapshot: on-call hears of it now.
  const notStored = readButNotStored(targets, read);
  const stored = withNotStored(await state.store.loadAllCertificates(), notStored).map((cert) =>
    assess(cert, { now, expiryDays: options.expiryDays }),
  );
  // Stored certificates of accounts this audit did not scan need theirs too; the scanned ones have it already.
  const others = stored.filter((cert) => !dns.diagnoses.has(cert.arn));
  const more =
    dns.resolver === undefined ? new Map() : await diagnoseCertificates(others, dns.resolver, dns.diagnosisOptions);
  const certificates = withDiagnoses(stored, new Map([...dns.diagnoses, ...more]));
  const outcome = await runAlerting({
    store: state.alerts,
    send: alertSender(poster(options.alertsWebhookUrl as string, 'alerts'), options.ownerTagKey),
    certificates,
    targets,
    now,
    config: { ownerTagKey: options.ownerTagKey },
    previousRunFailures: state.previousRunFailures,
  });
  if (outcome.sent.length > 0 && io.stderr.isTTY === true) {
    io.stderr.write(`Sent ${outcome.sent.length} alert(s) to on-call.\n`);
  }
  if (outcome.failure === undefined) return true;
  const broken = outcome.broken ? ' The webhook looks broken: replace it.' : '';
  warn(
    io,
    `${outcome.pending.length} alert(s) not delivered, they are sent on the next run: ${outcome.failure.message}${broken}`,
  );
  return false;
}

/** The certificates read in targets whose scan the state table could not store. */
function readButNotStored(targets: readonly TargetResult[], read: readonly Certificate[]): Certificate[] {
  const failed = new Set(targets.filter(isStateTableFailure).map(targetKey));
  return failed.size === 0 ? [] : read.filter((cert) => failed.has(targetKey(cert)));
}
