/**
 * `npm run --silent audit -- [options]`: parse, run, exit. Every failure ends as one line on stderr and an exit
 * code (never a stack trace unless --debug asks for one).
 */
import { parseArgs, wantsDebug } from './args';
import { failureMessage } from './errors';

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
  // Loaded once the arguments are known good: --help and usage errors answer without loading the AWS SDK.
  const { defaultDeps, runAuditCommand } = await import('./run-audit');
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
    process.stderr.write(`${failureMessage(error, wantsDebug(argv))}\n`);
    process.exitCode = 1;
  },
);
