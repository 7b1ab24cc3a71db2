import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../infra/config';
import { actionsOf, minimalConfig, policyStatements, resourcesOf, synthesize } from './fixtures';

describe('the CT watch in the hub', () => {
  it('is not deployed unless enabled: it sends the domain names to a third party', () => {
    const { hub: template } = synthesize(minimalConfig());
    const functions = Object.values(resourcesOf(template, 'AWS::Lambda::Function'));
    expect(functions.some((fn) => String(fn.Properties.Description).includes('Certificate Transparency'))).toBe(false);
  });

  it('runs hourly with its settings, the key secret by ARN and never the key', () => {
    // Act
    const { hub: template } = synthesize(
      minimalConfig({
        ct: {
          enabled: true,
          domains: ['example.com'],
          apiKeySecretName: 'cert-monitor/ct-api-key',
          allow: [{ names: '*.cdn.example.com', reason: 'CDN provider' }],
        },
      }),
    );
    // Assess
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Description: Match.stringLikeRegexp('Certificate Transparency'),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('Certificate Transparency'),
      Environment: {
        Variables: Match.objectLike({
          CT_DOMAINS: 'example.com',
          CT_ALLOW: JSON.stringify([{ names: '*.cdn.example.com', reason: 'CDN provider' }]),
          CT_API_KEY_SECRET_ARN: Match.anyValue(),
          SLACK_SECRET_ARN: Match.anyValue(),
        }),
      },
    });
    const ctStatements = policyStatements(template).filter(({ path }) => path.includes('CtWatch'));
    const actions = ctStatements.flatMap(({ statement }) => actionsOf(statement));
    expect(actions).toContain('dynamodb:Query');
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions).not.toContain('sts:AssumeRole');
    expect(actions).not.toContain('dynamodb:Scan');
  });

  it('has FinalizeRun poll too when enabled, so the digest lists CT, and not otherwise', () => {
    const finalizeVariables = (config: Record<string, unknown>) => {
      const { hub } = synthesize(config);
      const fn = Object.values(resourcesOf(hub, 'AWS::Lambda::Function')).find((f) =>
        String(f.Properties.Description).startsWith('Aggregates a run'),
      );
      return Object.keys(fn?.Properties.Environment?.Variables ?? {});
    };
    expect(finalizeVariables(minimalConfig({ ct: { enabled: true } }))).toContain('CT_API_URL');
    expect(finalizeVariables(minimalConfig())).not.toContain('CT_API_URL');
  });

  it('refuses an allow list rule without a reason at synth, naming it', () => {
    expect(() => synthesize(minimalConfig({ ct: { enabled: true, allow: [{ names: '*.example.com' }] } }))).toThrow(
      ConfigError,
    );
    expect(() => synthesize(minimalConfig({ ct: { enabled: true, allow: [{ names: '*.example.com' }] } }))).toThrow(
      /certMonitor.ct.allow, rule 1: reason/,
    );
  });
});
