import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, type IApplyRule, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app';
import { acknowledgeFinding, NAG_CONTEXT_KEY } from '../../infra/nag';
import { REPO_ROOT } from '../../infra/paths';
import { HUB_ACCOUNT, minimalConfig, organizationConfig, testApp } from './fixtures';

/** The configuration committed in cdk.json, which `npm run synth` uses. */
const committedConfig = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')).context.certMonitor;

const CONFIGS: Array<[string, unknown]> = [
  ['the committed cdk.json example', committedConfig],
  ['the smallest configuration', minimalConfig()],
  [
    'listed accounts and regions',
    minimalConfig({
      accounts: { source: 'list', ids: ['333333333333'] },
      regions: { source: 'list', names: ['us-east-1'] },
    }),
  ],
  [
    'a delegated administrator for some OUs',
    organizationConfig({
      callAs: 'DELEGATED_ADMIN',
      organizationRootId: undefined,
      organizationalUnitIds: ['ou-ab12-11111111'],
    }),
  ],
  ['the hub in the management account', organizationConfig({ accountId: HUB_ACCOUNT })],
  [
    'the Certificate Transparency watch with an API key',
    minimalConfig({ ct: { enabled: true, domains: ['example.com'], apiKeySecretName: 'cert-monitor/ct-api-key' } }),
  ],
  [
    'the event path on, from the management account',
    organizationConfig({ principalOrgId: 'o-a1b2c3d4e5' }, { events: { enabled: true } }),
  ],
];

/** The AWS Solutions findings, ignoring acknowledgements: which rule fired on which construct. */
class UnacknowledgedChecks extends AwsSolutionsChecks {
  readonly findings: Array<{ id: string; path: string }> = [];

  protected override applyRule(params: IApplyRule): void {
    const id = `${this.readPackName}-${params.ruleSuffixOverride ?? params.rule.name}`;
    const path = params.node.node.path;
    let result: ReturnType<IApplyRule['rule']>;
    try {
      result = params.rule(params.node);
    } catch {
      this.findings.push({ id, path });
      return;
    }
    if (result === NagRuleCompliance.NON_COMPLIANT) this.findings.push({ id, path });
    if (Array.isArray(result)) for (const finding of result) this.findings.push({ id: `${id}[${finding}]`, path });
  }
}

/** Every acknowledgement in the tree: construct path, finding id, reason. */
function acknowledgements(root: IConstruct): Array<{ path: string; id: string; reason: string }> {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([key, reason]) => ({
          path: construct.node.path,
          id: key.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

function built(config: unknown): App {
  const app = testApp(config);
  buildApp(app);
  return app;
}

describe('cdk-nag (AWS Solutions)', () => {
  describe.each(CONFIGS)('with %s', (_name, config) => {
    it('reports no unacknowledged error or warning', () => {
      const app = built(config);

      const report = new AwsSolutionsChecks().validateScope(app);

      expect(
        report.violations.map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources[0]?.constructPath}`),
      ).toEqual([]);
      expect(report.success).toBe(true);
    });

    it('acknowledges only findings that exist, each with a reason', () => {
      const app = built(config);
      const checks = new UnacknowledgedChecks();
      checks.validateScope(app);

      for (const ack of acknowledgements(app)) {
        const matches = checks.findings.filter(
          (f) => f.id === ack.id && (f.path === ack.path || f.path.startsWith(`${ack.path}/`)),
        );
        expect(matches, `${ack.id} at ${ack.path} acknowledges nothing`).not.toEqual([]);
        expect(ack.reason.length).toBeGreaterThan(20);
      }
    });

    it('leaves no CDK error or warning annotation on the stacks', () => {
      const app = built(config);

      for (const stack of app.node.children.filter((c): c is Stack => c instanceof Stack)) {
        expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
        expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
      }
    });
  });

  it('runs during synth when enabled, and the app synthesizes', () => {
    const app = testApp(committedConfig, { [NAG_CONTEXT_KEY]: true });
    buildApp(app);

    const assembly = app.synth();

    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['CertMonitorHub', 'CertMonitorOrganization']);
  });

  it('fails the synth on a finding nobody acknowledged', () => {
    const app = testApp(minimalConfig(), { [NAG_CONTEXT_KEY]: true });
    const { hub } = buildApp(app);
    new Bucket(hub, 'UnloggedBucket', { enforceSSL: true });

    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('accepts an acknowledgement only with an exact finding id and a reason', () => {
    const stack = new Stack();

    expect(() => acknowledgeFinding(stack, 'IAM5', 'a reason that is long enough')).toThrow(/Not an AwsSolutions/);
    expect(() => acknowledgeFinding(stack, 'AwsSolutions-IAM5', 'because')).toThrow(/needs a reason/);
  });
});
