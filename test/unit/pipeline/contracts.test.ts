import { describe, expect, expectTypeOf, it } from 'vitest';
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
  accountCount: 3,
};

describe('pipeline payload contracts', () => {
  it('type the payload a child receives as one account of the work list', () => {
    expectTypeOf<ScanTargetEvent['account']>().toEqualTypeOf<{
      accountId: string;
      accountName?: string | undefined;
      skip?: Array<{ region: string; lastListedAt: string }> | undefined;
    }>();
    expectTypeOf<FinalizeRunEvent['listing']>().toEqualTypeOf<RunListing>();
  });

  it('read what Step Functions sends, dropping fields nobody asked for', () => {
    const event = {
      account: { accountId: '123456789012', accountName: 'payments-prod', extra: 1 },
      runId: listing.runId,
      startedAt: listing.startedAt,
    };

    expect(parseEvent(ScanTargetEventSchema, event, 'ScanTarget')).toEqual({
      account: { accountId: '123456789012', accountName: 'payments-prod' },
      runId: listing.runId,
      startedAt: listing.startedAt,
    });
    expect(parseEvent(FinalizeRunEventSchema, { ...listing, listing }, 'FinalizeRun').listing).toEqual(listing);
  });

  it('name the handler and every field at fault', () => {
    const read = () =>
      parseEvent(
        ScanTargetEventSchema,
        { account: { accountId: '1234' }, runId: 'a/b', startedAt: 'yesterday' },
        'ScanTarget',
      );

    expect(read).toThrow(InvalidEventError);
    expect(read).toThrow(/^ScanTarget received an event it cannot read: /);
    expect(read).toThrow(/account\.accountId must be a 12-digit AWS account id/);
    expect(read).toThrow(/runId must be an execution name/);
    expect(read).toThrow(/startedAt must be an ISO-8601 time/);
  });

  it('say what was expected where the contract has no message of its own', () => {
    const read = () =>
      parseEvent(FinalizeRunEventSchema, { runId: 'r', listing: { ...listing, accountCount: 1.5 } }, 'F');

    expect(read).toThrow(/startedAt Invalid input: expected string, received undefined/);
    expect(read).toThrow(/listing\.accountCount Invalid input: expected int, received number/);
  });

  it('refuse an event that is not an object at all', () => {
    expect(() => parseEvent(StartRunEventSchema, 'go', 'ListTargets')).toThrow(/ListTargets received an event/);
  });
});
