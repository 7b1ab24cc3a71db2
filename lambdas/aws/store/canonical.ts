/**
 * Plain-data helpers for items. DynamoDB maps cannot hold `undefined`, so values are stored as their JSON form (and
 * compared by core/canonical.ts's key-sorted serialisation, as DynamoDB keeps no key order).
 */

/** The value as JSON would carry it: `undefined` members dropped, nothing but plain data left. */
export function toPlain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
