/**
 * The synthesized state machine at organization scale, run by the local engine under Step Functions' payload limit:
 * 5,000 accounts, one Map child each. The Map that gathered every child's output into its result failed such a run
 * with States.DataLimitExceeded after about 1,300 children; the work list, the children's inputs and every state's
 * payload must stay under 256 KiB however many accounts there are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynalite } from '../../../local/dynalite';
import { exampleConfig } from '../../../local/pipeline/deploy';
import { type PipelineRun, runPipeline } from '../../../local/pipeline/run';
import { generateScenario, type Simulator, startSimulator } from '../../../local/sim';
import { STATES_PAYLOAD_LIMIT } from '../../../local/states-limits';

const ACCOUNTS = 5000;
/** Scanned; the hub's own region (eu-west-1, where its table and secret are) exists too but is not scanned. */
const REGIONS = ['us-east-1'];

describe('the pipeline over 5,000 accounts', () => {
  let sim: Simulator;
  let dynamo: LocalDynamo;
  let run: PipelineRun;

  beforeAll(async () => {
    const config = exampleConfig();
    sim = await startSimulator({
      scenario: generateScenario({
        seed: 5000,
        accounts: ACCOUNTS,
        regions: [...REGIONS, 'eu-west-1'],
        certificatesPerTarget: { min: 0, max: 1 },
        activeRegionsPerAccount: { min: 1, max: 1 },
        inactiveAccounts: false,
        externalId: String(config.externalId),
      }),
    });
    dynamo = await startDynalite();
    run = await runPipeline({
      sim,
      dynamo,
      runId: 'scale-1',
      deploy: {
        logLevel: 'ERROR',
        config: { ...config, accounts: { source: 'organization' }, regions: { source: 'list', names: REGIONS } },
      },
    });
  }, 600_000);

  afterAll(async () => {
    await Promise.all([sim?.close(), dynamo?.close()]);
  });

  it('completes with one child per account and every payload under the limit', () => {
    const summary = run.output.summary as { targets: number; targetsFailed: number; certificates: number };

    expect(run.accounts).toHaveLength(ACCOUNTS);
    expect(run.failedChildren).toEqual([]);
    expect(summary.targets).toBe(ACCOUNTS * REGIONS.length);
    expect(summary.targetsFailed).toBe(0);
    expect(summary.certificates).toBe(
      sim.org.allCertificates().filter((record) => REGIONS.includes(record.region)).length,
    );
    expect(run.largestPayloadBytes).toBeLessThan(STATES_PAYLOAD_LIMIT / 10);
  });
});
