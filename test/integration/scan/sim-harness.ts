/**
 * The simulated organization for the scanner's integration tests. The scanner's own client factories are used
 * unchanged: they reach the simulator only through the AWS_ENDPOINT_URL and credentials of `sim.env()`, as the CLI
 * would reach AWS.
 */
import type { ACMClient } from '@aws-sdk/client-acm';
import { CallCounter } from '../../../lambdas/aws/call-counter';
import {
  type ClientConfig,
  createAcmClient,
  createOrganizationsClient,
  createStsClient,
} from '../../../lambdas/aws/clients';
import { RoleCredentials } from '../../../lambdas/aws/credentials';
import type { Target } from '../../../lambdas/core/model';
import { type Scenario, type Simulator, type SimulatorOptions, startSimulator } from '../../../local/sim';

export const ROLE_NAME = 'CertAuditReadOnly';
export const EXTERNAL_ID = 'ext-scan-tests';
/** The scanner's default retries (adaptive, 6 attempts), hub region us-east-1. */
export const CLIENT_CONFIG: Omit<ClientConfig, 'credentials' | 'calls'> = { region: 'us-east-1', maxAttempts: 6 };

export interface ScanHarness {
  sim: Simulator;
  roles: RoleCredentials;
  /** Dependencies of runAudit / listTargets with the hub's (management account's) credentials. */
  hub: {
    sts: ReturnType<typeof createStsClient>;
    organizations: ReturnType<typeof createOrganizationsClient>;
    clientConfig: typeof CLIENT_CONFIG;
    clock: () => Date;
  };
  /** An ACM client in the target with the audit role, counting into `calls`. */
  acm(target: Target, calls?: CallCounter): ACMClient;
  close(): Promise<void>;
}

export async function startScanHarness(
  scenario: Scenario,
  options: Omit<SimulatorOptions, 'scenario'> = {},
): Promise<ScanHarness> {
  const sim = await startSimulator({ scenario, ...options });
  const saved = { ...process.env };
  Object.assign(process.env, sim.env());
  const sts = createStsClient(CLIENT_CONFIG);
  const organizations = createOrganizationsClient(CLIENT_CONFIG);
  const roles = new RoleCredentials({
    sts,
    roleName: ROLE_NAME,
    externalId: EXTERNAL_ID,
    runId: 'scan-tests',
    clock: () => new Date(sim.clock.nowMs()),
  });
  return {
    sim,
    roles,
    hub: { sts, organizations, clientConfig: CLIENT_CONFIG, clock: () => sim.clock.now() },
    acm: (target, calls = new CallCounter()) =>
      createAcmClient({
        ...CLIENT_CONFIG,
        region: target.region,
        credentials: roles.provider(target.accountId),
        calls,
      }),
    close: async () => {
      sts.destroy();
      organizations.destroy();
      await sim.close();
      for (const key of Object.keys(sim.env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    },
  };
}

/** ARNs the simulator holds for a target: the truth a scan must find. */
export function simArns(sim: Simulator, target: Target): string[] {
  return sim.org
    .certificatesIn(target.accountId, target.region)
    .map((record) => record.certificate.arn)
    .sort();
}
