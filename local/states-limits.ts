/**
 * Step Functions' payload limit, enforced on a local execution. aws-local-stepfunctions has no limit of its own, so a
 * definition that fails in AWS with States.DataLimitExceeded would pass every local test: the Distributed Map that
 * gathered all its children's outputs into its result did exactly that (aws-cdk issue 24799). This watches an
 * execution's events and fails it as AWS does:
 * - every state's input and output is at most 256 KiB of UTF-8 JSON;
 * - a Map without a ResultWriter gathers its children's outputs into one result, which counts even when ResultPath
 *   discards it (the result exists before ResultPath applies); with a ResultWriter the outputs go to S3 and only a
 *   small descriptor remains;
 * - States.DataLimitExceeded is terminal: no Retry or Catch of the definition takes it.
 */

/** Step Functions' limit on a state's input, output and a Map's gathered result: 256 KiB of UTF-8 JSON. */
export const STATES_PAYLOAD_LIMIT = 256 * 1024;

/** The execution failed as AWS fails it when a payload passes STATES_PAYLOAD_LIMIT. */
export class StatesDataLimitExceededError extends Error {
  override readonly name = 'States.DataLimitExceeded';

  constructor(
    readonly state: string,
    readonly what: 'input' | 'output' | 'gathered result',
    readonly bytes: number,
  ) {
    super(
      `States.DataLimitExceeded: the ${what} of state ${state} is ${bytes} bytes, more than Step Functions' ` +
        `${STATES_PAYLOAD_LIMIT}`,
    );
  }
}

/** The events of aws-local-stepfunctions this reads (a subset of its EventLog). */
export interface StateEvent {
  type: string;
  index?: number;
  state?: { name: string; input?: unknown; output?: unknown };
}

interface StateDefinition {
  Type?: string;
  End?: boolean;
  ResultWriter?: unknown;
  ItemProcessor?: { States?: Record<string, StateDefinition> };
  Iterator?: { States?: Record<string, StateDefinition> };
}

function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');
}

export interface PayloadWatchOptions {
  /** What the local runner added to the state data that AWS would not hold (it is left out of the count). */
  strip?: (value: unknown) => unknown;
  /** Called once, when a payload first passes the limit: abort the execution here. */
  onExceeded: (error: StatesDataLimitExceededError) => void;
}

export class PayloadWatch {
  /** The first payload over the limit, once seen. */
  exceeded: StatesDataLimitExceededError | undefined;
  /** The largest input, output or gathered result seen, in bytes. */
  largestBytes = 0;
  /** For each top-level Map that gathers its children's outputs: the names of the states a child ends in. */
  private readonly gathering = new Map<string, Set<string>>();
  private readonly gathered = new Map<string, number>();

  constructor(
    definition: { States?: Record<string, StateDefinition> } | object,
    private readonly options: PayloadWatchOptions,
  ) {
    const states = (definition as { States?: Record<string, StateDefinition> }).States ?? {};
    for (const [name, state] of Object.entries(states)) {
      if (state.Type !== 'Map' || state.ResultWriter !== undefined) continue;
      const children = (state.ItemProcessor ?? state.Iterator)?.States ?? {};
      const ends = Object.entries(children)
        .filter(([, child]) => child.End === true || child.Type === 'Succeed')
        .map(([childName]) => childName);
      this.gathering.set(name, new Set(ends));
    }
  }

  observe(event: StateEvent): void {
    const state = event.state;
    if (!state) return;
    const strip = this.options.strip ?? ((value: unknown) => value);
    if (event.type === 'StateEntered') this.check(state.name, 'input', payloadBytes(strip(state.input)));
    if (event.type !== 'StateExited') return;
    this.check(state.name, 'output', payloadBytes(strip(state.output)));
    if (event.index === undefined) return;
    // A child ended: its output joins its Map's gathered result (a JSON array: brackets, a comma between items).
    for (const [map, ends] of this.gathering) {
      if (!ends.has(state.name)) continue;
      const bytes = (this.gathered.get(map) ?? 1) + payloadBytes(state.output) + 1;
      this.gathered.set(map, bytes);
      this.check(map, 'gathered result', bytes);
    }
  }

  private check(state: string, what: StatesDataLimitExceededError['what'], bytes: number): void {
    this.largestBytes = Math.max(this.largestBytes, bytes);
    if (bytes <= STATES_PAYLOAD_LIMIT || this.exceeded) return;
    this.exceeded = new StatesDataLimitExceededError(state, what, bytes);
    this.options.onExceeded(this.exceeded);
  }
}

/** What this needs of an aws-local-stepfunctions execution. */
export interface LocalExecution<T> {
  result: Promise<T>;
  eventLogs: AsyncIterable<unknown>;
  abort(): void;
}

/**
 * The execution's output, or its failure as AWS would report it: States.DataLimitExceeded when any payload passed
 * the limit, even where the local engine had already finished (its events can trail its result). Every event is
 * also handed to `onEvent`.
 */
export async function settleWithinLimits<T>(
  execution: LocalExecution<T>,
  definition: object,
  options: { strip?: (value: unknown) => unknown; onEvent?: (event: StateEvent) => void } = {},
): Promise<{ output: T; largestPayloadBytes: number }> {
  const watch = new PayloadWatch(definition, {
    ...(options.strip ? { strip: options.strip } : {}),
    onExceeded: () => execution.abort(),
  });
  const events = (async () => {
    for await (const event of execution.eventLogs) {
      watch.observe(event as StateEvent);
      options.onEvent?.(event as StateEvent);
    }
  })();
  let output: T;
  try {
    output = await execution.result;
  } catch (error) {
    await events;
    throw watch.exceeded ?? error;
  }
  await events;
  if (watch.exceeded) throw watch.exceeded;
  return { output, largestPayloadBytes: watch.largestBytes };
}
