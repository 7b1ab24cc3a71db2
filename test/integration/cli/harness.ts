/** Runs the real `audit` command as a child process against the local simulator, Slack receiver and DynamoDB. */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ScenarioAccountInput } from '../../../local/sim';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stderr without the AWS SDK's Node 20 support notice (expected on this Node; see DESIGN.md). */
  messages: string[];
}

/**
 * An environment with nothing from the machine running the tests: no AWS profile, no instance metadata, no
 * credentials unless `extra` gives them.
 */
export function isolatedEnv(extra: Record<string, string>): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'audit-cli-home-'));
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

const SDK_NOTICE =
  /\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*?--trace-warnings \.\.\.` to show where the warning was created\)\n?/;

export function runCli(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'lambdas/cli/main.ts', ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const messages = stderr
        .replace(SDK_NOTICE, '')
        .split('\n')
        .filter((line) => line.trim() !== '');
      resolvePromise({ code, stdout, stderr, messages });
    });
  });
}

export const TEAM_ACCOUNT = '123456789012';
const DAY_MS = 86_400_000;

export const TEAM_CERTS = {
  /** Managed renewal failed, in use, owner tag that would ping the channel if not escaped. */
  renewalFailed: `arn:aws:acm:us-east-1:${TEAM_ACCOUNT}:certificate/00000000-0000-4000-8000-000000000001`,
  /** Imported, in use, five days to expiry. */
  importedExpiring: `arn:aws:acm:us-east-1:${TEAM_ACCOUNT}:certificate/00000000-0000-4000-8000-000000000002`,
  /** P-384 key from an ACME client: hidden by ListCertificates' default filters. */
  acme: `arn:aws:acm:us-east-1:${TEAM_ACCOUNT}:certificate/00000000-0000-4000-8000-000000000003`,
  /** Unused, fine: deleted by the compare test. */
  unused: `arn:aws:acm:us-east-1:${TEAM_ACCOUNT}:certificate/00000000-0000-4000-8000-000000000004`,
  /** Renewal in progress, 40 days left: renewed by the compare test. */
  renewing: `arn:aws:acm:us-east-1:${TEAM_ACCOUNT}:certificate/00000000-0000-4000-8000-000000000005`,
} as const;

/** A small account whose certificates the tests know one by one, on top of the generated organization. */
export function teamAccount(startIso: string): ScenarioAccountInput {
  const start = Date.parse(startIso);
  const at = (days: number) => new Date(start + days * DAY_MS).toISOString();
  const amazon = {
    type: 'AMAZON_ISSUED' as const,
    status: 'ISSUED' as const,
    renewalEligibility: 'ELIGIBLE' as const,
    issuer: 'Amazon',
  };
  return {
    id: TEAM_ACCOUNT,
    name: 'team-prod',
    state: 'ACTIVE',
    enabledRegions: ['us-east-1', 'eu-west-1'],
    disabledRegions: ['ap-southeast-3'],
    certificates: [
      {
        ...amazon,
        arn: TEAM_CERTS.renewalFailed,
        domainName: 'pay.team.example.com',
        keyAlgorithm: 'EC_prime256v1',
        notBefore: at(-178),
        notAfter: at(20),
        renewal: { status: 'FAILED', reason: 'CAA_ERROR', updatedAt: at(-5) },
        inUseBy: [`arn:aws:elasticloadbalancing:us-east-1:${TEAM_ACCOUNT}:loadbalancer/app/pay/1`],
        tags: { owner: '<!channel>' },
      },
      {
        arn: TEAM_CERTS.importedExpiring,
        domainName: 'legacy.team.example.com',
        type: 'IMPORTED',
        status: 'ISSUED',
        keyAlgorithm: 'RSA_4096',
        renewalEligibility: 'INELIGIBLE',
        issuer: 'Example CA',
        importedAt: at(-360),
        notBefore: at(-360),
        notAfter: at(5),
        inUseBy: [`arn:aws:elasticloadbalancing:us-east-1:${TEAM_ACCOUNT}:loadbalancer/app/legacy/2`],
        tags: { owner: 'legacy-team' },
      },
      {
        ...amazon,
        arn: TEAM_CERTS.acme,
        domainName: 'acme.team.example.com',
        keyAlgorithm: 'EC_secp384r1',
        keyPairOrigin: 'ACME',
        notBefore: at(-10),
        notAfter: at(80),
        inUseBy: [`arn:aws:elasticloadbalancing:us-east-1:${TEAM_ACCOUNT}:loadbalancer/app/acme/3`],
      },
      {
        ...amazon,
        arn: TEAM_CERTS.unused,
        domainName: 'old.team.example.com',
        keyAlgorithm: 'RSA_2048',
        notBefore: at(-30),
        notAfter: at(168),
        renewalEligibility: 'INELIGIBLE',
      },
      {
        ...amazon,
        arn: TEAM_CERTS.renewing,
        domainName: 'www.team.example.com',
        keyAlgorithm: 'RSA_2048',
        notBefore: at(-158),
        notAfter: at(40),
        renewal: { status: 'PENDING_AUTO_RENEWAL', updatedAt: at(-2) },
        inUseBy: [`arn:aws:cloudfront::${TEAM_ACCOUNT}:distribution/E2TEAM`],
      },
    ],
  };
}
