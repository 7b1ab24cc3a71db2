/**
 * The Lambda runtime on loopback: each real handler imported (cold-started) with exactly the environment the
 * template gives its function, a context whose remaining time counts down from the function's timeout, and `Date`
 * following the simulator's clock while a handler runs, so scans, reports and alerts are dated on the simulated day
 * the way they would be in AWS.
 *
 * The handler modules read their configuration once, when first imported (a cold start), so a process serves one
 * simulator: start one per process (a test file or the demo).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { OrganizationEvent } from '../../lambdas/core/events/classify';
import type { EventsSummary } from '../../lambdas/handlers/events';
import { toSqsEvent } from '../event-bus';
import type { Simulator } from '../sim';
import { deployedFunction, FUNCTIONS, type FunctionName, type LocalHub } from './deploy';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

const handlers = new Map<FunctionName, Handler>();

/** The real handler of a function, imported (cold-started) with exactly the environment the template gives it. */
export async function loadHandler(hub: LocalHub, name: FunctionName): Promise<Handler> {
  const loaded = handlers.get(name);
  if (loaded) return loaded;
  Object.assign(process.env, hub.processEnvironment);
  const own = deployedFunction(hub, name).environment;
  const saved = new Map(Object.keys(own).map((key) => [key, process.env[key]]));
  Object.assign(process.env, own);
  try {
    const module = (await import(`../../lambdas/handlers/${FUNCTIONS[name]}.ts`)) as { handler: Handler };
    handlers.set(name, module.handler);
    return module.handler;
  } finally {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** A Lambda context whose remaining time counts down from the function's timeout. */
export function lambdaContext(hub: LocalHub, name: FunctionName): Context {
  const fn = deployedFunction(hub, name);
  const deadline = performance.now() + fn.timeoutSeconds * 1000;
  const functionName = `${hub.stackName}-${fn.logicalId}`;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${hub.region}:${hub.accountId}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, Math.round(deadline - performance.now())),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Makes `Date` (and `Date.now`) read `startMs` plus the real time elapsed since, until the returned function is
 * called. Dates created before keep working (`instanceof Date` still holds for them).
 */
export function useSimulatedTime(startMs: number): () => void {
  const RealDate = Date;
  const realStart = RealDate.now();
  const now = () => startMs + (RealDate.now() - realStart);
  class SimulatedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [string | number | Date]));
    }

    static override now(): number {
      return now();
    }

    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof RealDate;
    }
  }
  globalThis.Date = SimulatedDate as DateConstructor;
  return () => {
    globalThis.Date = RealDate;
  };
}

/** One invocation of the Heartbeat Lambda at a simulated time (EventBridge Scheduler calls it hourly in AWS). */
export async function invokeHeartbeat(options: { sim: Simulator; hub: LocalHub; now?: Date }): Promise<unknown> {
  const handler = await loadHandler(options.hub, 'Heartbeat');
  const restoreTime = useSimulatedTime((options.now ?? options.sim.clock.now()).getTime());
  try {
    return await handler({}, lambdaContext(options.hub, 'Heartbeat'));
  } finally {
    restoreTime();
  }
}

/**
 * One invocation of the Events Lambda at a simulated time, with a batch as its queue's event source mapping hands it
 * over (each event the body of an SQS message). The hub must have been deployed with the event path on.
 */
export async function invokeEvents(options: {
  sim: Simulator;
  hub: LocalHub;
  batch: readonly OrganizationEvent[];
  now?: Date;
}): Promise<EventsSummary> {
  const handler = await loadHandler(options.hub, 'Events');
  const queueArn = options.hub.eventQueueArn ?? `arn:aws:sqs:${options.hub.region}:${options.hub.accountId}:events`;
  const restoreTime = useSimulatedTime((options.now ?? options.sim.clock.now()).getTime());
  try {
    const output = (await handler(toSqsEvent(options.batch, queueArn), lambdaContext(options.hub, 'Events'))) as {
      summary: EventsSummary;
    };
    return output.summary;
  } finally {
    restoreTime();
  }
}
