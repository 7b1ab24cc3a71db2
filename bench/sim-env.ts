/**
 * The AWS side of the benchmarks, seen from the product's side: a child process running the simulated organization
 * (with quotas and latency) and, when asked, a local DynamoDB. The product's own client factories reach it through
 * AWS_ENDPOINT_URL, as a deployment reaches a VPC endpoint; the hub's clients are made once.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { createOrganizationsClient, createStsClient } from '../lambdas/aws/clients';
import { type Quotas, SIM_HOME_REGION } from '../local/sim';
import type { Operation, ReplyMessage, Requests, StartReply } from './aws-protocol';
import { BENCH_SEED, type OrgShape } from './org';

export { BENCH_EXTERNAL_ID } from './org';

/**
 * Added to every simulated answer. 25 ms is the order of an in-region AWS API call (TLS kept alive) as seen from
 * Lambda; the scanner's paced calls stay quota-bound up to about concurrency / rate = 5 / 9 s ≈ 550 ms, so a
 * cross-region hub sees about the same scan time, while a one-call-at-a-time script slows with every millisecond.
 */
export const BENCH_LATENCY_MS = 25;

const ENDPOINT_VARIABLES = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'] as const;

export interface BenchSimOptions {
  shape: OrgShape;
  seed?: number;
  latencyMs?: number;
  quotas?: Partial<Quotas>;
  /** Also start a local DynamoDB next to the simulator. */
  dynamo?: boolean;
}

/** Requests to the child and their replies, matched by id; every waiter fails if the child exits. */
class Channel {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(readonly child: ChildProcess) {
    child.on('message', (message: ReplyMessage) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`AWS side: ${message.error}`));
    });
    const failAll = (error: Error) => {
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    child.on('error', failAll);
    child.on('exit', (code) => failAll(new Error(`the AWS side exited (code ${code})`)));
  }

  request<O extends Operation>(op: O, args: Requests[O][0]): Promise<Requests[O][1]> {
    const id = this.nextId++;
    return new Promise<Requests[O][1]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ id, op, args });
    });
  }
}

export class BenchSim {
  private readonly savedEnv: Record<string, string | undefined>;
  readonly sts: STSClient;
  readonly organizations: OrganizationsClient;
  /** The hub's client settings handed to the scanner (target clients take the target's region). */
  readonly clientConfig = { region: SIM_HOME_REGION };
  private closed = false;
  private simNow: string;

  private constructor(
    private readonly channel: Channel,
    readonly started: StartReply,
    readonly latencyMs: number,
  ) {
    this.simNow = started.now;
    this.savedEnv = Object.fromEntries(ENDPOINT_VARIABLES.map((name) => [name, process.env[name]]));
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: started.url,
      AWS_ACCESS_KEY_ID: started.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: started.credentials.secretAccessKey,
      AWS_REGION: SIM_HOME_REGION,
    });
    const hub = { region: SIM_HOME_REGION, credentials: started.credentials };
    this.sts = createStsClient(hub);
    this.organizations = createOrganizationsClient(hub);
  }

  /**
   * Starts the AWS side and points the SDK's endpoint resolution at it while it runs. One at a time: the endpoint is
   * process-wide, as in a Lambda. `close` restores the variables it changed.
   */
  static async start(options: BenchSimOptions): Promise<BenchSim> {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = fork(fileURLToPath(new URL('./aws-process.ts', import.meta.url)), [], {
      execArgv: ['--import', tsx],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const channel = new Channel(child);
    const latencyMs = options.latencyMs ?? BENCH_LATENCY_MS;
    try {
      const started = await channel.request('start', {
        shape: options.shape,
        seed: options.seed ?? BENCH_SEED,
        latencyMs,
        ...(options.quotas ? { quotas: options.quotas } : {}),
        dynamo: options.dynamo ?? false,
      });
      return new BenchSim(channel, started, latencyMs);
    } catch (error) {
      child.kill();
      throw error;
    }
  }

  get url(): string {
    return this.started.url;
  }

  get credentials(): { accessKeyId: string; secretAccessKey: string } {
    return this.started.credentials;
  }

  get dynamoEndpoint(): string {
    if (!this.started.dynamoEndpoint) throw new Error('started without DynamoDB');
    return this.started.dynamoEndpoint;
  }

  /** The simulation clock as the benchmark last moved it. */
  get now(): Date {
    return new Date(this.simNow);
  }

  async advanceDays(days: number): Promise<Date> {
    this.simNow = await this.request('advanceDays', { days });
    return this.now;
  }

  request<O extends Operation>(op: O, ...args: Requests[O][0] extends undefined ? [] : [Requests[O][0]]) {
    return this.channel.request(op, args[0] as Requests[O][0]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sts.destroy();
    this.organizations.destroy();
    const { child } = this.channel;
    const exited = new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
    await this.request('close').catch(() => undefined);
    await exited;
    for (const [name, value] of Object.entries(this.savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
