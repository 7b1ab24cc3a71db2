/**
 * `npm run test:browser`: the report opened in Debian's headless Chromium (test/browser). Apart from `npm test`
 * because it needs the chromium package and a few seconds per launch; .ci/run runs both.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Chromium at a time: the machines have two cores.
    fileParallelism: false,
  },
});
