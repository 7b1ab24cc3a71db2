/** What the audit command reports as one line and exit code 1: a problem the user can fix. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/**
 * The line printed for an error that ended the command: a CliError's message as it is; anything else as one line
 * with a pointer to --debug, or with its stack when --debug was given.
 */
export function failureMessage(error: unknown, debug: boolean): string {
  if (error instanceof CliError) return `audit: ${error.message}`;
  if (debug)
    return `audit: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `audit: unexpected error: ${message.replace(/\s+/g, ' ').trim()} (run with --debug for details)`;
}
