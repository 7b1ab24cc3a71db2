import { describe, expect, it } from 'vitest';
import type { HeartbeatNotice } from '../../../../lambdas/core/notices';
import { renderHeartbeat, renderPlainText } from '../../../../lambdas/core/slack';
import { expectWithinSlackLimits } from './limits';

const base: HeartbeatNotice = {
  stage: 'stale',
  now: '2026-01-07T10:00:00.000Z',
  lastCompletedAt: '2026-01-05T06:30:00.000Z',
  periodHours: 24,
  graceHours: 2,
};

describe('renderHeartbeat', () => {
  it('says the monitor stopped, since when, and that silence is not "all fine"', () => {
    const message = renderHeartbeat(base);
    const text = renderPlainText(message);

    expectWithinSlackLimits(message);
    expect(text).toContain('Certificate monitor has stopped');
    expect(text).toContain('No run has completed since 2026-01-05 06:30 UTC (2 days and 3 hours ago)');
    expect(text).toContain('every 24 h (+2 h grace)');
    expect(text).toContain('silence here does not mean certificates are fine');
    expect(message.text).toContain('No run has completed since 2026-01-05 06:30 UTC');
  });

  it('says when no run ever completed', () => {
    const { lastCompletedAt: _, ...never } = base;

    expect(renderPlainText(renderHeartbeat(never))).toContain('No run of the monitor has ever completed.');
  });

  it('reminds while the monitor is still stopped', () => {
    const text = renderPlainText(renderHeartbeat({ ...base, stage: 'reminder' }));

    expect(text).toContain('Reminder: certificate monitor still stopped');
    expect(text).toContain('What to check');
  });

  it('announces recovery with the completed run', () => {
    const message = renderHeartbeat({ ...base, stage: 'recovered', lastCompletedAt: '2026-01-07T09:55:00.000Z' });

    expect(message.text).toBe('✅ Certificate monitor is running again.');
    expect(renderPlainText(message)).toContain('A run completed at 2026-01-07 09:55 UTC');
  });
});
