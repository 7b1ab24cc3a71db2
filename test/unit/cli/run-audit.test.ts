import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACMClient,
  type CertificateSummary,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OpenTargetClients } from '../../../lambdas/aws/clients';
import { type CliOptions, parseArgs } from '../../../lambdas/cli/args';
import { CliError } from '../../../lambdas/cli/errors';
import {
  type CliDeps,
  checkCredentials,
  describeConcurrency,
  newRunId,
  runAuditCommand,
} from '../../../lambdas/cli/run-audit';
import { DEFAULT_DESCRIBE_CONCURRENCY } from '../../../lambdas/core/settings';
import type { SlackMessage } from '../../../lambdas/core/slack';
import { SlackWebhookBrokenError } from '../../../lambdas/slack';
import { daysFrom } from '../core/certificate-fixture';

const sts = mockClient(STSClient);
const acm = mockClient(ACMClient);
const NOW = new Date('2026-12-01T00:00:00Z');
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const work = mkdtempSync(join(tmpdir(), 'audit-run-'));

class Recorder {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

function cli(argv: string[]): CliOptions {
  const parsed = parseArgs(argv);
  if (parsed.kind !== 'run') throw new Error(JSON.stringify(parsed));
  return parsed.options;
}

const openClients: OpenTargetClients = async (target) => ({
  acm: new ACMClient({ region: target.region, credentials }),
  close: () => undefined,
});

function deps(posted: SlackMessage[] = [], postFails = false): CliDeps {
  return {
    sts: new STSClient({ region: 'us-east-1', credentials }),
    organizations: () => new OrganizationsClient({ region: 'us-east-1', credentials }),
    dynamo: () => new DynamoDBClient({ region: 'us-east-1', credentials }),
    region: 'us-east-1',
    clock: () => NOW,
    openClients,
    slackPoster: (_url, label) => ({
      post: async (message) => {
        if (postFails) throw new SlackWebhookBrokenError(404, 'no_service', 'https://hooks.slack.com/***', label);
        posted.push(message);
      },
    }),
  };
}

function summary(n: number, daysLeft: number): CertificateSummary {
  return {
    CertificateArn: `arn:aws:acm:us-east-1:111111111111:certificate/${n}`,
    DomainName: `c${n}.example.com`,
    Status: 'ISSUED',
    Type: 'AMAZON_ISSUED',
    KeyAlgorithm: 'EC_prime256v1',
    InUse: true,
    RenewalEligibility: 'ELIGIBLE',
    NotBefore: new Date(daysFrom(NOW, -100)),
    NotAfter: new Date(daysFrom(NOW, daysLeft)),
  };
}

beforeEach(() => {
  sts.reset();
  acm.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: 'arn:aws:iam::111111111111:user/me' });
  sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => {
    if (input.RoleArn.includes('222222222222'))
      throw Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    return { Credentials: { AccessKeyId: 'k', SecretAccessKey: 's', Expiration: new Date(Date.now() + 3_600_000) } };
  });
  acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1, 5), summary(2, 150)] });
  acm.on(ListTagsForCertificateCommand).resolves({ Tags: [] });
  acm.on(DescribeCertificateCommand).callsFake(async (input: { CertificateArn: string }) => ({
    Certificate: { CertificateArn: input.CertificateArn, Issuer: 'Amazon' },
  }));
});

describe('runAuditCommand', () => {
  it('prints the table on stdout, nothing on a non-terminal stderr, and exits 0 when every target was scanned', async () => {
    const stdout = new Recorder();
    const stderr = new Recorder();

    const code = await runAuditCommand(
      cli(['--accounts', '111111111111', '--regions', 'us-east-1']),
      { stdout, stderr },
      deps(),
    );

    expect(code).toBe(0);
    expect(stdout.text).toMatch(/^DOMAIN .*\nc1\.example\.com .* 5 +yes +EXPIRING\nc2\.example\.com/);
    expect(stdout.text).not.toContain('\u001b[');
    expect(stderr.text).toBe('');
  });

  it('tells a terminal who audits, shows progress and how the scan went', async () => {
    const stderr = new Recorder(true);

    await runAuditCommand(
      cli(['--accounts', '111111111111', '--regions', 'us-east-1']),
      { stdout: new Recorder(), stderr },
      deps(),
    );

    expect(stderr.text).toMatch(/^Auditing as arn:aws:iam::111111111111:user\/me\n/);
    expect(stderr.text).toContain('1/1 accounts | 2 certificates | 0 failed');
    expect(stderr.text).toMatch(/Scanned 1 target\(s\) in 0\.0 s\n$/);
  });

  it('exits 2 and lists the account whose role was refused', async () => {
    const stdout = new Recorder();

    const code = await runAuditCommand(
      cli(['--accounts', '111111111111,222222222222', '--regions', 'us-east-1']),
      { stdout, stderr: new Recorder() },
      deps(),
    );

    expect(code).toBe(2);
    expect(stdout.text).toMatch(/Targets not fully scanned:\n {2}222222222222 \* error AccessDenied: /);
  });

  it('writes the report to --output with a one-line summary on stderr', async () => {
    const output = join(work, 'r.json');
    const stdout = new Recorder();
    const stderr = new Recorder();

    const code = await runAuditCommand(
      cli(['--accounts', '111111111111', '--regions', 'us-east-1', '--output', output]),
      { stdout, stderr },
      deps(),
    );

    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(output, 'utf8')).certificates).toHaveLength(2);
    expect(stdout.text).toBe('');
    expect(stderr.text).toBe(
      `Wrote ${output} (json): 2 certificate(s) in 1 account(s), 1 region(s); findings: EXPIRING 1; 0 targets failed\n`,
    );
  });

  it('posts the digest naming the report file it wrote', async () => {
    const output = join(work, 'digest-report.json');
    const posted: SlackMessage[] = [];
    const options = cli([
      '--accounts',
      '111111111111',
      '--regions',
      'us-east-1',
      '--output',
      output,
      '--slack-webhook-url',
      'https://hooks.slack.com/services/T/B/SECRET',
    ]);

    const code = await runAuditCommand(options, { stdout: new Recorder(), stderr: new Recorder() }, deps(posted));

    expect(code).toBe(0);
    expect(posted).toHaveLength(1);
    const context = posted[0]?.blocks?.at(-1) as { type: string; elements: Array<{ text: string }> } | undefined;
    expect(context?.type).toBe('context');
    expect(context?.elements[0]?.text).toContain(` · full report: ${output}`);
    expect(JSON.stringify(posted[0])).toContain('c1.example.com');
    const written = JSON.parse(readFileSync(output, 'utf8')) as { certificates: Array<{ domainName: string }> };
    expect(written.certificates.map((cert) => cert.domainName).sort()).toEqual(['c1.example.com', 'c2.example.com']);
  });

  it('exits 2 with a warning that never shows the webhook when Slack refuses the digest', async () => {
    const options = cli([
      '--accounts',
      '111111111111',
      '--regions',
      'us-east-1',
      '--slack-webhook-url',
      'https://hooks.slack.com/services/T/B/SECRET',
    ]);
    const stderr = new Recorder();

    const code = await runAuditCommand(options, { stdout: new Recorder(), stderr }, deps([], true));

    expect(code).toBe(2);
    expect(stderr.text).toMatch(/^Warning: the Slack digest was not delivered: Slack digest webhook .* no_service/);
    expect(stderr.text).not.toContain('SECRET');
  });

  it('colours the table on a terminal unless NO_COLOR is set', async () => {
    const options = cli(['--accounts', '111111111111', '--regions', 'us-east-1']);
    const colour = new Recorder(true);
    const plain = new Recorder(true);

    await runAuditCommand(options, { stdout: colour, stderr: new Recorder() }, deps());
    await runAuditCommand(options, { stdout: plain, stderr: new Recorder(), env: { NO_COLOR: '1' } }, deps());

    expect(colour.text).toContain('\u001b[');
    expect(plain.text).not.toContain('\u001b[');
  });

  it.each([
    [['--compare', join(work, 'missing.json')], /^cannot read --compare .*missing\.json: the file does not exist$/],
    [['--output', join(work, 'missing', 'r.json')], /^cannot write the report to .*: the directory does not exist/],
  ])('refuses %j before calling AWS', async (argv, message) => {
    const run = runAuditCommand(cli(argv), { stdout: new Recorder(), stderr: new Recorder() }, deps());

    await expect(run).rejects.toThrow(CliError);
    await expect(run).rejects.toThrow(message);
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('checkCredentials', () => {
  const client = () => new STSClient({ region: 'us-east-1', credentials });

  it('returns the caller', async () => {
    await expect(checkCredentials(client())).resolves.toBe('arn:aws:iam::111111111111:user/me');
  });

  it('says how to provide credentials when none are found', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    await expect(checkCredentials(client())).rejects.toThrow(
      /^no AWS credentials found: .*AWS_PROFILE=<profile> \(after `aws sso login --profile <profile>`\), or AWS_ACCESS_KEY_ID/,
    );
  });

  it('says the credentials were rejected when STS refuses them', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }),
      );
    await expect(checkCredentials(client())).rejects.toThrow(
      /^AWS rejected the credentials \(ExpiredToken: .*aws sso login/,
    );
  });

  it('names the network problem when STS cannot be reached', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await expect(checkCredentials(client())).rejects.toThrow(
      /^cannot check the AWS credentials .*ECONNREFUSED.*AWS_ENDPOINT_URL/,
    );
  });
});

describe('run ids and pacing', () => {
  it('makes sortable, distinct run ids that STS accepts in a session name', () => {
    const a = newRunId(NOW);
    expect(a).toMatch(/^cli-20261201T000000Z-[0-9a-f]{6}$/);
    expect(newRunId(NOW)).not.toBe(a);
  });

  it('keeps the scanner default at the default rate and grows in-flight calls with a raised rate', () => {
    expect(describeConcurrency(9)).toBe(DEFAULT_DESCRIBE_CONCURRENCY);
    expect(describeConcurrency(100)).toBe(50);
  });
});
