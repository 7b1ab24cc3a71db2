/**
 * The machinery of bench p8 on a small report: it opens the page in Chromium, measures every action, and reports
 * figures that add up. Timings are the machine's and are not asserted.
 */
import { describe, expect, it } from 'vitest';
import { runP8 } from '../../bench/report-filter';

describe('bench p8 (report filtering in Chromium)', () => {
  it('measures every click and keystroke on the report and orders its figures', async () => {
    const result = await runP8({ certificates: 300 });

    expect(result.certificates).toBe(300);
    expect(result.actions).toBe(3 * 36);
    expect(result.browser).toMatch(/^\d+\./);
    expect(result.medianMs).toBeGreaterThan(0);
    expect(result.medianMs).toBeLessThanOrEqual(result.p95Ms);
    expect(result.p95Ms).toBeLessThanOrEqual(result.worstMs);
    expect(result.htmlBytes).toBeGreaterThan(100_000);
  });
});
