import { describe, expect, expectTypeOf, it } from 'vitest';
import type { FinalizeRunInput, ListTargetsOutput, ScanTargetInput } from '../../../infra/constructs/pipeline';
import {
  type FinalizeRunEvent,
  FinalizeRunEventSchema,
  InvalidEventError,
  parseEvent,
  type RunListing,
  type ScanTargetEvent,
  ScanTargetEventSchema,
  StartRunEventSchema,
} from '../../../lambdas/pipeline/contracts';

const listing = {
  runId: 'daily-20261201T0600Z',
  startedAt: '2026-12-01T06:00:00.123Z',
  bucket: 'work',
  key: 'runs/daily-20261201T0600Z/targets.json',
  targetCount: 3,
};

describe('pipeline payload contracts', () => {
  it('are the payloads the state machine construct declares', () => {
    expectTypeOf<RunListing>().toEqualTypeOf<ListTargetsOutput>();
    expectTypeOf<ScanTargetEvent>().toEqualTypeOf<ScanTargetInput>();
    expectTypeOf<FinalizeRunEvent>().toEqualTypeOf<FinalizeRunInput>();
  });

  it('read what Step Functions sends, dropping fields nobody asked for', () => {
    const event = {
      target: { accountId: '123456789012', accountName: 'payments-prod', region: 'eu-west-1', extra: 1 },
      runId: listing.runId,
      startedAt: listing.startedAt,
    };

    expect(parseEvent(ScanTargetEventSchema, event, 'ScanTarget')).toEqual({
      target: { accountId: '123456789012', accountName: 'payments-prod', region: 'eu-west-1' },
      runId: listing.runId,
      startedAt: listing.startedAt,
    });
    expect(parseEvent(FinalizeRunEventSchema, { ...listing, listing }, 'FinalizeRun').listing).toEqual(listing);
  });

  it('name the handler and every field at fault', () => {
    const read = () =>
      parseEvent(
        ScanTargetEventSchema,
        { target: { accountId: '1234', region: 'eu-west-1' }, runId: 'a/b', startedAt: 'yesterday' },
        'ScanTarget',
      );

    expect(read).toThrow(InvalidEventError);
    expect(read).toThrow(/^ScanTarget received an event it cannot read: /);
    expect(read).toThrow(/target\.accountId must be a 12-digit account id/);
    expect(read).toThrow(/runId must be an execution name/);
    expect(read).toThrow(/startedAt must be an ISO-8601 time/);
  });

  it('say what was expected where the contract has no message of its own', () => {
    const read = () =>
      parseEvent(FinalizeRunEventSchema, { runId: 'r', listing: { ...listing, targetCount: 1.5 } }, 'F');

    expect(read).toThrow(/startedAt Invalid input: expected string, received undefined/);
    expect(read).toThrow(/listing\.targetCount Invalid input: expected int, received number/);
  });

  it('refuse an event that is not an object at all', () => {
    expect(() => parseEvent(StartRunEventSchema, 'go', 'ListTargets')).toThrow(/ListTargets received an event/);
  });
});
