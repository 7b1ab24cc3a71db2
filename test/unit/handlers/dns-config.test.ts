/** The DNS diagnosis' settings, from the stack's configuration through the Lambda environment to FinalizeRun. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../infra/config';
import { lambdaSettings } from '../../../infra/lambda-environment';
import { HandlerConfigError } from '../../../lambdas/config/environment';
import { ENV } from '../../../lambdas/core/names';
import { loadFinalizeRunConfig } from '../../../lambdas/handlers/config';
import { minimalConfig } from '../../infra/fixtures';

const RESOURCES = {
  tableName: 'cert-monitor-state',
  workBucket: 'cert-monitor-work',
  slackSecretId: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cert-monitor/slack-AbCdEf',
};

/** FinalizeRun's environment as the hub stack sets it (the runtime adds the region). */
function finalizeEnvironment(overrides: Record<string, unknown> = {}) {
  return {
    ...lambdaSettings('finalizeRun', parseConfig(minimalConfig(overrides)), RESOURCES),
    AWS_REGION: 'eu-west-1',
  };
}

function finalizeConfig(overrides: Record<string, unknown>) {
  return loadFinalizeRunConfig(finalizeEnvironment(overrides));
}

describe('dnsDiagnosis configuration', () => {
  it('is on by default and asks the Lambda’s own resolver (public DNS outside a VPC)', () => {
    const settings = finalizeEnvironment();
    expect(settings).not.toHaveProperty(ENV.dnsServers);
    expect(finalizeConfig({}).dnsDiagnosis).toEqual({ enabled: true, servers: undefined, timeoutMs: 3_000 });
  });

  it('reaches FinalizeRun with its servers, its timeout, or switched off', () => {
    expect(
      finalizeConfig({ dnsDiagnosis: { servers: ['192.0.2.53', '[2001:db8::53]:5353'], timeoutMs: 500 } }).dnsDiagnosis,
    ).toEqual({ enabled: true, servers: ['192.0.2.53:53', '[2001:db8::53]:5353'], timeoutMs: 500 });
    expect(finalizeConfig({ dnsDiagnosis: { enabled: false } }).dnsDiagnosis.enabled).toBe(false);
  });

  it('refuses a host name at synth, naming the key and what to give instead', () => {
    expect(() => parseConfig(minimalConfig({ dnsDiagnosis: { servers: ['dns.example.com:53'] } }))).toThrow(
      /certMonitor\.dnsDiagnosis\.servers: .*not an IP address/,
    );
  });

  it('refuses a malformed server list in the environment, naming the variable', () => {
    const env = { ...finalizeEnvironment(), [ENV.dnsServers]: '127.0.0.1:0' };
    expect(() => loadFinalizeRunConfig(env)).toThrow(HandlerConfigError);
    expect(() => loadFinalizeRunConfig(env)).toThrow(/DNS_SERVERS/);
  });
});
