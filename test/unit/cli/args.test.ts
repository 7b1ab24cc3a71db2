import { describe, expect, it } from 'vitest';
import { DEFAULT_DESCRIBE_RATE_PER_SECOND } from '../../../lambdas/aws/rate-limit';
import { type CliOptions, parseArgs } from '../../../lambdas/cli/args';
import { DEFAULT_AUDIT_ROLE_NAME, DEFAULT_EXPIRY_DAYS } from '../../../lambdas/core/names';
import { DEFAULT_ACCOUNT_CONCURRENCY } from '../../../lambdas/scan/audit';

function options(argv: string[], env: Record<string, string | undefined> = {}): CliOptions {
  const result = parseArgs(argv, env);
  if (result.kind !== 'run') throw new Error(`expected options, got ${JSON.stringify(result)}`);
  return result.options;
}

function error(argv: string[], env: Record<string, string | undefined> = {}): string {
  const result = parseArgs(argv, env);
  if (result.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(result)}`);
  expect(result.message).not.toContain('\n');
  return result.message;
}

describe('parseArgs', () => {
  describe('defaults', () => {
    it('audits the whole organization in enabled regions with the default role, table to stdout', () => {
      expect(options([])).toEqual({
        accounts: 'organization',
        excludedAccounts: [],
        regions: 'enabled',
        roleName: DEFAULT_AUDIT_ROLE_NAME,
        expiryDays: DEFAULT_EXPIRY_DAYS,
        format: 'table',
        concurrency: DEFAULT_ACCOUNT_CONCURRENCY,
        describeRate: DEFAULT_DESCRIBE_RATE_PER_SECOND,
        ownerTagKey: 'owner',
        debug: false,
        probe: false,
        probeTimeoutMs: 5000,
        probeConcurrency: 50,
      });
    });

    it('reads every option', () => {
      expect(
        options([
          '--accounts',
          '222222222222, 111111111111,111111111111',
          '--exclude-accounts',
          '333333333333',
          '--regions',
          'us-east-1,eu-west-1',
          '--role-name',
          'AuditRole',
          '--external-id',
          'org-audit',
          '--expiry-days',
          '45',
          '--format',
          'json',
          '--output',
          'out.json',
          '--compare',
          'old.json',
          '--slack-webhook-url',
          'https://hooks.slack.com/services/T/B/X',
          '--concurrency',
          '4',
          '--describe-rate',
          '5',
          '--state-table',
          'cert-monitor-state',
          '--alerts-webhook-url',
          'https://hooks.slack.com/services/T/B/Y',
          '--owner-tag-key',
          'team',
          '--as-of',
          '2026-12-24T00:00:00Z',
          '--endpoints',
          'endpoints.txt',
          '--probe-timeout-ms',
          '2000',
          '--probe-concurrency',
          '20',
          '--debug',
        ]),
      ).toEqual({
        accounts: ['111111111111', '222222222222'],
        excludedAccounts: ['333333333333'],
        regions: ['eu-west-1', 'us-east-1'],
        roleName: 'AuditRole',
        externalId: 'org-audit',
        expiryDays: 45,
        format: 'json',
        output: 'out.json',
        compare: 'old.json',
        slackWebhookUrl: 'https://hooks.slack.com/services/T/B/X',
        concurrency: 4,
        describeRate: 5,
        stateTable: 'cert-monitor-state',
        alertsWebhookUrl: 'https://hooks.slack.com/services/T/B/Y',
        ownerTagKey: 'team',
        asOf: new Date('2026-12-24T00:00:00Z'),
        // --endpoints implies --probe.
        probe: true,
        endpointsFile: 'endpoints.txt',
        probeTimeoutMs: 2000,
        probeConcurrency: 20,
        debug: true,
      });
    });

    it('refuses a probe timeout or concurrency out of range, saying the range', () => {
      expect(parseArgs(['--probe-timeout-ms', '50'])).toMatchObject({
        kind: 'error',
        message: expect.stringMatching(/--probe-timeout-ms: must be a whole number of milliseconds from 100 to 60000/),
      });
      expect(parseArgs(['--probe-concurrency', '0'])).toMatchObject({
        kind: 'error',
        message: expect.stringMatching(/--probe-concurrency: must be a whole number of probes from 1 to 500/),
      });
    });

    it('takes the format from the --output file name unless --format is given', () => {
      expect(options(['--output', 'report.HTML']).format).toBe('html');
      expect(options(['--output', 'report.htm']).format).toBe('html');
      expect(options(['--output', 'r.csv']).format).toBe('csv');
      expect(options(['--output', 'r.json']).format).toBe('json');
      expect(options(['--output', 'report.txt']).format).toBe('table');
      expect(options(['--output', 'r.json', '--format', 'table']).format).toBe('table');
    });

    it('takes the routing table file of --routes, to be read before the scan', () => {
      expect(options(['--routes', 'routes.json']).routes).toBe('routes.json');
      expect(options([]).routes).toBeUndefined();
      expect(error(['--routes', ''])).toBe('--routes: give the path of a routing table (JSON)');
      const help = parseArgs(['--help']);
      expect(help.kind === 'help' ? help.text : '').toMatch(
        /--routes <file>\s+send each certificate's alerts to its owner/,
      );
    });

    it('accepts the --option=value spelling', () => {
      expect(options(['--regions=eu-west-1', '--expiry-days=7'])).toMatchObject({
        regions: ['eu-west-1'],
        expiryDays: 7,
      });
    });
  });

  describe('environment fallbacks', () => {
    const env = {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/env/digest',
      SLACK_ALERTS_WEBHOOK_URL: 'https://hooks.slack.com/services/env/alerts',
    };

    it('uses SLACK_WEBHOOK_URL and SLACK_ALERTS_WEBHOOK_URL when the options are absent', () => {
      expect(options(['--state-table', 'state'], env)).toMatchObject({
        slackWebhookUrl: env.SLACK_WEBHOOK_URL,
        alertsWebhookUrl: env.SLACK_ALERTS_WEBHOOK_URL,
      });
    });

    it('lets the options win over the environment', () => {
      expect(
        options(
          [
            '--state-table',
            'state',
            '--slack-webhook-url',
            'https://hooks.slack.com/services/cli/digest',
            '--alerts-webhook-url',
            'https://hooks.slack.com/services/cli/alerts',
          ],
          env,
        ),
      ).toMatchObject({
        slackWebhookUrl: 'https://hooks.slack.com/services/cli/digest',
        alertsWebhookUrl: 'https://hooks.slack.com/services/cli/alerts',
      });
    });

    it('treats an empty variable as unset', () => {
      expect(options([], { SLACK_WEBHOOK_URL: '', SLACK_ALERTS_WEBHOOK_URL: ' ' }).slackWebhookUrl).toBeUndefined();
    });

    it('ignores SLACK_ALERTS_WEBHOOK_URL without --state-table, with a warning that names the variable', () => {
      const result = parseArgs([], { SLACK_ALERTS_WEBHOOK_URL: env.SLACK_ALERTS_WEBHOOK_URL });
      if (result.kind !== 'run') throw new Error('expected options');
      expect(result.warnings).toEqual([expect.stringContaining('SLACK_ALERTS_WEBHOOK_URL')]);
      expect(result.options.alertsWebhookUrl).toBeUndefined();
    });

    it('reads nothing from AWS variables: the SDK resolves credentials, region and endpoints', () => {
      expect(options([], { AWS_REGION: 'eu-west-1', AWS_PROFILE: 'x' })).toEqual(options([]));
    });
  });

  describe('bad input', () => {
    it('refuses unknown options and suggests the closest one', () => {
      expect(error(['--fromat', 'json'])).toMatch(/unknown option '--fromat'.*--format.*--help/);
    });

    it('refuses arguments that are not options', () => {
      expect(error(['111111111111'])).toMatch(/argument/);
    });

    it('refuses an option without its value', () => {
      expect(error(['--accounts'])).toMatch(/--accounts.*missing/);
    });

    it.each([
      ['12345', /not a 12-digit AWS account id: 12345/],
      ['1111111111111', /1111111111111/],
      ['11111111111a', /11111111111a/],
      [',', /at least one/],
    ])('refuses the account list %j', (accounts, message) => {
      const text = error(['--accounts', accounts]);
      expect(text).toMatch(/^--accounts: /);
      expect(text).toMatch(message);
    });

    it('checks --exclude-accounts the same way, and refuses excluding every account given', () => {
      expect(error(['--exclude-accounts', 'abc'])).toMatch(/^--exclude-accounts: .*abc/);
      expect(error(['--accounts', '111111111111', '--exclude-accounts', '111111111111'])).toMatch(/leaves no account/);
    });

    it('refuses an unknown region and suggests the one a typo meant', () => {
      expect(error(['--regions', 'us-east-1,eu-wset-1'])).toBe(
        '--regions: unknown region eu-wset-1 (did you mean eu-west-1?)',
      );
    });

    it('lists the known regions when a name does not look like a region at all', () => {
      expect(error(['--regions', 'ireland'])).toMatch(/unknown region ireland; known regions: af-south-1, .*us-west-2/);
    });

    it('accepts a region newer than this version only with --allow-unknown-regions', () => {
      expect(error(['--regions', 'xx-north-9'])).toMatch(/xx-north-9.*--allow-unknown-regions/);
      expect(options(['--regions', 'xx-north-9', '--allow-unknown-regions']).regions).toEqual(['xx-north-9']);
      expect(error(['--regions', 'nowhere', '--allow-unknown-regions'])).toMatch(/unknown region nowhere/);
    });

    it('refuses an empty region list', () => {
      expect(error(['--regions', ' , '])).toMatch(/^--regions: give at least one/);
    });

    it.each(['0', '-3', '1.5', 'ten', '', '3651'])('refuses --expiry-days %j', (days) => {
      expect(error(['--expiry-days', days])).toMatch(/^--expiry-days: must be a whole number of days from 1 to 3650/);
    });

    it.each(['0', '65', '2.5', 'many'])('refuses --concurrency %j', (n) => {
      expect(error(['--concurrency', n])).toMatch(/^--concurrency: must be a whole number of accounts from 1 to 64/);
    });

    it('accepts the bounds of --concurrency and --describe-rate', () => {
      expect(options(['--concurrency', '1', '--describe-rate', '100'])).toMatchObject({
        concurrency: 1,
        describeRate: 100,
      });
      expect(options(['--concurrency', '64', '--describe-rate', '1'])).toMatchObject({
        concurrency: 64,
        describeRate: 1,
      });
      expect(error(['--describe-rate', '101'])).toMatch(/^--describe-rate: /);
    });

    it('refuses an unknown format', () => {
      expect(error(['--format', 'xml'])).toBe('--format: must be one of table, json, csv, html');
    });

    it('refuses a webhook that is not a web address, without echoing it', () => {
      const message = error(['--slack-webhook-url', 'hooks.slack.com/services/SECRET']);
      expect(message).toMatch(/^--slack-webhook-url .*https:\/\//);
      expect(message).not.toContain('SECRET');
      expect(error([], { SLACK_WEBHOOK_URL: 'not a url SECRET' })).not.toContain('SECRET');
    });

    it('refuses a plain http webhook that would send the inventory in cleartext, but not a loopback one', () => {
      expect(error(['--slack-webhook-url', 'http://hooks.slack.com/services/SECRET'])).toMatch(
        /^--slack-webhook-url .*https:\/\//,
      );
      expect(options(['--slack-webhook-url', 'http://127.0.0.1:3000/digest']).slackWebhookUrl).toBe(
        'http://127.0.0.1:3000/digest',
      );
    });

    it('refuses --alerts-webhook-url without --state-table', () => {
      expect(error(['--alerts-webhook-url', 'https://hooks.slack.com/services/T/B/Y'])).toMatch(
        /--alerts-webhook-url needs --state-table/,
      );
    });

    it.each([
      ['--state-table', 'ab', /^--state-table: /],
      ['--state-table', 'bad name', /^--state-table: /],
      ['--role-name', 'bad role!', /^--role-name: /],
      ['--external-id', 'x', /^--external-id: /],
      ['--as-of', 'next tuesday', /^--as-of: must be an ISO-8601 time/],
      ['--dns-server', 'resolver.example.com:53', /^--dns-server: .*not an IP address.*127\.0\.0\.1:5353/],
      ['--dns-server', '127.0.0.1:70000', /^--dns-server: .*port "70000"/],
    ])('refuses %s %j', (flag, value, message) => {
      expect(error([flag, value])).toMatch(message);
    });

    it('reads --dns-server as a list of HOST:PORT, and leaves the system resolver when absent', () => {
      expect(options(['--dns-server', '127.0.0.1:5353,[::1]:53']).dnsServers).toEqual(['127.0.0.1:5353', '[::1]:53']);
      expect(options([])).not.toHaveProperty('dnsServers');
    });
  });

  describe('--help', () => {
    it('takes --features as certMonitor.features names them and refuses an unknown set, naming the known ones', () => {
      const on = parseArgs(['--features', 'dns-diagnosis']);
      const wrong = parseArgs(['--features', 'dns']);

      expect(on.kind === 'run' && on.options.features).toEqual(['dns-diagnosis']);
      expect(wrong).toMatchObject({
        kind: 'error',
        message: expect.stringMatching(/--features.*dns.*known: dns-diagnosis/),
      });
    });

    it('documents every option with its default and an example', () => {
      const result = parseArgs(['--help']);
      if (result.kind !== 'help') throw new Error('expected help');
      const flags = [...result.text.matchAll(/^ {2}(--[a-z-]+|-h, --help)/gm)].map((match) => match[1]);
      expect(flags).toEqual([
        '--accounts',
        '--exclude-accounts',
        '--regions',
        '--allow-unknown-regions',
        '--role-name',
        '--external-id',
        '--expiry-days',
        '--format',
        '--output',
        '--compare',
        '--slack-webhook-url',
        '--concurrency',
        '--describe-rate',
        '--state-table',
        '--routes',
        '--alerts-webhook-url',
        '--owner-tag-key',
        '--as-of',
        '--dns-server',
        '--features',
        '--probe',
        '--endpoints',
        '--probe-timeout-ms',
        '--probe-concurrency',
        '--ct',
        '--ct-domains',
        '--ct-api-url',
        '--ct-allow',
        '--debug',
        '-h, --help',
      ]);
      // Each option's entry (up to the next one) names its default and shows an example.
      const entries = result.text.split(/\n(?= {2}-)/).slice(1, -1);
      expect(entries).toHaveLength(29);
      for (const entry of entries) {
        expect(entry.replace(/\s+/g, ' ')).toMatch(/\(default: [^)]+\)/);
        expect(entry.replace(/\s+/g, ' ')).toMatch(/e\.g\. /);
      }
      expect(result.text).toContain('(default: CertAuditReadOnly)');
      // Commander is given no defaults of its own, so no entry names its default a second time.
      for (const entry of entries) {
        expect(entry.replace(/\s+/g, ' ').match(/\(default: /g), entry).toHaveLength(1);
      }
      expect(result.text).toContain('SLACK_ALERTS_WEBHOOK_URL');
      expect(result.text).toMatch(/Exit codes:/);
    });
  });
});

describe('parseArgs --ct', () => {
  it('turns the watch on with Cert Spotter by default and the key from CERTSPOTTER_API_KEY', () => {
    expect(options(['--ct'], { CERTSPOTTER_API_KEY: 'k-123' }).ct).toEqual({
      apiUrl: 'https://api.certspotter.com',
      apiKey: 'k-123',
    });
    expect(options([]).ct).toBeUndefined();
  });

  it('takes the domains, the API URL and the allow list', () => {
    expect(
      options([
        '--ct',
        '--ct-domains',
        'Example.com,example.org',
        '--ct-api-url',
        'http://127.0.0.1:9000',
        '--ct-allow',
        'a.json',
      ]).ct,
    ).toEqual({ domains: ['example.com', 'example.org'], apiUrl: 'http://127.0.0.1:9000', allowFile: 'a.json' });
  });

  it('refuses a public suffix as a domain, naming it', () => {
    expect(error(['--ct', '--ct-domains', 'co.uk'])).toMatch(/^--ct-domains: "co.uk" is not a registered domain/);
  });

  it('refuses plain HTTP to another host: the API key would travel in clear', () => {
    expect(error(['--ct', '--ct-api-url', 'http://ct.example.com'])).toMatch(
      /^--ct-api-url: must be an https:\/\/ URL/,
    );
  });

  it('says a CT option needs --ct', () => {
    expect(error(['--ct-domains', 'example.com'])).toBe('--ct-domains needs --ct (it configures the CT watch)');
  });
});
