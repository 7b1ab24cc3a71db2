/**
 * The payload limit the local runner enforces, on small state machines run by aws-local-stepfunctions: a Map whose
 * children's outputs add up past 256 KiB fails as in AWS, even when its ResultPath discards them; with a ResultWriter
 * (the children's outputs sent to S3) it does not.
 */
import { describe, expect, it } from 'vitest';
import {
  PayloadWatch,
  STATES_PAYLOAD_LIMIT,
  StatesDataLimitExceededError,
  settleWithinLimits,
} from '../../../local/states-limits';
import '../../../local/with-resolvers';

/** A child output of about 200 bytes, like a scan summary. */
const SUMMARY = { runId: 'daily-20261201', accountId: '123456789012', note: 'x'.repeat(150) };

function mapDefinition(options: { resultWriter: boolean }) {
  return {
    StartAt: 'Scan',
    States: {
      Scan: {
        Type: 'Map',
        ItemsPath: '$.items',
        ResultPath: null,
        ...(options.resultWriter
          ? { ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'p' } } }
          : {}),
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Child',
          States: { Child: { Type: 'Pass', Result: SUMMARY, End: true } },
        },
        End: true,
      },
    },
  };
}

async function run(definition: ReturnType<typeof mapDefinition>, items: number) {
  const { StateMachine } = await import('aws-local-stepfunctions');
  // The engine is given the Map without its ResultWriter (it cannot write to S3); the watch reads the real one.
  const { ResultWriter: _writer, ...engineMap } = definition.States.Scan as Record<string, unknown>;
  const machine = new StateMachine({ ...definition, States: { Scan: engineMap } } as never, {
    validationOptions: { checkArn: false },
  });
  const execution = machine.run({ items: Array.from({ length: items }, (_, i) => i) });
  return settleWithinLimits(execution, definition);
}

describe('the local payload limit', () => {
  it("fails a Map that gathers more than 256 KiB of its children's outputs, although ResultPath discards them", async () => {
    const failure = await run(mapDefinition({ resultWriter: false }), 2000).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(StatesDataLimitExceededError);
    expect(failure).toMatchObject({ name: 'States.DataLimitExceeded', state: 'Scan', what: 'gathered result' });
    expect((failure as StatesDataLimitExceededError).bytes).toBeGreaterThan(STATES_PAYLOAD_LIMIT);
  });

  it('lets the same Map through when a ResultWriter sends the outputs to S3', async () => {
    const { largestPayloadBytes } = await run(mapDefinition({ resultWriter: true }), 2000);

    expect(largestPayloadBytes).toBeGreaterThan(0);
    expect(largestPayloadBytes).toBeLessThan(STATES_PAYLOAD_LIMIT);
  });

  it('fails a state whose own input is over the limit, and counts it with what the runner strips left out', () => {
    const aborted: string[] = [];
    const items = Array.from({ length: 30_000 }, (_, i) => `item-${i}`);
    const strip = (value: unknown) => ({ ...(value as object), items: [] });

    const stripped = new PayloadWatch({ States: {} }, { strip, onExceeded: (e) => aborted.push(e.state) });
    stripped.observe({ type: 'StateEntered', state: { name: 'FinalizeRun', input: { items } } });
    const counted = new PayloadWatch({ States: {} }, { onExceeded: (e) => aborted.push(e.state) });
    counted.observe({ type: 'StateEntered', state: { name: 'FinalizeRun', input: { items } } });

    expect(stripped.exceeded).toBeUndefined();
    expect(counted.exceeded).toMatchObject({ state: 'FinalizeRun', what: 'input' });
    expect(aborted).toEqual(['FinalizeRun']);
  });
});
