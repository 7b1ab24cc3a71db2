/**
 * `npm run sim`: serves a simulated organization on 127.0.0.1 and prints the `export AWS_...` lines that point
 * the AWS CLI, the SDK or `npm run audit` in another shell at it. Serves until Ctrl-C.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  generateScenario,
  parseScenario,
  type Scenario,
  ScenarioError,
  SimClock,
  type Simulator,
  startSimulator,
} from './sim';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliResult {
  code: number;
  /** Present when the simulator is serving; the caller closes it. */
  simulator?: Simulator;
}

function integer(min: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min) throw new InvalidArgumentError(`expected an integer >= ${min}`);
    return number;
  };
}

interface Options {
  seed: number;
  accounts: number;
  scenario?: string;
  start?: string;
  port: number;
  latency: number;
  largestTarget?: number;
  externalId?: string;
  dump?: string;
  verbose?: boolean;
}

async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseScenario(json, file);
}

class CliError extends Error {}

/** Parses arguments, starts the simulator and prints how to use it. Exit code 1 for a bad scenario or option. */
export async function runSimCli(argv: string[], io: CliIo): Promise<CliResult> {
  const program = new Command()
    .name('sim')
    .description('Serve a simulated AWS organization (ACM, STS, Organizations, Account, tagging) on 127.0.0.1')
    .option('--seed <n>', 'generator seed', integer(0), 1)
    .option('--accounts <n>', 'accounts to generate, the management account included', integer(1), 10)
    .option('--scenario <file>', 'serve this scenario JSON instead of a generated one')
    .option('--start <iso>', 'simulation clock start (default: the scenario file start, or now)')
    .option('--largest-target <n>', 'give one generated target exactly this many certificates', integer(0))
    .option('--external-id <id>', 'generated audit roles require this ExternalId')
    .option('--port <n>', 'port to listen on (default: any free port)', integer(0), 0)
    .option('--latency <ms>', 'latency added to every answer', integer(0), 0)
    .option('--dump <file>', 'also write the served scenario to this JSON file')
    .option('--verbose', 'log every call')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) });

  let options: Options;
  try {
    options = program.parse(argv, { from: 'user' }).opts<Options>();
  } catch (error) {
    if (error instanceof CommanderError) return { code: error.exitCode };
    throw error;
  }

  let scenario: Scenario;
  let clock: SimClock;
  try {
    if (options.start !== undefined && Number.isNaN(Date.parse(options.start))) {
      throw new CliError(`--start is not an ISO-8601 date: ${options.start}`);
    }
    if (options.scenario) {
      scenario = await loadScenario(options.scenario);
    } else {
      // Interactive use starts the business clock at the wall clock, so session expiry looks right to SDK credential
      // providers; pass --start to reproduce a run.
      const start = options.start ?? new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
      scenario = generateScenario({
        seed: options.seed,
        accounts: options.accounts,
        start,
        largestTarget: options.largestTarget,
        externalId: options.externalId,
      });
    }
    clock = new SimClock(options.start ?? scenario.start ?? new Date().toISOString());
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof CliError || error instanceof RangeError) {
      io.err(`sim: ${error.message}`);
      return { code: 1 };
    }
    throw error;
  }

  if (options.dump) await writeFile(options.dump, `${JSON.stringify(scenario, null, 2)}\n`);
  const simulator = await startSimulator({
    scenario,
    clock,
    port: options.port,
    latencyMs: options.latency,
    log: (line) => io.err(line),
    logCalls: options.verbose === true,
  });
  printInstructions(simulator, scenario, options, io);
  return { code: 0, simulator };
}

function printInstructions(simulator: Simulator, scenario: Scenario, options: Options, io: CliIo): void {
  const certificates = scenario.accounts.reduce((sum, account) => sum + account.certificates.length, 0);
  const targets = new Set(
    scenario.accounts.flatMap((account) => account.certificates.map((c) => c.arn.split(':').slice(3, 5).join(':'))),
  ).size;
  const source = options.scenario ? `from ${options.scenario}` : `generated, seed ${options.seed}`;
  const role = scenario.accounts[0]?.roles[0];
  io.out(
    `Simulated organization (${source}): ${scenario.accounts.length} accounts, ${certificates} certificates in ${targets} account-regions`,
  );
  io.out(`Clock ${simulator.clock.toISOString()}; management account ${scenario.managementAccountId}`);
  if (role) io.out(`Audit role ${role.name}${role.externalId ? ` (ExternalId ${role.externalId})` : ''}`);
  io.out(`Serving on ${simulator.url}. In another shell:`);
  io.out('');
  io.out('unset AWS_PROFILE AWS_SESSION_TOKEN');
  for (const [name, value] of Object.entries(simulator.env())) io.out(`export ${name}=${value}`);
  io.out('');
  io.out('Ctrl-C to stop.');
}

async function main(): Promise<void> {
  const io: CliIo = { out: (line) => console.log(line), err: (line) => console.error(line) };
  const { code, simulator } = await runSimCli(process.argv.slice(2), io);
  if (!simulator) {
    process.exitCode = code;
    return;
  }
  process.once('SIGINT', () => {
    const { total, byOutcome } = simulator.counters.snapshot();
    io.out(
      `\nAnswered ${total} calls (${byOutcome.throttled} throttled, ${byOutcome.faulted} faulted, ${byOutcome.error} errors).`,
    );
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
