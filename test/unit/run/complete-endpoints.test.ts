/**
 * The probe's part of the shared completion, with its store in memory and a probe that answers without a network:
 * the user's endpoints are probed and kept, the report and the digest show this run's endpoints only, and a failure
 * to read them back costs the run its endpoints, not the run.
 */
import { describe, expect, it } from 'vitest';
import { MemoryEndpointStore } from '../../../lambdas/aws/store/endpoint-store';
import type { EndpointStore } from '../../../lambdas/core/ports';
import { assessEndpoint } from '../../../lambdas/core/probe/findings';
import { advanceEndpoints } from '../../../lambdas/core/probe/history';
import type { ProbeEndpoint } from '../../../lambdas/net/tls-probe';
import { completeRun } from '../../../lambdas/run/complete-run';
import { NOW } from '../core/certificate-fixture';
import { endpoint, served } from '../core/probe/fixtures';

const probe: ProbeEndpoint = async () => ({
  kind: 'served',
  served: served({ serial: 'FF:01', notAfter: new Date(NOW.getTime() + 3 * 86_400_000).toISOString() }),
});

async function storeWith(runId: string): Promise<MemoryEndpointStore> {
  const store = new MemoryEndpointStore();
  const mismatch = assessEndpoint(
    endpoint({ source: 'elbv2', host: 'shop-1.elb.amazonaws.com', accountId: '111111111111', region: 'eu-west-1' }),
    { kind: 'served', served: served({ serial: '0D:0E' }) },
    { now: NOW, expiryDays: 30 },
  );
  await store.saveEndpoints({
    accountId: '111111111111',
    runId,
    probedAt: NOW.toISOString(),
    endpoints: advanceEndpoints([], [mismatch]).endpoints,
  });
  await store.saveEndpoints({
    accountId: '222222222222',
    runId: 'an-older-run',
    probedAt: NOW.toISOString(),
    endpoints: advanceEndpoints([], [mismatch]).endpoints.map((e) => ({ ...e, host: 'old.elb.amazonaws.com' })),
  });
  return store;
}

function run(store: EndpointStore, posts: string[]) {
  return completeRun(
    {
      slack: async () => ({
        kind: 'configured',
        webhooks: { digestWebhookUrl: 'https://hooks.slack.com/services/T/B/D' },
      }),
      poster: () => ({ post: async (message) => void posts.push(JSON.stringify(message)) }),
      clock: () => NOW,
      endpoints: {
        store,
        probe,
        fileEndpoints: [
          endpoint({ source: 'file', host: 'vpn.example.com', sni: 'vpn.example.com', expectedSerials: [] }),
        ],
      },
    },
    {
      runId: 'run-2',
      startedAt: NOW.toISOString(),
      now: NOW,
      expiryDays: 30,
      ownerTagKey: 'owner',
      targets: [],
      certificates: [],
      changes: [],
      previousRun: undefined,
      publishReport: async () => undefined,
    },
  );
}

describe('the completion with probing on', () => {
  it("probes the user's endpoints, keeps them, and reports this run's endpoints only", async () => {
    const store = await storeWith('run-2');
    const posts: string[] = [];

    const completion = await run(store, posts);

    expect(completion.report.endpoints?.map((e) => [e.host, e.findings])).toEqual([
      ['shop-1.elb.amazonaws.com', ['SERVED_MISMATCH']],
      ['vpn.example.com', ['SERVED_EXPIRING']],
    ]);
    expect(completion.report.summary.byFinding.SERVED_MISMATCH).toBe(1);
    expect((await store.loadEndpoints('file'))?.endpoints.map((e) => e.served?.serial)).toEqual(['FF:01']);
    expect(completion.endpoints?.incidents.map((i) => i.kind)).toEqual(['ENDPOINT_EXPIRING', 'ENDPOINT_MISMATCH']);
    expect(posts[0]).toContain('What endpoints serve');
  });

  it('reports no endpoints, and says why, when they cannot be read back; the run still completes', async () => {
    const broken: EndpointStore = {
      saveEndpoints: async () => {},
      loadEndpoints: async () => undefined,
      loadAllEndpoints: async () => {
        throw new Error('ProvisionedThroughputExceededException');
      },
    };

    const completion = await run(broken, []);

    expect(completion.report).not.toHaveProperty('endpoints');
    expect(completion.endpointsFailure).toMatch(
      /endpoints cannot be read back; this run reports none \(ProvisionedThroughput/,
    );
  });
});
