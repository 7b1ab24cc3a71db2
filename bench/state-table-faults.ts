/**
 * A month of daily audits with a busy state table, compared with the same month without faults: alerts per
 * incident, noise, lost, duplicated and delayed alerts, coverage-gap and monitor-health pages, certificates missing
 * from reports. Not a part of `npm run bench` (it takes minutes and measures behaviour, not speed):
 *
 *   npx tsx bench/state-table-faults.ts                      30 days, the fault rates
 *   npx tsx bench/state-table-faults.ts --days 10 --max-attempts 3   fewer days, the SDK's default attempts
 *
 * Fault rates: 15 % of writes throttled, 3 % of successful writes with the answer lost, 5 % of reads answering 500,
 * and each day 4 ACM/STS calls answering 500 or throttled (local/state-table-faults.ts runs the worlds).
 */
import { fileURLToPath } from 'node:url';
import { BUSY_TABLE, compareWorlds, runFaultWorld } from '../local/state-table-faults';

function flag(argv: readonly string[], name: string, fallback: number): number {
  const index = argv.indexOf(name);
  if (index < 0) return fallback;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} takes a positive whole number; got "${argv[index + 1]}"`);
  return value;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const days = flag(argv, '--days', 30);
  const maxAttempts = argv.includes('--max-attempts') ? flag(argv, '--max-attempts', 10) : undefined;
  const common = { days, seed: 20261201, accounts: 12, regions: ['us-east-1', 'eu-west-1'], churn: 0.05 };
  const started = performance.now();
  const baseline = await runFaultWorld(common);
  const faulted = await runFaultWorld({
    ...common,
    table: BUSY_TABLE,
    awsFaultsPerDay: 4,
    ...(maxAttempts !== undefined ? { tableRetry: { maxAttempts } } : {}),
  });
  const { byOperation: _byOperation, ...proxy } = faulted.proxy;
  const summary = {
    days,
    organization: { accounts: common.accounts, regions: common.regions },
    faults: {
      table: BUSY_TABLE,
      awsFaultsPerDay: 4,
      proxy,
      retries: faulted.retries,
      maxAttempts: maxAttempts ?? 'default',
    },
    baselineAlerts: baseline.days.reduce((sum, day) => sum + day.alerts.length, 0),
    ...compareWorlds(baseline, faulted),
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
