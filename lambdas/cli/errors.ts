/** What the audit command reports as one line and exit code 1: a problem the user can fix. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
