/**
 * The `audit` command end to end: the real CLI as a child process, real AWS SDK clients against the simulated
 * organization, a local Slack receiver and dynalite. One simulator for the file; tests run in order and the later
 * ones build on the certificates earlier ones changed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../lambdas/aws/state-store';
import { ReportSchema } from '../../../lambdas/core/report';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { type SlackReceiver, startSlackReceiver } from '../../../local/slack-receiver';
import { isolatedEnv, runCli, TEAM_ACCOUNT, TEAM_CERTS, teamAccount } from './harness';

const LARGE_TARGET = 300;
const scenario = generateScenario({
  seed: 11,
  accounts: 4,
  largestTarget: LARGE_TARGET,
  certificatesPerTarget: { min: 1, max: 5 },
  regions: ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-3'],
  inactiveAccounts: false,
});
const [, large, billing, staging] = scenario.accounts.map((account) => account.id) as [string, string, string, string];

let sim: Simulator;
let slack: SlackReceiver;
let dynamo: LocalDynamo;
let work: string;
let asOf: string;

/** Simulator credentials, the simulation's time, and describes paced for a raised quota to keep the file quick. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return isolatedEnv({ ...sim.env(), ...extra });
}
const FAST = ['--describe-rate', '100'];

/** What Slack would refuse: more than 50 blocks, a header over 150 or a section over 3,000 characters. */
function expectWithinSlackLimits(body: unknown): void {
  const { blocks } = body as { blocks: Array<{ type: string; text?: { text: string } }> };
  expect(blocks.length).toBeGreaterThan(0);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const block of blocks) {
    expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(block.type === 'header' ? 150 : 3000);
  }
}

function describes(accountId: string): number {
  return sim.counters.total({ service: 'ACM', operation: 'DescribeCertificate', accountId });
}

beforeAll(async () => {
  sim = await startSimulator({ scenario, quotas: { DescribeCertificate: 200, ListTagsForCertificate: 200 } });
  sim.org.addAccount(teamAccount(sim.clock.toISOString()));
  asOf = sim.clock.toISOString();
  slack = await startSlackReceiver();
  dynamo = await startDynalite();
  work = mkdtempSync(join(tmpdir(), 'audit-cli-'));
});

afterAll(async () => {
  await Promise.all([sim?.close(), slack?.close(), dynamo?.close()]);
});

describe('audit CLI', () => {
  it('finds every certificate of the organization once, hidden key types and a 300-certificate target included', async () => {
    const run = await runCli(
      ['--format', 'json', '--as-of', asOf, ...FAST],
      env({ SLACK_WEBHOOK_URL: `${slack.url}/digest-org` }),
    );

    expect(run.code).toBe(0);
    expect(run.messages).toEqual([]);
    const report = ReportSchema.parse(JSON.parse(run.stdout));
    writeFileSync(join(work, 'earlier.json'), run.stdout);

    const expected = sim.org.allCertificates().map((record) => record.certificate.arn);
    const arns = report.certificates.map((cert) => cert.arn);
    expect(new Set(arns).size).toBe(arns.length);
    expect([...arns].sort()).toEqual([...expected].sort());
    const keyTypes = new Set(report.certificates.map((cert) => cert.keyAlgorithm));
    expect(keyTypes).toContain('EC_secp384r1');
    expect(keyTypes).toContain('RSA_4096');
    expect(arns).toContain(TEAM_CERTS.acme);
    expect(report.certificates.filter((cert) => cert.accountId === large && cert.region === 'us-east-1')).toHaveLength(
      LARGE_TARGET,
    );
    expect(report.targets.every((target) => target.status === 'ok')).toBe(true);
    // Each account in its enabled regions only: the disabled opt-in region is never called.
    expect(report.targets.filter((target) => target.accountId === TEAM_ACCOUNT).map((t) => t.region)).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
    expect(sim.counters.total({ region: 'ap-southeast-3' })).toBe(0);
    // The digest of a few hundred certificates still fits Slack's limits.
    const posts = slack.posts('/digest-org');
    expect(posts.map((post) => post.status)).toEqual([200]);
    expectWithinSlackLimits(posts[0]?.body);
    expect(JSON.stringify(posts[0]?.body)).toMatch(/\+\d+ more/);
  });

  it('reports a denied account and a disabled region as failed targets (exit 2) and skips a suspended account', async () => {
    sim.faults.denyRole(billing);
    sim.org.setAccountState(staging, 'SUSPENDED');
    try {
      // ap-southeast-3 is an opt-in region no account enabled: named explicitly, it fails in each account.
      const run = await runCli(
        ['--exclude-accounts', large, '--regions', 'us-east-1,ap-southeast-3', '--as-of', asOf, ...FAST],
        env(),
      );

      expect(run.code).toBe(2);
      const failed = run.stdout.slice(run.stdout.indexOf('Targets not fully scanned:'));
      expect(failed).toMatch(new RegExp(`\\n  ${billing} \\S+ \\* error AccessDenied: cannot assume `));
      expect(failed).toMatch(
        new RegExp(`\\n  ${TEAM_ACCOUNT} team-prod ap-southeast-3 error UnrecognizedClientException: `),
      );
      expect(failed).not.toContain(staging);
      // The targets that could be scanned are in the report.
      expect(run.stdout).toContain('pay.team.example.com');
      expect(run.messages).toEqual([
        expect.stringMatching(
          new RegExp(`^Warning: Not scanned, not ACTIVE in the organization: ${staging} \\S+ \\(SUSPENDED\\)`),
        ),
      ]);
    } finally {
      sim.faults.allowRole(billing);
      sim.org.setAccountState(staging, 'ACTIVE');
    }
  });

  it('compares with an earlier report and writes HTML to --output', async () => {
    sim.org.renew(TEAM_CERTS.renewing);
    sim.org.deleteCertificate(TEAM_CERTS.unused);
    const output = join(work, 'report.html');

    const run = await runCli(
      [
        '--accounts',
        TEAM_ACCOUNT,
        '--regions',
        'us-east-1',
        '--compare',
        join(work, 'earlier.json'),
        '--output',
        output,
        '--as-of',
        asOf,
        ...FAST,
      ],
      env(),
    );

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Changes since ${join(work, 'earlier.json')}`);
    expect(run.stdout).toMatch(/Removed \(1\)\n {2}old\.team\.example\.com {2}123456789012\/us-east-1/);
    expect(run.stdout).toMatch(/Renewed \(1\)\n {2}www\.team\.example\.com/);
    expect(run.stdout).toMatch(
      /Renewal status changes \(1\)\n {2}www\.team\.example\.com .*PENDING_AUTO_RENEWAL → SUCCESS/,
    );
    // Targets this run did not scan are not "removed".
    expect(run.stdout).not.toContain(large);
    expect(run.stdout).toMatch(/\n3 changes\n$/);
    expect(run.messages).toEqual([
      expect.stringMatching(new RegExp(`^Wrote ${output} \\(html\\): 4 certificate\\(s\\)`)),
    ]);
    const html = readFileSync(output, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('legacy.team.example.com');
  });

  it('posts the digest within Slack limits with AWS text escaped, and writes CSV to --output', async () => {
    const output = join(work, 'report.csv');

    const run = await runCli(
      ['--accounts', TEAM_ACCOUNT, '--output', output, '--as-of', asOf, ...FAST],
      env({ SLACK_WEBHOOK_URL: `${slack.url}/digest` }),
    );

    expect(run.code).toBe(0);
    const posts = slack.posts('/digest');
    expect(posts).toHaveLength(1);
    expect(posts[0]?.status).toBe(200);
    expectWithinSlackLimits(posts[0]?.body);
    const json = JSON.stringify(posts[0]?.body);
    expect(json).toContain('pay.team.example.com');
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).not.toContain('<!channel>');
    const csv = readFileSync(output, 'utf8').split('\n');
    expect(csv[0]).toMatch(/^account_id,account_name,region,arn,/);
    expect(csv.filter((line) => line.includes(TEAM_ACCOUNT))).toHaveLength(4);
  });

  it('keeps the JSON report on stdout, changes on stderr, and exits 2 when Slack refuses the digest, never printing the webhook', async () => {
    slack.breakWebhook('/revoked/T000/B000/SECRETPART', 404, 'no_service');

    const run = await runCli(
      [
        '--accounts',
        TEAM_ACCOUNT,
        '--regions',
        'us-east-1',
        '--format',
        'json',
        '--compare',
        join(work, 'earlier.json'),
        '--slack-webhook-url',
        `${slack.url}/revoked/T000/B000/SECRETPART`,
        '--as-of',
        asOf,
        ...FAST,
      ],
      env(),
    );

    expect(run.code).toBe(2);
    expect(ReportSchema.parse(JSON.parse(run.stdout)).certificates).toHaveLength(4);
    expect(run.stderr).toMatch(/Changes since .*earlier\.json[\s\S]*Removed \(1\)[\s\S]*3 changes/);
    expect(run.messages.filter((line) => line.startsWith('Warning:'))).toEqual([
      expect.stringMatching(/^Warning: the Slack digest was not delivered: .*no_service/),
    ]);
    expect(run.stderr + run.stdout).not.toContain('SECRETPART');
  });

  it('with --state-table, remembers the previous run: the second reports no changes, describes little and alerts nothing again', async () => {
    const stateEnv = env({ AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    const args = [
      '--accounts',
      TEAM_ACCOUNT,
      '--regions',
      'us-east-1',
      '--state-table',
      'cli-state',
      '--alerts-webhook-url',
      `${slack.url}/alerts`,
      '--as-of',
      asOf,
      ...FAST,
    ];
    const before = describes(TEAM_ACCOUNT);

    const first = await runCli(args, stateEnv);
    const firstDescribes = describes(TEAM_ACCOUNT) - before;
    const alertsAfterFirst = slack.posts('/alerts').map((post) => JSON.stringify(post.body));
    const second = await runCli(args, stateEnv);
    const secondDescribes = describes(TEAM_ACCOUNT) - before - firstDescribes;

    expect(first.code).toBe(0);
    expect(first.messages).toEqual(['Created the DynamoDB table cli-state (on-demand) for --state-table.']);
    expect(first.stdout).toContain('First run against cli-state: 4 certificate(s) recorded');
    // One alert per incident: the failed renewal and the imported certificate expiring in use.
    expect(alertsAfterFirst).toHaveLength(2);
    expect(alertsAfterFirst.some((text) => text.includes('pay.team.example.com'))).toBe(true);
    expect(alertsAfterFirst.some((text) => text.includes('legacy.team.example.com'))).toBe(true);

    expect(second.code).toBe(0);
    expect(second.messages).toEqual([]);
    expect(second.stdout).toContain('Changes since the previous run in cli-state:\nNo changes.');
    expect(slack.posts('/alerts')).toHaveLength(2);
    expect(firstDescribes).toBe(4);
    expect(secondDescribes).toBeLessThan(firstDescribes);

    // Both runs are recorded where the deployed heartbeat looks.
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    try {
      const store = new DynamoStateStore({
        client: DynamoDBDocumentClient.from(client),
        tableName: 'cli-state',
      });
      const latest = await store.latestCompletedRun();
      expect(latest).toMatchObject({ status: 'completed', targets: 1, targetsFailed: 0, certificates: 4, changes: 0 });
      expect(latest?.runId).toMatch(/^cli-/);
    } finally {
      client.destroy();
    }
  });

  describe('refuses to start, with one line and exit 1', () => {
    it('without credentials, saying how to provide them', async () => {
      const run = await runCli(['--accounts', TEAM_ACCOUNT], isolatedEnv({ AWS_REGION: 'us-east-1' }));

      expect(run.code).toBe(1);
      expect(run.messages).toEqual([
        expect.stringMatching(/^audit: no AWS credentials found: .*AWS_PROFILE.*aws sso login.*AWS_ACCESS_KEY_ID/),
      ]);
      expect(run.stdout).toBe('');
    });

    it('when the organization cannot be listed, suggesting --accounts', async () => {
      const member = sim.issueUserCredentials(TEAM_ACCOUNT);
      const run = await runCli(
        [],
        env({ AWS_ACCESS_KEY_ID: member.accessKeyId, AWS_SECRET_ACCESS_KEY: member.secretAccessKey }),
      );

      expect(run.code).toBe(1);
      expect(run.messages).toEqual([
        expect.stringMatching(
          /^audit: cannot list the organization's accounts \(AccessDeniedException.*--accounts 111111111111/,
        ),
      ]);
    });

    it('on bad usage, without a stack trace', async () => {
      const run = await runCli(['--accounts', '1234,111111111111'], env());

      expect(run.code).toBe(1);
      expect(run.messages).toEqual(['audit: --accounts: not a 12-digit AWS account id: 1234']);
      expect(run.stdout).toBe('');
    });
  });
});
