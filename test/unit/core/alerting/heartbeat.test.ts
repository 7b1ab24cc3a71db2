import { describe, expect, it } from 'vitest';
import { decideHeartbeat, type HeartbeatState } from '../../../../lambdas/core/alerting/heartbeat';

const HOUR_MS = 3_600_000;
const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (hours: number) => new Date(T0 + hours * HOUR_MS);
const iso = (hours: number) => at(hours).toISOString();
const schedule = { periodHours: 24, graceHours: 2 };

/** Calls the heartbeat every hour from `from` to `to`, the way the hourly schedule does; returns what it said when. */
function hourly(
  from: number,
  to: number,
  lastCompletedAt: (hour: number) => string | undefined,
  start?: HeartbeatState,
) {
  let state = start;
  const said: string[] = [];
  for (let h = from; h <= to; h++) {
    const completed = lastCompletedAt(h);
    const decision = decideHeartbeat({
      now: at(h),
      ...schedule,
      ...(completed === undefined ? {} : { lastCompletedAt: completed }),
      ...(state === undefined ? {} : { state }),
    });
    if (decision.notice !== undefined) said.push(`${h} ${decision.notice.stage}`);
    state = decision.state;
  }
  return { said, state };
}

describe('decideHeartbeat', () => {
  it('says nothing while runs complete on time', () => {
    const daily = (h: number) => iso(Math.floor(h / 24) * 24);

    expect(hourly(0, 24 * 5, daily).said).toEqual([]);
  });

  it('alerts once when the run is late, reminds a day later, and says recovered once when a run completes', () => {
    // Runs complete daily at hour 0 until hour 48, then nothing until hour 100, then daily again.
    const completed = (h: number) =>
      h >= 100 ? iso(100 + Math.floor((h - 100) / 24) * 24) : iso(Math.min(48, Math.floor(h / 24) * 24));

    const { said, state } = hourly(0, 130, completed);

    // Stale strictly after 26 h without a completed run: 48 + 26 = 74 is still on time, 75 is late.
    expect(said).toEqual(['75 stale', '99 reminder', '100 recovered']);
    expect(state?.stale).toBe(false);
    expect(state?.pending.map((n) => n.stage)).toEqual(['stale', 'reminder', 'recovered']);
  });

  it('reminds every 24 hours while the monitor stays silent', () => {
    const { said } = hourly(0, 100, () => iso(0));

    expect(said).toEqual(['27 stale', '51 reminder', '75 reminder', '99 reminder']);
  });

  it('treats a monitor that never completed a run as stale once period + grace passed since it was first seen', () => {
    const { said, state } = hourly(0, 30, () => undefined);

    expect(said).toEqual(['27 stale']);
    expect(state?.firstSeenAt).toBe(iso(0));
  });

  it('carries the timing in its notice so the message can say how late', () => {
    const decision = decideHeartbeat({ now: at(30), lastCompletedAt: iso(0), ...schedule });

    expect(decision.notice).toEqual({
      id: `stale#${iso(30)}`,
      stage: 'stale',
      now: iso(30),
      lastCompletedAt: iso(0),
      periodHours: 24,
      graceHours: 2,
    });
  });

  it('keeps only the newest of several undelivered reminders', () => {
    const { state } = hourly(0, 80, () => iso(0));

    expect(state?.pending.map((n) => n.id)).toEqual([`stale#${iso(27)}`, `reminder#${iso(75)}`]);
  });

  it('returns the very same state object when nothing changes, so callers can skip the write', () => {
    const state: HeartbeatState = { firstSeenAt: iso(0), stale: false, pending: [], version: 3 };

    expect(decideHeartbeat({ now: at(5), lastCompletedAt: iso(1), ...schedule, state }).state).toBe(state);
  });
});
