/**
 * The AWS side of a benchmark, run as a child process (see aws-protocol.ts): the simulated organization with its
 * quotas and latency, and a local DynamoDB when asked. Answers the parent's requests over the IPC channel.
 */
import { type LocalDynamo, startDynalite } from '../local/dynalite';
import { type Simulator, startSimulator } from '../local/sim';
import type { Operation, ReplyMessage, RequestMessage, Requests, StartReply, TargetShape } from './aws-protocol';
import { benchScenario } from './org';

let sim: Simulator | undefined;
let dynamo: LocalDynamo | undefined;

function requireSim(): Simulator {
  if (!sim) throw new Error('the simulator is not started');
  return sim;
}

const handlers: { [O in Operation]: (args: Requests[O][0]) => Promise<Requests[O][1]> | Requests[O][1] } = {
  start: async (request): Promise<StartReply> => {
    if (sim) throw new Error('the simulator is already started');
    sim = await startSimulator({
      scenario: benchScenario(request.shape, request.seed),
      latencyMs: request.latencyMs,
      ...(request.quotas ? { quotas: request.quotas } : {}),
    });
    if (request.dynamo) dynamo = await startDynalite();
    return {
      url: sim.url,
      credentials: sim.credentials,
      ...(dynamo ? { dynamoEndpoint: dynamo.endpoint } : {}),
      now: sim.clock.toISOString(),
    };
  },
  counters: () => requireSim().counters.snapshot(),
  resetCounters: () => {
    requireSim().counters.reset();
    return null;
  },
  resetQuotas: () => {
    requireSim().quotas.reset();
    return null;
  },
  churn: ({ seed, fraction, newCertificateShare }) =>
    requireSim().org.churn(seed, { fraction, ...(newCertificateShare !== undefined ? { newCertificateShare } : {}) }),
  advanceDays: ({ days }) => requireSim().clock.advanceDays(days).toISOString(),
  targets: () => {
    const { org } = requireSim();
    const out: TargetShape[] = [];
    for (const account of org.accounts()) {
      for (const region of account.enabledRegions) {
        out.push({
          accountId: account.id,
          region: region.name,
          certificates: org.certificatesIn(account.id, region.name).length,
          taggingDenied: account.taggingApiDenied,
        });
      }
    }
    return out;
  },
  cpuSeconds: () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1e6;
  },
  close: async () => {
    await sim?.close();
    await dynamo?.close();
    sim = undefined;
    dynamo = undefined;
    return null;
  },
};

process.on('message', (message: RequestMessage) => {
  const handler = handlers[message.op] as (args: unknown) => unknown;
  Promise.resolve()
    .then(() => handler(message.args))
    .then(
      (value) => reply({ id: message.id, ok: true, value }),
      (error: unknown) =>
        reply({
          id: message.id,
          ok: false,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
    )
    .then(() => {
      if (message.op === 'close') process.disconnect();
    });
});

function reply(message: ReplyMessage): Promise<void> {
  return new Promise((resolve) => process.send?.(message, undefined, {}, () => resolve()));
}

// The parent going away ends the child too (a crashed benchmark must not leave servers behind).
process.on('disconnect', () => process.exit(0));
