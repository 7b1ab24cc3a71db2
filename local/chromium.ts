/**
 * Debian's headless Chromium, driven by playwright-core, for the checks a DOM library cannot make: the report under
 * its own Content-Security-Policy, real layout and paint, a screenshot, filtering time. Nothing here downloads a
 * browser: playwright-core ships none, and this launches the one the machine has (`apt-get install chromium`).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where Debian's package puts it; CHROMIUM_PATH names another build (a path, not a secret). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export class ChromiumMissingError extends Error {
  override readonly name = 'ChromiumMissingError';
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new ChromiumMissingError(
      `No Chromium at ${CHROMIUM_PATH}. Install Debian's package with \`apt-get install -y chromium\` ` +
        '(.ci/run does so when it is missing), or set CHROMIUM_PATH to a Chromium executable.',
    );
  }
  // --no-sandbox: CI and the development machines run as root, where Chromium refuses its sandbox. The page is our
  // own report from a local file, never a site from the network.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
