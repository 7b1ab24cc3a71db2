/**
 * FinalizeRun's dependencies in memory, for tests that run the real use case: one target in the work list, its result
 * recorded, the given certificates current, Slack unconfigured (so neither the alert store nor the digest marker is
 * touched), and every object FinalizeRun writes kept in `objects`.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { DigestMarker } from '../../../lambdas/aws/store/digest-marker';
import type { AlertStore } from '../../../lambdas/core/alerting/store';
import type { Certificate, Target, TargetResult } from '../../../lambdas/core/model';
import type { RunRecord } from '../../../lambdas/core/ports';
import type { FinalizeRunDeps } from '../../../lambdas/pipeline/finalize-run';

export const NOW = new Date('2026-12-01T06:05:00.000Z');
export const TARGET: Target = { accountId: '333333333333', region: 'eu-west-1' };

export function inMemoryFinalizeDeps(options: {
  certificates: Certificate[];
  /** Receives what FinalizeRun writes to the bucket, by key. */
  objects?: Map<string, string>;
  overrides?: Partial<FinalizeRunDeps>;
}): FinalizeRunDeps {
  const result: TargetResult = {
    ...TARGET,
    status: 'ok',
    certificateCount: options.certificates.length,
    apiCalls: {},
    durationMs: 900,
    startedAt: '2026-12-01T06:00:10.000Z',
  };
  const send = async (command: { constructor: { name: string }; input: { Key?: string; Body?: string } }) => {
    if (command.constructor.name === 'GetObjectCommand') {
      return { Body: { transformToString: async () => JSON.stringify([TARGET]) } };
    }
    options.objects?.set(command.input.Key ?? '', String(command.input.Body));
    return {};
  };
  let completed: RunRecord | undefined;
  return {
    s3: { send, config: { region: async () => TARGET.region } } as unknown as S3Client,
    runs: {
      recordRunStarted: async () => {},
      recordRunCompleted: async (run) => {
        completed = run;
      },
      latestCompletedRun: async () => completed,
      loadRunResults: async () => ({ targets: [result], changes: [] }),
      loadAllCertificates: async () => options.certificates,
      saveTargetScan: async () => {},
      certificateCounts: async () => new Map(),
    },
    alerts: {} as AlertStore,
    digestMarker: {} as DigestMarker,
    slack: async () => ({ kind: 'configured', webhooks: {} }),
    poster: () => {
      throw new Error('Slack is not configured');
    },
    clock: () => NOW,
    ...options.overrides,
  };
}
