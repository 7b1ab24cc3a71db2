/**
 * The simulation's business clock. Certificate expiry, renewal dates and session expiry read this clock,
 * never the wall clock, so a test or the demo can move days ahead in an instant.
 */
export class SimClock {
  private ms: number;

  constructor(startIso: string) {
    const ms = Date.parse(startIso);
    if (Number.isNaN(ms)) throw new RangeError(`SimClock: not an ISO-8601 date: ${JSON.stringify(startIso)}`);
    this.ms = ms;
  }

  now(): Date {
    return new Date(this.ms);
  }

  nowMs(): number {
    return this.ms;
  }

  toISOString(): string {
    return new Date(this.ms).toISOString();
  }

  advanceMs(ms: number): Date {
    if (!Number.isFinite(ms)) throw new RangeError(`SimClock: cannot advance by ${ms} ms`);
    this.ms += ms;
    return this.now();
  }

  advanceDays(days: number): Date {
    return this.advanceMs(days * DAY_MS);
  }

  /** Moves the clock to a given instant (forwards or backwards). */
  set(iso: string): Date {
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) throw new RangeError(`SimClock: not an ISO-8601 date: ${JSON.stringify(iso)}`);
    this.ms = ms;
    return this.now();
  }
}

export const DAY_MS = 86_400_000;

/** The clock's start when neither the scenario nor the caller names one (fixed, so generated data is reproducible). */
export const DEFAULT_SIM_START = '2026-12-01T00:00:00.000Z';
