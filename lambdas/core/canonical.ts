/**
 * Plain data compared and stored as JSON carries it. DynamoDB maps keep no key order and cannot hold `undefined`,
 * so the stores keep values in their JSON form, and the stores and the alert planner compare them by a key-sorted
 * serialisation: a state read back compares equal to the one that was written.
 */

/** The value as JSON would carry it: `undefined` members dropped, nothing but plain data left. */
export function toPlain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A serialisation equal for equal data whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) sorted[key] = sortKeys(member);
    }
    return sorted;
  }
  return value;
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
