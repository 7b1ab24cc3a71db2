/**
 * `npm run --silent audit -- [options]`: parse, run, exit. Every failure ends as one line on stderr and an exit
 * code (never a stack trace unless --debug asks for one).
 */
import { parseArgs, wantsDebug } from './args';
import { CliError } from './errors';
import { defaultDeps, runAuditCommand } from './run-audit';

async function main(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(parsed.text);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`audit: ${parsed.message}\n`);
    return 1;
  }
  for (const warning of parsed.warnings) process.stderr.write(`Warning: ${warning}\n`);
  const deps = await defaultDeps();
  const debug = parsed.options.debug;
  try {
    return await runAuditCommand(
      parsed.options,
      { stdout: process.stdout, stderr: process.stderr, env: process.env },
      {
        ...deps,
        ...(debug
          ? {
              logger: {
                info: (message, fields) =>
                  process.stderr.write(`${JSON.stringify({ level: 'info', message, ...fields })}\n`),
                warn: (message, fields) =>
                  process.stderr.write(`${JSON.stringify({ level: 'warn', message, ...fields })}\n`),
              },
            }
          : {}),
      },
    );
  } finally {
    deps.destroy();
  }
}

const argv = process.argv.slice(2);
main(argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof CliError) {
      process.stderr.write(`audit: ${error.message}\n`);
    } else if (wantsDebug(argv)) {
      process.stderr.write(
        `audit: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `audit: unexpected error: ${message.replace(/\s+/g, ' ').trim()} (run with --debug for details)\n`,
      );
    }
    process.exitCode = 1;
  },
);
