/**
 * Runs the real pipeline on loopback: the state machine's own definition executed by aws-local-stepfunctions with
 * every Task state bound to the real handler of its Lambda (lambda-runtime.ts), on a hub deployed by deploy.ts.
 *
 * What the local engine cannot do is bridged here, and only here:
 * - it does not read a Distributed Map's ItemReader: the ListTargets binding reads the work list the real handler
 *   wrote to the simulated S3 and hands it to the Map through ItemsPath (the FinalizeRun binding strips it again);
 * - it has no payload limit: states-limits.ts checks every state's input and output against Step Functions' 256 KiB
 *   (the bridged work list left out), and the result a Distributed Map without a ResultWriter gathers from its
 *   children; past the limit the execution fails with States.DataLimitExceeded, as in AWS;
 * - it applies the States Language's 60-second default to Task states without TimeoutSeconds, where AWS lets the
 *   Lambda's own timeout decide: each Task gets its function's Timeout from the template;
 * - the Lambdas run at simulated AWS time (lambda-runtime.ts's useSimulatedTime).
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { WorkItem } from '../../lambdas/pipeline/contracts';
import type { LocalDynamo } from '../dynalite';
import type { Simulator } from '../sim';
import type { SlackReceiver } from '../slack-receiver';
import { settleWithinLimits } from '../states-limits';
import '../with-resolvers';
import {
  type DeployOptions,
  deployedFunction,
  deployHub,
  type FunctionName,
  type Json,
  type JsonObject,
  type LocalHub,
  receiverWebhooks,
  setSlackWebhooks,
  type TaskName,
} from './deploy';
import { type Handler, lambdaContext, loadHandler, useSimulatedTime } from './lambda-runtime';

export interface PipelineHooks {
  /** Before a Task state's handler runs; throwing fails that invocation, as a crashing Lambda would. */
  beforeTask?(state: TaskName, input: unknown): void | Promise<void>;
  /** After a Task state's handler returned; throwing fails the invocation after its work was done. */
  afterTask?(state: TaskName, input: unknown, output: unknown): void | Promise<void>;
}

export interface RunPipelineOptions {
  sim: Simulator;
  dynamo: LocalDynamo;
  /** When given, its `/digest` and `/alerts` paths are stored in the Slack secret before the run. */
  slack?: SlackReceiver;
  /** The execution's name, which is the run id. */
  runId: string;
  /** The simulated time the execution starts at. @default the simulator's clock */
  now?: Date;
  /** A hub deployed before; by default one is deployed on first use and reused for this simulator. */
  hub?: LocalHub;
  hooks?: PipelineHooks;
  /** Passed to deployHub the first time. */
  deploy?: Omit<DeployOptions, 'sim' | 'dynamo'>;
}

export interface PipelineRun {
  runId: string;
  /** `$$.Execution.StartTime` as the engine stamped it (simulated time). */
  startedAt: string;
  /** The execution's output: its input with `listing` and FinalizeRun's `summary`. */
  output: JsonObject;
  /** The work list ListTargets wrote: one item per account. */
  accounts: WorkItem[];
  /** Children whose ScanTarget threw after its retries and ended in the ScanFailed Pass state. */
  failedChildren: Array<{ account: WorkItem; error: string }>;
  /** The largest state input or output of the execution, in bytes (Step Functions allows STATES_PAYLOAD_LIMIT). */
  largestPayloadBytes: number;
  /** Retries by state name (after a Lambda service error). */
  retries: Record<string, number>;
  /** Wall-clock duration of the execution. */
  durationMs: number;
  hub: LocalHub;
}

/** The state data as AWS holds it: without the work list the local bridge adds at `listing.items`. */
function withoutBridge(value: unknown): unknown {
  const listing = (value as { listing?: { items?: unknown } } | null)?.listing;
  if (listing === undefined || listing === null || typeof listing !== 'object' || !('items' in listing)) return value;
  const { items: _items, ...rest } = listing;
  return { ...(value as object), listing: rest };
}

/** The Map state as the local engine can run it: items through ItemsPath, no Distributed-only fields. */
function localDefinition(hub: LocalHub): JsonObject {
  const definition = structuredClone(hub.definition) as JsonObject & { States: Record<string, JsonObject> };
  for (const state of Object.values(definition.States)) {
    if (state.Type === 'Map' && state.ItemReader !== undefined) {
      const {
        ItemReader: _reader,
        ResultWriter: _writer,
        ToleratedFailurePercentage: _tolerated,
        Label: _label,
        ...rest
      } = state;
      const processor = { ...(rest.ItemProcessor as JsonObject) };
      delete processor.ProcessorConfig;
      for (const key of Object.keys(state)) delete state[key];
      Object.assign(state, rest, { ItemProcessor: processor, ItemsPath: '$.listing.items' });
    }
  }
  const timeouts = (states: Record<string, JsonObject>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Task' && state.TimeoutSeconds === undefined && name in hub.functions) {
        state.TimeoutSeconds = deployedFunction(hub, name as FunctionName).timeoutSeconds;
      }
      const processor = state.ItemProcessor as { States?: Record<string, JsonObject> } | undefined;
      if (processor?.States) timeouts(processor.States);
    }
  };
  timeouts(definition.States);
  return definition;
}

async function readWorkList(sim: Simulator, hub: LocalHub, bucket: string, key: string): Promise<WorkItem[]> {
  const s3 = new S3Client({ region: hub.region, endpoint: sim.url, credentials: sim.credentials });
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(
      await (object.Body as { transformToString(): Promise<string> }).transformToString(),
    ) as WorkItem[];
  } finally {
    s3.destroy();
  }
}

const deployed = new WeakMap<Simulator, Promise<LocalHub>>();

export async function runPipeline(options: RunPipelineOptions): Promise<PipelineRun> {
  const { sim, runId } = options;
  let hub = options.hub;
  if (!hub) {
    let pending = deployed.get(sim);
    if (!pending) {
      pending = deployHub({ sim, dynamo: options.dynamo, ...options.deploy });
      deployed.set(sim, pending);
    }
    hub = await pending;
  }
  const localHub = hub;
  if (options.slack) await setSlackWebhooks(sim, localHub, receiverWebhooks(options.slack));
  // One at a time: each import reads process.env as loadHandler sets it for that function alone.
  const listTargets = await loadHandler(localHub, 'ListTargets');
  const scanTarget = await loadHandler(localHub, 'ScanTarget');
  const finalizeRun = await loadHandler(localHub, 'FinalizeRun');

  let accounts: WorkItem[] = [];
  const bind =
    (
      state: TaskName,
      handler: Handler,
      shape?: { input?: (input: Json) => Json; output?: (output: Json) => Promise<Json> },
    ) =>
    async (input: Json): Promise<Json> => {
      const event = shape?.input ? shape.input(input) : input;
      await options.hooks?.beforeTask?.(state, event);
      const output = (await handler(structuredClone(event), lambdaContext(localHub, state))) as Json;
      await options.hooks?.afterTask?.(state, event, output);
      return shape?.output ? shape.output(output) : output;
    };

  const { StateMachine } = await import('aws-local-stepfunctions');
  const machine = new StateMachine(localDefinition(localHub) as never, {
    validationOptions: { checkArn: false },
  });
  const startedAt = options.now ?? sim.clock.now();
  const restoreTime = useSimulatedTime(startedAt.getTime());
  const clock = performance.now();
  try {
    const execution = machine.run(
      {},
      {
        // The engine stamps Execution.StartTime itself from `Date`, which follows the simulated clock here.
        context: { Execution: { Name: runId, StartTime: startedAt.toISOString() } },
        overrides: {
          taskResourceLocalHandlers: {
            ListTargets: bind('ListTargets', listTargets, {
              output: async (listing) => {
                const { bucket, key } = listing as { bucket: string; key: string };
                accounts = await readWorkList(sim, localHub, bucket, key);
                return { ...(listing as JsonObject), items: accounts as unknown as Json };
              },
            }),
            ScanTarget: bind('ScanTarget', scanTarget),
            FinalizeRun: bind('FinalizeRun', finalizeRun, {
              // The real payload: the listing as ListTargets returned it, without the items added above.
              input: (input) => {
                const event = structuredClone(input) as { listing?: JsonObject };
                if (event.listing) delete event.listing.items;
                return event as Json;
              },
            }),
          },
          // Lambda-service retries wait seconds in AWS; locally they only need to happen.
          retryIntervalOverrides: { ListTargets: 10, ScanTarget: 10, FinalizeRun: 10 },
        },
      },
    );
    const failedChildren: PipelineRun['failedChildren'] = [];
    const retries: Record<string, number> = {};
    const settled = await settleWithinLimits(execution, localHub.definition, {
      strip: withoutBridge,
      onEvent: (event) => {
        const state = event.state;
        if (!state) return;
        if (event.type === 'StateRetried') retries[state.name] = (retries[state.name] ?? 0) + 1;
        if (event.type === 'StateExited' && state.name === 'ScanFailed') {
          const output = state.output as { account: WorkItem; error?: { Error?: string; Cause?: string } };
          failedChildren.push({ account: output.account, error: `${output.error?.Error}: ${output.error?.Cause}` });
        }
      },
    });
    const output = settled.output as JsonObject;
    const result = structuredClone(output) as JsonObject & { listing?: JsonObject };
    if (result.listing) delete result.listing.items;
    return {
      runId,
      startedAt: typeof result.listing?.startedAt === 'string' ? result.listing.startedAt : startedAt.toISOString(),
      output: result,
      accounts,
      failedChildren,
      retries,
      largestPayloadBytes: settled.largestPayloadBytes,
      durationMs: Math.round(performance.now() - clock),
      hub: localHub,
    };
  } finally {
    restoreTime();
  }
}
