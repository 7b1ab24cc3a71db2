import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoStateStore } from '../../../../lambdas/aws/state-store';
import { StateStoreError } from '../../../../lambdas/aws/store/errors';
import { changeSks, expiresAtEpoch, historySk, isoInstant } from '../../../../lambdas/aws/store/keys';
import { canonicalJson, toPlain } from '../../../../lambdas/core/canonical';
import type { Change } from '../../../../lambdas/core/model';

const ARN = 'arn:aws:acm:eu-west-1:111122223333:certificate/abc';

function change(type: Change['type'], extra: Partial<Change> = {}): Change {
  return {
    type,
    accountId: '111122223333',
    region: 'eu-west-1',
    arn: ARN,
    domainName: 'a.example.com',
    summary: 's',
    ...extra,
  };
}

describe('changeSks', () => {
  it('gives the same keys for the same changes, told apart by type, threshold and repetition', () => {
    // Prepare
    const changes = [
      change('RENEWED'),
      change('THRESHOLD_CROSSED', { threshold: 14 }),
      change('THRESHOLD_CROSSED', { threshold: 7 }),
      change('TAGS_CHANGED'),
      change('TAGS_CHANGED'),
    ];
    // Act
    const keys = changeSks('111122223333', 'eu-west-1', changes);
    // Assess
    const prefix = `CHANGE#111122223333#eu-west-1#${ARN}#`;
    expect(keys).toEqual([
      `${prefix}RENEWED`,
      `${prefix}THRESHOLD_CROSSED#14`,
      `${prefix}THRESHOLD_CROSSED#7`,
      `${prefix}TAGS_CHANGED`,
      `${prefix}TAGS_CHANGED#2`,
    ]);
    expect(changeSks('111122223333', 'eu-west-1', changes)).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('time keys', () => {
  it('puts the TTL historyDays after the scan, in epoch seconds', () => {
    expect(expiresAtEpoch('2026-11-27T06:00:00.500Z', 90)).toBe(Date.parse('2027-02-25T06:00:00Z') / 1000);
    expect(() => expiresAtEpoch('yesterday', 90)).toThrow(RangeError);
  });

  it('keys history by run alone, so a retried scan starting later finds its entry', () => {
    expect(historySk('run-1')).toBe('RUN#run-1');
  });

  it('leaves a value that is not a time unchanged', () => {
    expect(isoInstant('not a time')).toBe('not a time');
    expect(isoInstant('2026-11-27T06:00:00Z')).toBe('2026-11-27T06:00:00.000Z');
  });
});

describe('canonicalJson', () => {
  it('is the same for the same data whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reversed = JSON.parse(JSON.stringify(value), (_key, member: unknown) =>
          member !== null && typeof member === 'object' && !Array.isArray(member)
            ? Object.fromEntries(Object.entries(member).reverse())
            : member,
        );
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
    );
  });

  it('tells apart different data, array order included, and ignores undefined members', () => {
    expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(toPlain({ a: 1, b: undefined, c: [undefined] })).toEqual({ a: 1, c: [null] });
  });
});

describe('StateStoreError', () => {
  it('says how to create a missing table', () => {
    const error = StateStoreError.from(
      'latestCompletedRun',
      'cert-monitor-state',
      Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' }),
    );
    expect(error).toMatchObject({
      operation: 'latestCompletedRun',
      tableMissing: true,
      code: 'ResourceNotFoundException',
    });
    expect(error.message).toBe(
      'table cert-monitor-state not found: create it with `npx cdk deploy` (the hub stack owns it) or pass --state-table cert-monitor-state to let the CLI create it',
    );
  });

  it('names the operation, table and AWS error code of any other failure', () => {
    const cause = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    const error = StateStoreError.from('saveTargetScan', 'state', cause);
    expect(error.message).toBe('saveTargetScan on table state failed: AccessDeniedException: User is not authorized');
    expect(error).toMatchObject({ tableMissing: false, cause });
    expect(StateStoreError.from('other', 'state', error)).toBe(error);
  });
});

describe('DynamoStateStore options', () => {
  it('refuses a history length that is not a positive number of days', () => {
    const base = { client: {} as never, tableName: 'state', needsAttention: () => false };
    expect(() => new DynamoStateStore({ ...base, historyDays: 0 })).toThrow(/historyDays/);
    expect(() => new DynamoStateStore({ ...base, historyDays: Number.NaN })).toThrow(/historyDays/);
    expect(() => new DynamoStateStore({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => new DynamoStateStore({ ...base, tableName: ' ' })).toThrow(/tableName/);
  });
});
