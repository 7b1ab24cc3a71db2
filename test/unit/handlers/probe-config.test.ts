/** The probe's settings, from the stack's configuration through the Lambda environment to ScanTarget and FinalizeRun. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../infra/config';
import { lambdaSettings } from '../../../infra/lambda-environment';
import { HandlerConfigError } from '../../../lambdas/config/environment';
import { ENV } from '../../../lambdas/core/names';
import { loadFinalizeRunConfig, loadScanTargetConfig, scanTargetProbe } from '../../../lambdas/handlers/config';
import { minimalConfig } from '../../infra/fixtures';

const RESOURCES = {
  tableName: 'cert-monitor-state',
  workBucket: 'cert-monitor-work',
  slackSecretId: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cert-monitor/slack-AbCdEf',
};

function environment(
  fn: 'scanTarget' | 'finalizeRun',
  overrides: Record<string, unknown> = {},
): Record<string, string> {
  return { ...lambdaSettings(fn, parseConfig(minimalConfig(overrides)), RESOURCES), AWS_REGION: 'eu-west-1' };
}

describe('probe configuration', () => {
  it('is off by default: no probe in ScanTarget, no endpoints in FinalizeRun', () => {
    expect(scanTargetProbe(loadScanTargetConfig(environment('scanTarget')))).toBeUndefined();
    expect(loadFinalizeRunConfig(environment('finalizeRun')).probe).toBeUndefined();
  });

  it('builds ScanTarget a probe with the feature set, through the DNS servers the stack names', () => {
    const env = environment('scanTarget', {
      features: ['probe'],
      dnsDiagnosis: { servers: ['192.0.2.53'] },
      probe: { timeoutMs: 2_000, concurrency: 20 },
    });

    const config = loadScanTargetConfig(env);

    expect(scanTargetProbe(config)).toEqual({ timeoutMs: 2_000, dnsServers: ['192.0.2.53:53'] });
    expect(config.probeConcurrency).toBe(20);
    expect(config.expiryDays).toBe(30);
  });

  it("gives FinalizeRun the user's endpoints, which turn the run's endpoints on even without the feature set", () => {
    const env = environment('finalizeRun', { probe: { endpoints: ['vpn.example.com', 'legacy.example.com:8443'] } });

    expect(env[ENV.probeEndpoints]).toBe('vpn.example.com,legacy.example.com:8443');
    expect(loadFinalizeRunConfig(env).probe?.fileEndpoints.map((e) => [e.host, e.port])).toEqual([
      ['vpn.example.com', 443],
      ['legacy.example.com', 8443],
    ]);
  });

  it('refuses a bad endpoint at synth and at cold start, naming the key or the variable', () => {
    expect(() => parseConfig(minimalConfig({ probe: { endpoints: ['https://vpn.example.com'] } }))).toThrow(
      /certMonitor\.probe\.endpoints\[0\]: endpoint 1: "https:\/\/vpn\.example\.com" is a URL/,
    );
    expect(() =>
      loadFinalizeRunConfig({ ...environment('finalizeRun'), [ENV.probeEndpoints]: 'ok.example.com,bad host' }),
    ).toThrow(HandlerConfigError);
    expect(() =>
      loadFinalizeRunConfig({ ...environment('finalizeRun'), [ENV.probeEndpoints]: 'ok.example.com,bad host' }),
    ).toThrow(/PROBE_ENDPOINTS .*host\[:port\] endpoints, got "bad host"/);
  });

  it('reads NODE_EXTRA_CA_CERTS, which the stack never sets, when a function has it', () => {
    const env = { ...environment('scanTarget', { features: ['probe'] }), NODE_EXTRA_CA_CERTS: '/opt/ca.pem' };

    expect(environment('scanTarget', { features: ['probe'] })).not.toHaveProperty(ENV.extraCaCertificates);
    expect(scanTargetProbe(loadScanTargetConfig(env))).toMatchObject({ extraCaCertificatesFile: '/opt/ca.pem' });
  });
});
