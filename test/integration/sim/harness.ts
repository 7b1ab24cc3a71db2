/** Starts the simulator on the fixture organization and builds real SDK clients against it. */
import { AccountClient } from '@aws-sdk/client-account';
import { ACMClient } from '@aws-sdk/client-acm';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import {
  parseScenario,
  type SimCredentials,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from '../../../local/sim';
import { EXTERNAL_ID, fixtureScenario, MEMBER } from '../../unit/sim/fixture';

export interface Harness {
  sim: Simulator;
  lines: string[];
}

export async function startFixture(options: Partial<SimulatorOptions> = {}): Promise<Harness> {
  const lines: string[] = [];
  const sim = await startSimulator({
    scenario: parseScenario(fixtureScenario()),
    log: (line) => lines.push(line),
    ...options,
  });
  return { sim, lines };
}

export interface ClientOptions {
  region?: string;
  credentials?: SimCredentials;
  maxAttempts?: number;
}

function config(sim: Simulator, options: ClientOptions) {
  return {
    endpoint: sim.url,
    region: options.region ?? 'us-east-1',
    credentials: options.credentials ?? sim.credentials,
    maxAttempts: options.maxAttempts ?? 1,
  };
}

export const clients = {
  acm: (sim: Simulator, options: ClientOptions = {}) => new ACMClient(config(sim, options)),
  sts: (sim: Simulator, options: ClientOptions = {}) => new STSClient(config(sim, options)),
  organizations: (sim: Simulator, options: ClientOptions = {}) => new OrganizationsClient(config(sim, options)),
  account: (sim: Simulator, options: ClientOptions = {}) => new AccountClient(config(sim, options)),
  tagging: (sim: Simulator, options: ClientOptions = {}) => new ResourceGroupsTaggingAPIClient(config(sim, options)),
};

/** Session credentials of the audit role in an account (the member's role requires the ExternalId). */
export async function assumeAudit(sim: Simulator, accountId = MEMBER): Promise<SimCredentials> {
  const answer = await clients.sts(sim).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${accountId}:role/CertAuditReadOnly`,
      RoleSessionName: 'cert-monitor-test',
      ExternalId: accountId === MEMBER ? EXTERNAL_ID : undefined,
    }),
  );
  const credentials = answer.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey) throw new Error('AssumeRole gave no credentials');
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
  };
}
