/**
 * Counts the AWS calls made for one target, by `Service.Operation`, for TargetResult.apiCalls. Its own file so the
 * client factories (which install it) and the role credentials (which add AssumeRole to it) both depend on it rather
 * than on each other.
 */

/** HTTP attempts by `Service.Operation` and how many of them were throttled. */
export class CallCounter {
  readonly calls: Record<string, number> = {};
  readonly throttled: Record<string, number> = {};

  record(operation: string, throttled: boolean): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + 1;
    if (throttled) this.throttled[operation] = (this.throttled[operation] ?? 0) + 1;
  }

  /** Adds calls made elsewhere (e.g. an AssumeRole answered for this target by a shared client). */
  add(operation: string, count = 1): void {
    this.calls[operation] = (this.calls[operation] ?? 0) + count;
  }

  get total(): number {
    return sum(this.calls);
  }

  get throttles(): number {
    return sum(this.throttled);
  }

  /** `{ 'ACM.ListCertificates': 3, ... }` for TargetResult.apiCalls, keys sorted for stable output. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.calls).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function sum(record: Record<string, number>): number {
  return Object.values(record).reduce((total, n) => total + n, 0);
}
