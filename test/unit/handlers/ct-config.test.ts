import { describe, expect, it } from 'vitest';
import { HandlerConfigError } from '../../../lambdas/config/environment';
import { loadCtWatchConfig, loadFinalizeRunConfig } from '../../../lambdas/handlers/config';

const BASE = {
  AWS_REGION: 'eu-west-1',
  TABLE_NAME: 'state',
  SLACK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cert-monitor/slack-AbCdEf',
};

describe('loadCtWatchConfig', () => {
  it('defaults to Cert Spotter, hourly, no key, no allow list, domains from the certificates', () => {
    const config = loadCtWatchConfig(BASE);
    expect(config).toMatchObject({ apiUrl: 'https://api.certspotter.com', allow: [], ctSchedulePeriodMinutes: 60 });
    expect(config.domains).toBeUndefined();
    expect(config.apiKeySecretId).toBeUndefined();
  });

  it('reads the domains, the allow list and the key secret', () => {
    const config = loadCtWatchConfig({
      ...BASE,
      CT_DOMAINS: 'example.com,example.org',
      CT_ALLOW: '[{"names":"*.cdn.example.com","reason":"CDN"}]',
      CT_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:cert-monitor/ct-api-key-AbCdEf',
    });
    expect(config.domains).toEqual(['example.com', 'example.org']);
    expect(config.allow).toEqual([{ names: '*.cdn.example.com', reason: 'CDN' }]);
    expect(config.apiKeySecretId).toContain('ct-api-key');
  });

  it('names the variable of a public suffix or a bad allow list', () => {
    expect(() => loadCtWatchConfig({ ...BASE, CT_DOMAINS: 'co.uk' })).toThrow(HandlerConfigError);
    expect(() => loadCtWatchConfig({ ...BASE, CT_DOMAINS: 'co.uk' })).toThrow(/CT_DOMAINS/);
    expect(() => loadCtWatchConfig({ ...BASE, CT_ALLOW: '[{"issuer":"x"}]' })).toThrow(/CT_ALLOW.*reason/);
  });
});

describe('loadFinalizeRunConfig and the CT watch', () => {
  it('watches CT only when the stack set the API URL', () => {
    expect(loadFinalizeRunConfig(BASE).ct).toBeUndefined();
    expect(
      loadFinalizeRunConfig({ ...BASE, CT_API_URL: 'https://api.certspotter.com', CT_DOMAINS: 'example.com' }).ct,
    ).toEqual({
      apiUrl: 'https://api.certspotter.com',
      domains: ['example.com'],
      allow: [],
    });
  });
});
